import { describe, expect, it } from 'vitest';
import { makePredictions } from './predictions.js';
import { normalSampler, seededRandom } from './random.js';

describe('seeded data', () => {
  it('is reproducible from its seed and differs across seeds', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(seededRandom(8)()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('draws standard normals (mean ~0, sd ~1 over 20,000 draws)', () => {
    const n = normalSampler(seededRandom(3));
    const xs = Array.from({ length: 20_000 }, n);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });

  it('makes time-ordered, unique, valid prediction records', () => {
    const recs = makePredictions(100, { features: 4, symbols: ['A', 'B'] });
    expect(new Set(recs.map((r) => r.id)).size).toBe(100);
    expect(recs.map((r) => r.id)).toEqual([...recs.map((r) => r.id)].sort());
    expect(Object.keys(recs[0]!.features)).toEqual(['f0', 'f1', 'f2', 'f3']);
    expect(recs.every((r) => r.confidence >= 0.5 && r.confidence <= 1)).toBe(true);
  });
});
