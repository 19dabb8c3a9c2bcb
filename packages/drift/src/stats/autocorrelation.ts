/** Lag-1 sample autocorrelation (the acf estimator: lagged cross-products over the total sum of squares). */
export function lag1Autocorrelation(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 3) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i] as number;
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = (x[i] as number) - mean;
    den += d * d;
    if (i > 0) num += d * ((x[i - 1] as number) - mean);
  }
  return den === 0 ? 0 : num / den;
}
