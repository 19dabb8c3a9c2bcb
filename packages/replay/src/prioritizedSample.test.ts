import jStat from 'jstat';
import { describe, expect, it } from 'vitest';
import { prioritizedSample, priorityProbabilities } from './prioritizedSample.js';
import { mulberry32 } from './random.js';

const chiSquareP = (observed: number[], expected: number[]): number => {
  let stat = 0;
  observed.forEach((o, i) => {
    const e = expected[i] as number;
    stat += (o - e) ** 2 / e;
  });
  return 1 - jStat.chisquare.cdf(stat, observed.length - 1);
};

describe('prioritizedSample', () => {
  const scores = Array.from({ length: 25 }, (_, i) => 0.5 + i * 0.02);

  it('draws with frequencies matching P(i) = score^alpha / sum (chi-square goodness of fit, fixed seed)', () => {
    const n = 200_000;
    const alpha = 0.6;
    const draw = prioritizedSample(scores, n, alpha, 0.4, mulberry32(12345));
    const counts = new Array<number>(scores.length).fill(0);
    for (const i of draw.indices) counts[i] = (counts[i] as number) + 1;
    const total = scores.reduce((s, x) => s + x ** alpha, 0);
    const expected = scores.map((s) => (n * s ** alpha) / total);
    expect(chiSquareP(counts, expected)).toBeGreaterThan(0.01);
    // the test has power: the same draws are far from uniform and from alpha = 3
    expect(
      chiSquareP(
        counts,
        scores.map(() => n / scores.length),
      ),
    ).toBeLessThan(1e-6);
    const t3 = scores.reduce((s, x) => s + x ** 3, 0);
    expect(
      chiSquareP(
        counts,
        scores.map((s) => (n * s ** 3) / t3),
      ),
    ).toBeLessThan(1e-6);
    // high-confidence errors (> 0.8) are drawn more often than their share of the buffer
    const high = scores.map((s, i) => (s > 0.8 ? (counts[i] as number) : 0)).reduce((a, b) => a + b, 0) / n;
    expect(high).toBeGreaterThan(scores.filter((s) => s > 0.8).length / scores.length);
  });

  it('gives importance-sampling weights (N P(i))^-beta / max_j (N P(j))^-beta as in Schaul et al. 2016', () => {
    const beta = 0.4;
    const alpha = 0.7;
    const draw = prioritizedSample(scores, 1000, alpha, beta, mulberry32(3));
    const P = priorityProbabilities(scores, alpha);
    const N = scores.length;
    const maxW = Math.max(...Array.from(P, (p) => (N * p) ** -beta));
    draw.indices.forEach((idx, k) => {
      expect(draw.probabilities[k]).toBeCloseTo(P[idx] as number, 15);
      expect(draw.weights[k]).toBeCloseTo((N * (P[idx] as number)) ** -beta / maxW, 12);
    });
    // the least likely item carries weight 1; the most likely the smallest
    expect(Math.max(...draw.weights)).toBeLessThanOrEqual(1);
    const lowest = prioritizedSample([0.1, 1, 1, 1], 2000, 1, 1, mulberry32(1));
    expect(lowest.weights[lowest.indices.indexOf(0)]).toBeCloseTo(1, 12);
    expect(lowest.weights[lowest.indices.indexOf(1)]).toBeCloseTo(0.1, 12);
  });

  it('is uniform with alpha = 0, unweighted with beta = 0, reproducible from a seed, and never draws zero scores', () => {
    const u = prioritizedSample(scores, 10, 0, 0, mulberry32(5));
    expect(u.probabilities.every((p) => Math.abs(p - 1 / scores.length) < 1e-15)).toBe(true);
    expect(u.weights.every((w) => w === 1)).toBe(true);
    expect(prioritizedSample(scores, 50, 0.6, 0.4, mulberry32(9)).indices).toEqual(
      prioritizedSample(scores, 50, 0.6, 0.4, mulberry32(9)).indices,
    );
    const z = prioritizedSample([0, 0.5, 0, 0.5, 0], 5000, 1, 0.5, mulberry32(2));
    expect(new Set(z.indices)).toEqual(new Set([1, 3]));
    expect(prioritizedSample([0, 0], 5, 1, 1, mulberry32(1)).indices).toEqual([]);
  });
});
