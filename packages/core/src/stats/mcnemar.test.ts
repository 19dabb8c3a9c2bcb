import { describe, expect, it } from 'vitest';
import { mcnemar } from './mcnemar.js';

describe('mcnemar', () => {
  it('matches hand-computed exact and chi-square p-values', () => {
    // b = 10, c = 2: exact 2 * (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 158 / 4096
    const r = mcnemar(10, 2);
    expect(r.pExact).toBeCloseTo(158 / 4096, 12);
    expect(r.chiSquare).toBeCloseTo(49 / 12, 12);
    // scipy.stats.chi2.sf(49 / 12, 1) = 0.04330814281079206
    expect(r.pChiSquare).toBeCloseTo(0.043308142810791955, 12);
    // chi2.sf(0.25, 1) = erfc(sqrt(0.125)) = 0.6170750774519738 (Python math.erfc; the series branch)
    expect(mcnemar(3, 1).pChiSquare).toBeCloseTo(0.6170750774519738, 12);
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
