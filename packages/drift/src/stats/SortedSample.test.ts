import fc from 'fast-check';
import { expect, it } from 'vitest';
import { SortedSample } from './SortedSample.js';

it('fromUnsorted sorts exactly as the native sort and indexes as the constructor, for any finite data (property)', () => {
  const value = fc.oneof(
    fc.integer({ min: -5, max: 5 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.constantFrom(0, -0, 5e-324, -5e-324, 1e300, -1e300),
  );
  fc.assert(
    fc.property(fc.array(value, { maxLength: 3000 }), fc.array(value, { minLength: 1, maxLength: 200 }), (xs, win) => {
      const input = Float64Array.from(xs);
      const copy = input.slice();
      const expected = Float64Array.from(xs).sort();
      const got = SortedSample.fromUnsorted(input);
      expect(got.length).toBe(xs.length);
      for (let i = 0; i < xs.length; i++) expect(Object.is(got.values[i], expected[i]), `index ${i}`).toBe(true);
      expect(input).toEqual(copy); // the input is not touched
      if (xs.length > 0) {
        const w = Float64Array.from(win).sort();
        expect(got.extremesAgainst(w)).toEqual(new SortedSample(expected).extremesAgainst(w));
      }
    }),
    { numRuns: 150, seed: 20261202 },
  );
});

it('fromUnsorted handles crowded buckets (an outlier squeezes the rest into one) and plain normal data', () => {
  let s = 3;
  const u = (): number => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const outlier = Array.from({ length: 5_000 }, () => u());
  outlier[42] = 1e12;
  const normal = Array.from({ length: 50_000 }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
  for (const xs of [outlier, normal]) {
    const got = SortedSample.fromUnsorted(xs);
    expect(Array.from(got.values)).toEqual(Array.from(Float64Array.from(xs).sort()));
    const w = Float64Array.from(xs.slice(0, 700)).sort();
    expect(got.extremesAgainst(w)).toEqual(new SortedSample(Float64Array.from(xs).sort()).extremesAgainst(w));
  }
});

it('extremesAgainstUnsorted gives the extremes of the sorted walk bit for bit, for a window in any order (property)', () => {
  // few distinct values, so ties inside the window, inside the sample and across both are common
  const value = fc.oneof(
    fc.integer({ min: -6, max: 6 }),
    fc.constantFrom(0, -0, 0.5, -0.5, 5e-324),
    fc.double({ min: -10, max: 10, noNaN: true }),
  );
  fc.assert(
    fc.property(fc.array(value, { minLength: 1, maxLength: 400 }), fc.array(value, { maxLength: 200 }), (xs, win) => {
      const s = SortedSample.fromUnsorted(Float64Array.from(xs));
      const w = Float64Array.from(win);
      const got = s.extremesAgainstUnsorted(w);
      const want = s.extremesAgainst(Float64Array.from(win).sort());
      expect(
        Object.is(got.dPlus, want.dPlus) && Object.is(got.dMinus, want.dMinus),
        JSON.stringify({ got, want }),
      ).toBe(true);
      expect(w).toEqual(Float64Array.from(win)); // the window is not touched
    }),
    { numRuns: 400, seed: 20261202 },
  );
});
