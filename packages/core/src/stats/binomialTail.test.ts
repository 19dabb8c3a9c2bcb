import { describe, expect, it } from 'vitest';
import { binomialUpperTail } from './binomialTail.js';
import { logGamma } from './gamma.js';

describe('binomialUpperTail', () => {
  it('matches the exact binomial sums', () => {
    // sum_{k>=60} C(100, k) / 2^100 = 0.028443966820490395 (exact rational, in Python)
    expect(binomialUpperTail(60, 100, 0.5)).toBeCloseTo(0.028443966820490395, 14);
    // sum_{k>=15} C(40, k) 0.25^k 0.75^(40-k) = 0.05443724801863482 (exact, in Python)
    expect(binomialUpperTail(15, 40, 0.25)).toBeCloseTo(0.05443724801863482, 14);
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
    expect(binomialUpperTail(10, 10, 0.5) / 0.5 ** 10).toBeCloseTo(1, 12);
    // far in the tail, relative accuracy holds: P(X >= 114) for Bin(114, 1/2) = 2^-114
    expect(binomialUpperTail(114, 114, 0.5) / 2 ** -114).toBeCloseTo(1, 10);
    expect(() => binomialUpperTail(1.5, 3, 0.5)).toThrow(RangeError);
  });

  it('logGamma matches ln((n-1)!) and ln Γ(1/2)', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
  });
});
