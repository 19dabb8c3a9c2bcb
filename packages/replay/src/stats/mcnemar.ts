/// <reference path="../jstat.d.ts" />
import jStat from 'jstat';

/** McNemar's paired test of two classifiers on the same samples. */
export interface McNemarResult {
  /** Samples the old model got wrong and the new one right. */
  readonly b: number;
  /** Samples the old model got right and the new one wrong. */
  readonly c: number;
  /** Continuity-corrected statistic (|b - c| - 1)^2 / (b + c); 0 when b + c = 0. */
  readonly chiSquare: number;
  /** Its p-value against chi-square with 1 degree of freedom. */
  readonly pChiSquare: number;
  /** Exact two-sided p-value: 2 * P(Binomial(b + c, 1/2) <= min(b, c)), capped at 1. */
  readonly pExact: number;
  /** Exact one-sided p-value that the new model is better: P(Binomial(b + c, 1/2) >= b). */
  readonly pBetter: number;
}

export function mcnemar(b: number, c: number): McNemarResult {
  if (!(Number.isInteger(b) && Number.isInteger(c) && b >= 0 && c >= 0)) throw new RangeError(`mcnemar: b and c must be non-negative integers, got ${b}, ${c}`);
  const n = b + c;
  if (n === 0) return { b, c, chiSquare: 0, pChiSquare: 1, pExact: 1, pBetter: 1 };
  const chiSquare = (Math.abs(b - c) - 1) ** 2 / n;
  const k = Math.min(b, c);
  // P(X <= k) for X ~ Bin(n, 1/2) is the regularized incomplete beta I_{1/2}(n - k, k + 1).
  const tail = k === n ? 1 : jStat.ibeta(0.5, n - k, k + 1);
  return { b, c, chiSquare, pChiSquare: 1 - jStat.chisquare.cdf(chiSquare, 1), pExact: Math.min(1, 2 * tail), pBetter: binomialUpperTail(b, n, 0.5) };
}

/** P(X >= k) for X ~ Binomial(n, p): the regularized incomplete beta I_p(k, n - k + 1); 1 for k <= 0. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (!(Number.isInteger(k) && Number.isInteger(n) && n >= 0 && p >= 0 && p <= 1)) throw new RangeError(`binomialUpperTail: need integers k, n >= 0 and p in [0, 1], got ${k}, ${n}, ${p}`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  return jStat.ibeta(p, k, n - k + 1);
}
