import fc from 'fast-check';
import { expect, it } from 'vitest';
import { sortFloat64 } from './sortFloat64.js';

it('sorts exactly as Float64Array.prototype.sort, for any finite doubles and sizes (property)', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.integer({ min: -3, max: 3 }),
          fc.constantFrom(0, -0),
        ),
        { maxLength: 2000 },
      ),
      (xs) => {
        const expected = Float64Array.from(xs).sort();
        const got = sortFloat64(xs);
        expect(got.length).toBe(xs.length);
        for (let i = 0; i < xs.length; i++) expect(Object.is(got[i], expected[i])).toBe(true);
      },
    ),
    { numRuns: 200 },
  );
});

it('sorts large arrays exactly as the native sort: wide, tied, signed zeros, and values sharing their high bits', () => {
  let s = 7;
  const r = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const cases = [
    Array.from({ length: 10_000 }, () => (r() - 0.5) * 1e6),
    Array.from({ length: 5_000 }, () => Math.floor(r() * 20) - 10),
    Array.from({ length: 3_000 }, (_, i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : r() - 0.5)),
    Array.from({ length: 4_000 }, () => 1 + Math.floor(r() * 4000) * 1e-12),
    Array.from({ length: 2_000 }, () => -1e-300 * r()),
  ];
  for (const xs of cases) {
    const expected = Float64Array.from(xs).sort();
    const got = sortFloat64(xs);
    for (let i = 0; i < xs.length; i++) expect(Object.is(got[i], expected[i]), `index ${i}`).toBe(true);
  }
});
