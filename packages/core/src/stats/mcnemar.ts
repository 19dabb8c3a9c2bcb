import { binomialUpperTail } from './binomialTail.js';

/** McNemar's paired test of two classifiers on the same samples. */
export interface McNemarResult {
  /** Samples the old model got wrong and the new one right. */
  readonly b: number;
  /** Samples the old model got right and the new one wrong. */
  readonly c: number;
  /** Continuity-corrected statistic (|b - c| - 1)^2 / (b + c); 0 when b + c = 0. */
  readonly chiSquare: number;
  /** Its p-value against chi-square with 1 degree of freedom: erfc(sqrt(chi2 / 2)). */
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
  // P(X <= min) for X ~ Bin(n, 1/2) equals P(X >= n - min) by symmetry
  const tail = binomialUpperTail(n - Math.min(b, c), n, 0.5);
  return { b, c, chiSquare, pChiSquare: erfc(Math.sqrt(chiSquare / 2)), pExact: Math.min(1, 2 * tail), pBetter: binomialUpperTail(b, n, 0.5) };
}

/**
 * erfc(x) for x >= 0 as the regularized upper incomplete gamma Q(1/2, x^2): series below
 * x^2 = 1.5, Lentz's continued fraction above (Numerical Recipes 6.2), to ~1e-15.
 */
function erfc(x: number): number {
  const a = 0.5;
  const t = x * x;
  if (t === 0) return 1;
  const lnPrefix = -t + a * Math.log(t) - 0.5 * Math.log(Math.PI);
  if (t < a + 1) {
    let sum = 1 / a;
    let del = sum;
    for (let n = 1; n < 500 && Math.abs(del) > Math.abs(sum) * 1e-16; n++) {
      del *= t / (a + n);
      sum += del;
    }
    return 1 - sum * Math.exp(lnPrefix);
  }
  const tiny = 1e-300;
  let b = t + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(lnPrefix) * h;
}
