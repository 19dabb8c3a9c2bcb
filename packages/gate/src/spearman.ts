/** Average ranks (1-based), ties sharing the mean of their positions, as scipy.stats.rankdata. */
export function averageRanks(x: readonly number[]): Float64Array {
  const order = Array.from(x.keys()).sort((a, b) => (x[a] as number) - (x[b] as number));
  const ranks = new Float64Array(x.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && x[order[j + 1] as number] === x[order[i] as number]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = r;
    i = j + 1;
  }
  return ranks;
}

export interface SpearmanResult {
  readonly rho: number | null;
  readonly n: number;
  /** 95% interval from Fisher's z with the Fieller-Hartley-Pearson variance 1.06 / (n - 3). */
  readonly lower: number | null;
  readonly upper: number | null;
}

const Z_95 = 1.959963984540054;

/**
 * Spearman's rank correlation (Pearson's on average ranks, so ties are handled as scipy does)
 * with a 95% interval. rho is null when either side is constant or n < 3; the interval needs n > 3.
 */
export function spearman(x: readonly number[], y: readonly number[]): SpearmanResult {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`spearman: x and y must have the same length, got ${n} and ${y.length}`);
  if (n < 3) return { rho: null, n, lower: null, upper: null };
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const m = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = (rx[i] as number) - m;
    const b = (ry[i] as number) - m;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  if (sxx === 0 || syy === 0) return { rho: null, n, lower: null, upper: null };
  const rho = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  if (n <= 3 || Math.abs(rho) === 1) return { rho, n, lower: n > 3 ? rho : null, upper: n > 3 ? rho : null };
  const z = Math.atanh(rho);
  const half = Z_95 * Math.sqrt(1.06 / (n - 3));
  return { rho, n, lower: Math.tanh(z - half), upper: Math.tanh(z + half) };
}
