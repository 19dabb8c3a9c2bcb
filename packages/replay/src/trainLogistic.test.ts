import { describe, expect, it } from 'vitest';
import { mulberry32 } from './random.js';
import { trainLogistic } from './trainLogistic.js';

function synthetic(n: number, seed: number, coef: number[], intercept: number) {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = coef.map(() => gauss());
    const eta = intercept + x.reduce((s, v, j) => s + v * (coef[j] as number), 0);
    X.push(x);
    y.push(rand() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
  }
  return { X, y };
}

describe('trainLogistic', () => {
  it('recovers the coefficients of a logistic model from its samples', () => {
    const coef = [1.5, -2, 0.5];
    const { X, y } = synthetic(20_000, 1, coef, 0.3);
    const m = trainLogistic(X, y, { l2: 0 });
    // features are N(0, 1), so standardised coefficients are close to the raw ones
    m.coefficients.forEach((c, j) => {
      expect(Math.abs(c - (coef[j] as number) * (m.scales[j] as number))).toBeLessThan(0.1);
    });
    expect(m.intercept).toBeGreaterThan(0.1);
    expect(m.iterations).toBeLessThan(20);
    const acc = X.filter((x, i) => m.predict(x) === y[i]).length / X.length;
    expect(acc).toBeGreaterThan(0.75);
  });

  it('treats a weight of k like k copies of the row', () => {
    const { X, y } = synthetic(300, 2, [1, -1], 0);
    const w = X.map((_, i) => 1 + (i % 3));
    const weighted = trainLogistic(X, y, { weights: w, l2: 0 });
    const Xd: number[][] = [];
    const yd: number[] = [];
    X.forEach((x, i) => {
      for (let k = 0; k < (w[i] as number); k++) {
        Xd.push(x);
        yd.push(y[i] as number);
      }
    });
    const copied = trainLogistic(Xd, yd, { l2: 0 });
    const probe = [0.3, -0.7];
    expect(weighted.predictProba(probe)).toBeCloseTo(copied.predictProba(probe), 8);
  });

  it('refuses mismatched inputs and non-binary labels', () => {
    expect(() => trainLogistic([[1]], [1, 0])).toThrow(RangeError);
    expect(() => trainLogistic([[1], [2]], [0, 2])).toThrow(/0 or 1/);
  });
});
