import { binomialUpperTail } from './binomialTail.js';
import { chi2Sf } from './gamma.js';

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
  if (!(Number.isInteger(b) && Number.isInteger(c) && b >= 0 && c >= 0))
    throw new RangeError(`mcnemar: b and c must be non-negative integers, got ${b}, ${c}`);
  const n = b + c;
  if (n === 0) return { b, c, chiSquare: 0, pChiSquare: 1, pExact: 1, pBetter: 1 };
  const chiSquare = (Math.abs(b - c) - 1) ** 2 / n;
  // P(X <= min) for X ~ Bin(n, 1/2) equals P(X >= n - min) by symmetry
  const tail = binomialUpperTail(n - Math.min(b, c), n, 0.5);
  return {
    b,
    c,
    chiSquare,
    pChiSquare: chi2Sf(chiSquare, 1),
    pExact: Math.min(1, 2 * tail),
    pBetter: binomialUpperTail(b, n, 0.5),
  };
}
