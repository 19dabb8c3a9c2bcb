import { logGamma } from './gamma.js';

/**
 * P(X >= k) for X ~ Binomial(n, p), summed term by term in log space (exact to rounding, also
 * far in the tail, where 1 - cdf would lose everything). 1 for k <= 0, 0 for k > n.
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (!(Number.isInteger(k) && Number.isInteger(n) && n >= 0 && p >= 0 && p <= 1))
    throw new RangeError(`binomialUpperTail: need integers k, n >= 0 and p in [0, 1], got ${k}, ${n}, ${p}`);
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
