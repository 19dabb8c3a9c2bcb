import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ksExtremesSorted } from './ks.js';
import { ksExtremesUnsorted } from './ksExtremesUnsorted.js';

const sorted = (x: Float64Array): Float64Array => x.slice().sort();

it('gives the extremes of the sorted merge, bit for bit, for any data past the sorting threshold (property)', () => {
  // few distinct values (ties across and within samples), signed zeros, subnormals, wide and narrow ranges
  const value = fc.oneof(
    fc.integer({ min: -20, max: 20 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.constantFrom(0, -0, 5e-324, -5e-324, 1e300),
  );
  const sample = (n: number) =>
    fc.array(value, { minLength: n, maxLength: n + 1500 }).map((xs) => Float64Array.from(xs));
  fc.assert(
    fc.property(sample(1_000), sample(1_100), (a, b) => {
      const before = [a.slice(), b.slice()];
      expect(ksExtremesUnsorted(a, b)).toEqual(ksExtremesSorted(sorted(a), sorted(b)));
      expect([a, b]).toEqual(before); // the inputs are left as they were
    }),
    { numRuns: 60, seed: 20261202 },
  );
});

it('gives the extremes of the sorted merge for shifted normal samples of many sizes', () => {
  let s = 11;
  const u = (): number => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  for (const [n1, n2, shift] of [
    [1_500, 1_500, 0],
    [5_000, 4_001, 0.05],
    [20_000, 20_000, 0.01],
    [30_011, 29_989, 0.3],
    [3_000, 20_000, 0.1],
  ] as const) {
    const a = Float64Array.from({ length: n1 }, normal);
    const b = Float64Array.from({ length: n2 }, () => normal() + shift);
    expect(ksExtremesUnsorted(a, b), `${n1} vs ${n2}`).toEqual(ksExtremesSorted(sorted(a), sorted(b)));
  }
});
