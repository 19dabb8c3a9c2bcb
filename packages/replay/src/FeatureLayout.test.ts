import type { Issue } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { FeatureLayout } from './FeatureLayout.js';

describe('FeatureLayout', () => {
  it('is fixed by the first vector: arrays by length, records by sorted names', () => {
    const issues: Issue[] = [];
    const a = new FeatureLayout().vectorize(issues, 'f', [1, 2]);
    expect(a?.layout.dim).toBe(2);
    const r = new FeatureLayout().vectorize(issues, 'f', { b: 2, a: 1 });
    expect(r?.vector).toEqual([1, 2]);
    expect(r?.layout.names).toEqual(['a', 'b']);
    expect(r?.layout.vectorize(issues, 'f', { a: 5, b: 6 })?.vector).toEqual([5, 6]);
    expect(r?.layout.vectorize(issues, 'f', [7, 8])?.vector).toEqual([7, 8]);
    expect(issues).toEqual([]);
    expect(FeatureLayout.parse(JSON.stringify(r?.layout)).names).toEqual(['a', 'b']);
  });

  it('names each problem', () => {
    const issues: Issue[] = [];
    const l = new FeatureLayout(['a', 'b']);
    l.vectorize(issues, 'x', { a: 1, c: 2 });
    l.vectorize(issues, 'y', { a: 1, b: Number.POSITIVE_INFINITY });
    l.vectorize(issues, 'z', [1]);
    l.vectorize(issues, 'w', 'nope');
    expect(issues.map((i) => i.path)).toEqual(['x', 'y.b', 'z', 'w']);
    expect(issues[0]?.message).toContain('missing b; unexpected c');
  });

  it('fits exactly what vectorize accepts unchanged (the observe fast path), whatever key order it last saw', () => {
    const inherited = Object.assign(Object.create({ b: 2 }), { a: 1, constructor: 3, c: 4 });
    const cases: unknown[] = [
      { a: 1, b: 2, constructor: 3 },
      { constructor: 3, b: 2, a: 1 },
      { a: 1, b: 2 },
      { a: 1, b: 2, constructor: 3, d: 4 },
      { a: 1, b: Number.NaN, constructor: 3 },
      { a: 1, b: '2', constructor: 3 },
      { a: 1, c: 2, constructor: 3 },
      { constructor: 3, b: Number.POSITIVE_INFINITY, a: 1 },
      inherited,
      Object.assign(Object.create({ constructor: 3 }), { a: 1, b: 2 }),
      Object.defineProperty({ a: 1, b: 2 }, 'constructor', { value: 3, enumerable: false }),
      [1, 2, 3],
      null,
      'abc',
    ];
    // fresh, then after each key order that fits (the order a fit remembers)
    for (const warm of [undefined, cases[0], cases[1]]) {
      const l = new FeatureLayout(['a', 'b', 'constructor']);
      if (warm !== undefined) expect(l.fits(warm)).toBe(true);
      for (const f of [...cases, ...cases]) {
        const issues: Issue[] = [];
        const r = l.vectorize(issues, 'f', f);
        expect(l.fits(f)).toBe(issues.length === 0 && r?.layout === l && !Array.isArray(f));
      }
    }
    expect(new FeatureLayout().fits({ a: 1 })).toBe(false);
  });
});
