/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-14). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let a = c[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * P(X >= k) for X ~ Binomial(n, p), summed term by term in log space (exact to rounding, also
 * far in the tail, where 1 - cdf would lose everything). 1 for k <= 0, 0 for k > n.
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (!(Number.isInteger(k) && Number.isInteger(n) && n >= 0 && p >= 0 && p <= 1)) throw new RangeError(`binomialUpperTail: need integers k, n >= 0 and p in [0, 1], got ${k}, ${n}, ${p}`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  const lnN = logGamma(n + 1);
  const logs: number[] = [];
  for (let j = k; j <= n; j++) logs.push(lnN - logGamma(j + 1) - logGamma(n - j + 1) + j * lp + (n - j) * lq);
  const max = Math.max(...logs);
  let s = 0;
  for (const l of logs) s += Math.exp(l - max);
  return Math.min(1, Math.exp(max) * s);
}
