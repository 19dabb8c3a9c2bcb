/** z for a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/**
 * Wilson score interval for a binomial proportion (`correct` of `n`). Unlike the normal
 * approximation it stays inside [0, 1] and is honest for small n; n = 0 gives [0, 1].
 */
export function wilsonInterval(correct: number, n: number, z = Z_95): Interval {
  if (n <= 0) return { lower: 0, upper: 1 };
  const p = correct / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // At p = 0 or 1 the bound is exactly 0 or 1; floating point lands a hair inside (0.9999999999999999),
  // which would put the point estimate outside its own interval.
  return {
    lower: correct === 0 ? 0 : Math.max(0, center - half),
    upper: correct === n ? 1 : Math.min(1, center + half),
  };
}
