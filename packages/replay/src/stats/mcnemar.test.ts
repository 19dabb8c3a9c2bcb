import { describe, expect, it } from 'vitest';
import { binomialUpperTail, mcnemar } from './mcnemar.js';

describe('mcnemar', () => {
  it('matches hand-computed exact and chi-square p-values', () => {
    // b = 10, c = 2: exact 2 * (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 158 / 4096
    const r = mcnemar(10, 2);
    expect(r.pExact).toBeCloseTo(158 / 4096, 12);
    expect(r.chiSquare).toBeCloseTo(49 / 12, 12);
    // scipy.stats.chi2.sf(49 / 12, 1) = 0.04330814281079206
    expect(r.pChiSquare).toBeCloseTo(0.043308142810791955, 9);
  });

  it('is 1 for no discordant pairs or a tie, and symmetric in b and c', () => {
    expect(mcnemar(0, 0)).toMatchObject({ pExact: 1, pChiSquare: 1 });
    expect(mcnemar(5, 5).pExact).toBe(1);
    expect(mcnemar(3, 17).pExact).toBeCloseTo(mcnemar(17, 3).pExact, 14);
    // all 30 discordant pairs one way: 2 * 0.5^30
    expect(mcnemar(30, 0).pExact).toBeCloseTo(2 * 0.5 ** 30, 20);
    expect(() => mcnemar(-1, 2)).toThrow(RangeError);
  });

  it('gives the one-sided exact p that the new model is better', () => {
    // scipy.stats.binomtest(10, 12, 0.5, alternative='greater').pvalue = 79 / 4096
    expect(mcnemar(10, 2).pBetter).toBeCloseTo(79 / 4096, 12);
    // the other way round it is large: binomtest(2, 12, alternative='greater') = 4083 / 4096
    expect(mcnemar(2, 10).pBetter).toBeCloseTo(4083 / 4096, 12);
    expect(mcnemar(0, 0).pBetter).toBe(1);
  });
});

describe('binomialUpperTail', () => {
  it('matches the exact binomial sums (jStat ibeta is good to ~1e-9)', () => {
    // sum_{k>=60} C(100, k) / 2^100 = 0.028443966820490395 (exact, in Python)
    expect(binomialUpperTail(60, 100, 0.5)).toBeCloseTo(0.028443966820490395, 8);
    // sum_{k>=15} C(40, k) 0.25^k 0.75^(40-k) = 0.05443724801863482 (exact, in Python)
    expect(binomialUpperTail(15, 40, 0.25)).toBeCloseTo(0.05443724801863482, 8);
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
    expect(binomialUpperTail(10, 10, 0.5)).toBeCloseTo(0.5 ** 10, 15);
  });
});
