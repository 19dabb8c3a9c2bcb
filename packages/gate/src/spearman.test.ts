import { describe, expect, it } from 'vitest';
import { averageRanks, spearman } from './spearman.js';

describe('spearman', () => {
  it('matches scipy.stats.spearmanr, ties included, and the Fisher-z interval', () => {
    const x = [0.9, 0.2, 0.55, 0.55, 0.7, 0.1, 0.3, 0.8, 0.65, 0.4];
    const y = [1, 0, 1, 0, 1, 0, 0, 1, 1, 0];
    // scipy 1.17.1: spearmanr(x, y).statistic; tanh(atanh(r) -/+ 1.96 sqrt(1.06 / 7))
    const r = spearman(x, y);
    expect(r.rho).toBeCloseTo(0.8381163549234938, 12);
    expect(r.lower).toBeCloseTo(0.4236338889939335, 12);
    expect(r.upper).toBeCloseTo(0.9624034384876148, 12);
    expect(
      spearman([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9], [2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4]).rho,
    ).toBeCloseTo(0.17916174391114706, 12);
  });

  it('averages tied ranks and is null for constant input or n < 3', () => {
    expect([...averageRanks([10, 20, 10, 30])]).toEqual([1.5, 3, 1.5, 4]);
    expect(spearman([1, 2, 3, 4], [5, 5, 5, 5]).rho).toBeNull();
    expect(spearman([1, 2], [1, 2]).rho).toBeNull();
    expect(spearman([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])).toMatchObject({ rho: -1, lower: -1, upper: -1 });
    expect(() => spearman([1, 2, 3], [1, 2])).toThrow(RangeError);
  });
});
