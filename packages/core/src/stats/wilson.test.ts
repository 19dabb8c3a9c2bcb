import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson.js';

describe('wilsonInterval', () => {
  it('matches reference values (statsmodels proportion_confint method="wilson")', () => {
    const a = wilsonInterval(8, 10);
    expect(a.lower).toBeCloseTo(0.4901625, 6);
    expect(a.upper).toBeCloseTo(0.9433178, 6);
    const b = wilsonInterval(0, 10);
    expect(b.lower).toBe(0);
    expect(b.upper).toBeCloseTo(0.2775328, 6);
    const c = wilsonInterval(550, 1000);
    expect(c.lower).toBeCloseTo(0.519, 4);
    expect(c.upper).toBeCloseTo(0.5806, 4);
  });

  it('is [0, 1] with no data, contains the point estimate and narrows with n', () => {
    expect(wilsonInterval(0, 0)).toEqual({ lower: 0, upper: 1 });
    for (const [k, n] of [
      [1, 3],
      [3, 3],
      [30, 100],
      [300, 1000],
    ] as const) {
      const { lower, upper } = wilsonInterval(k, n);
      expect(lower).toBeLessThanOrEqual(k / n);
      expect(upper).toBeGreaterThanOrEqual(k / n);
    }
    // p = 1 and p = 0 sit exactly on their bound (floating point used to give 0.9999999999999999)
    for (const n of [1, 7, 49, 1000, 123_457]) {
      expect(wilsonInterval(n, n).upper).toBe(1);
      expect(wilsonInterval(0, n).lower).toBe(0);
    }
    const small = wilsonInterval(6, 10);
    const large = wilsonInterval(600, 1000);
    expect(large.upper - large.lower).toBeLessThan(small.upper - small.lower);
  });
});
