import fc from 'fast-check';
import { expect, it } from 'vitest';
import { sortFloat64 } from './sortFloat64.js';

it('sorts exactly as Float64Array.prototype.sort, for any finite doubles and sizes (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -3, max: 3 }), fc.constantFrom(0, -0)), { maxLength: 2000 }), (xs) => {
      const expected = Float64Array.from(xs).sort();
      const got = sortFloat64(xs);
      expect(got.length).toBe(xs.length);
      for (let i = 0; i < xs.length; i++) expect(Object.is(got[i], expected[i])).toBe(true);
    }),
    { numRuns: 200 },
  );
});
