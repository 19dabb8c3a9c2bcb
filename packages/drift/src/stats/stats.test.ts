import { type Issue, isVigilError } from '@vigil/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lag1Autocorrelation } from './autocorrelation.js';
import { chi2Contingency, chiSquare } from './chiSquare.js';
import { benjaminiHochberg, holm } from './correction.js';
import { Cusum } from './cusum.js';
import { ksAgainstRest } from '../calibrate.js';
import { SortedSample } from './SortedSample.js';
import { ks2Samp, ksExtremesSorted } from './ks.js';
import { ksNoiseLevel } from './noise.js';
import { psi } from './psi.js';
import { applyTransform } from './transforms.js';

const invalid = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(isVigilError(e, 'VIGIL_INVALID_INPUT')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a VigilError');
};

describe('ks2Samp input', () => {
  it('refuses empty samples, NaN and infinities, naming the sample and index', () => {
    expect(invalid(() => ks2Samp([], [1, 2]))).toContain('a: must not be empty');
    expect(invalid(() => ks2Samp([1, Number.NaN], [1, 2]))).toContain('a[1]: must be a finite number, got NaN');
    expect(invalid(() => ks2Samp([1, 2], [Number.POSITIVE_INFINITY]))).toContain(
      'b[0]: must be a finite number, got Infinity',
    );
    expect(invalid(() => ks2Samp([1], [2], { method: 'fast' as never }))).toContain('method');
  });

  it('statistic equals the brute-force max ECDF gap, and is symmetric two-sided (property)', () => {
    const sample = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const F = (xs: number[], v: number) => xs.filter((x) => x <= v).length / xs.length;
        let plus = 0;
        let minus = 0;
        for (const v of [...a, ...b]) {
          plus = Math.max(plus, F(a, v) - F(b, v));
          minus = Math.max(minus, F(b, v) - F(a, v));
        }
        const e = ksExtremesSorted(
          [...a].sort((x, y) => x - y),
          [...b].sort((x, y) => x - y),
        );
        expect(e.dPlus).toBeCloseTo(plus, 14);
        expect(e.dMinus).toBeCloseTo(minus, 14);
        const ab = ks2Samp(a, b);
        const ba = ks2Samp(b, a);
        expect(ab.statistic).toBe(ba.statistic);
        expect(ab.pValue).toBeCloseTo(ba.pValue, 12);
        expect(ab.pValue).toBeGreaterThanOrEqual(0);
        expect(ab.pValue).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  it("'auto' is exact up to 10,000 per sample and asymptotic beyond", () => {
    const a = Array.from({ length: 10_001 }, (_, i) => i);
    expect(ks2Samp(a.slice(0, 10_000), a.slice(1001)).method).toBe('exact');
    // an exact p-value that rounds above 1 falls back, as scipy's does (D = 1/10000 here)
    expect(ks2Samp(a.slice(0, 10_000), a.slice(1)).method).toBe('asymp');
    expect(ks2Samp(a, a.slice(1)).method).toBe('asymp');
    // one-sided exact with unequal sizes overflows binom(n1 + n2, n1) and falls back
    expect(ks2Samp(a.slice(0, 1000), a.slice(0, 900), { alternative: 'less', method: 'exact' }).method).toBe('asymp');
  });
});

describe('chi-square', () => {
  it('refuses mismatched sums, lengths and zero expected frequencies', () => {
    expect(() => chiSquare([1, 2], [1, 1])).toThrow(/same sum/);
    expect(invalid(() => chiSquare([1, 2], [3]))).toContain('expected: has 1 values but observed has 2');
    expect(invalid(() => chiSquare([1, -2], [1, 1]))).toContain('observed[1]');
    expect(() =>
      chi2Contingency([
        [0, 1],
        [0, 3],
      ]),
    ).toThrow(/column 0 sum to 0/);
  });
  it('a 2x1 table has no degrees of freedom: statistic 0, p 1', () => {
    expect(chi2Contingency([[4], [6]])).toMatchObject({ statistic: 0, pValue: 1, dof: 0 });
  });
});

describe('multiple-testing corrections', () => {
  // reference values from R: p.adjust(c(0.01, 0.04, 0.03, 0.005), 'holm' / 'BH')
  const p = [0.01, 0.04, 0.03, 0.005];
  it('Holm', () => expect(holm(p).map((x) => +x.toFixed(10))).toEqual([0.03, 0.06, 0.06, 0.02]));
  it('Benjamini-Hochberg', () =>
    expect(benjaminiHochberg(p).map((x) => +x.toFixed(10))).toEqual([0.02, 0.04, 0.04, 0.02]));
});

describe('psi', () => {
  it('is 0 for identical samples and grows with a shift; empty bins stay finite', () => {
    const ref = Array.from({ length: 1000 }, (_, i) => i / 1000);
    expect(psi(ref, ref).statistic).toBeCloseTo(0, 12);
    const small = psi(
      ref,
      ref.map((x) => x + 0.05),
    ).statistic;
    const large = psi(
      ref,
      ref.map((x) => x + 0.5),
    ).statistic;
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small);
    expect(Number.isFinite(psi(ref, [5, 6, 7]).statistic)).toBe(true);
    // all mass in the top bin (share 1) vs 0.1 reference, the rest floored at 1e-4
    const r = psi(ref, [5, 6, 7]);
    expect(r.current.at(-1)).toBe(1);
    expect(r.statistic).toBeCloseTo((1 - 0.1) * Math.log(10) + 9 * (1e-4 - 0.1) * Math.log(1e-4 / 0.1), 9);
  });
});

describe('transforms and autocorrelation', () => {
  it('diff, pct_change and log_return lose one value and refuse bad inputs', () => {
    const issues: Issue[] = [];
    expect([...applyTransform([1, 2, 4], 'diff', 'x', [])]).toEqual([1, 2]);
    expect([...applyTransform([1, 2, 4], 'pct_change', 'x', [])]).toEqual([1, 1]);
    expect([...applyTransform([1, Math.E], 'log_return', 'x', [])]).toEqual([1]);
    applyTransform([1, 0, 2], 'log_return', 'vix', issues);
    expect(issues[0]?.path).toBe('vix[1]');
  });
  it('lag-1 autocorrelation: ~1 for a trend, ~-1 for alternation', () => {
    expect(lag1Autocorrelation(Array.from({ length: 200 }, (_, i) => i))).toBeGreaterThan(0.95);
    expect(lag1Autocorrelation(Array.from({ length: 200 }, (_, i) => (i % 2 ? 1 : -1)))).toBeLessThan(-0.95);
  });
});

describe('CUSUM', () => {
  it('stays quiet on the reference mean and alarms after a sustained shift of 2 sigma within a few steps', () => {
    const c = new Cusum({ k: 0.5, h: 4 });
    for (let i = 0; i < 50; i++) expect(c.update(i % 2 ? 0.4 : -0.4).alarm).toBe(false);
    let at = -1;
    for (let i = 0; i < 10 && at < 0; i++) if (c.update(2).alarm) at = i;
    expect(at).toBe(2); // 1.5 per step: 1.5, 3.0, 4.5 > 4
  });
  it('keeps watching after an alarm (no reset): stays in alarm while the shift lasts, capped at 2h, and comes back down after', () => {
    const c = new Cusum({ k: 0.5, h: 4, direction: 'up' });
    for (let i = 0; i < 20; i++) c.update(2);
    expect(c.alarm).toBe(true);
    expect(c.value).toBe(8); // the cap
    let steps = 0;
    while (c.alarm) {
      c.update(0);
      steps++;
    }
    expect(steps).toBe(8); // (8 - 4) / 0.5 in-control steps back to h
    expect(new Cusum({ k: 0.5, h: 4 }, c.state).value).toBe(c.value); // the state round-trips
  });
});

describe('noise level of D', () => {
  it('matches the classical 1.358 * sqrt(1/n + 1/m) for large samples', () => {
    expect(ksNoiseLevel(2000, 3000)).toBeCloseTo(1.358 * Math.sqrt(1 / 2000 + 1 / 3000), 2);
  });
});

describe('KS statistic on very unequal samples (galloping path)', () => {
  it('equals the full merge bit for bit, ties included (property)', () => {
    const small = fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 15 });
    const big = fc.array(fc.integer({ min: -25, max: 25 }), { minLength: 130, maxLength: 400 });
    fc.assert(
      fc.property(big, small, (b, s) => {
        const F = (xs: number[], v: number) => xs.filter((x) => x <= v).length / xs.length;
        let plus = 0;
        let minus = 0;
        for (const v of [...b, ...s]) {
          plus = Math.max(plus, F(b, v) - F(s, v));
          minus = Math.max(minus, F(s, v) - F(b, v));
        }
        const bs = [...b].sort((x, y) => x - y);
        const ss = [...s].sort((x, y) => x - y);
        expect(ksExtremesSorted(bs, ss)).toEqual({ dPlus: plus, dMinus: minus });
        expect(ksExtremesSorted(ss, bs)).toEqual({ dPlus: minus, dMinus: plus });
      }),
      { numRuns: 300 },
    );
  });
});

describe('SortedSample (bucket-indexed baseline)', () => {
  it('handles a baseline whose range is a few subnormals (bucket scale overflows)', () => {
    const bs = Float64Array.from([0, 5e-324]);
    expect(new SortedSample(bs).extremesAgainst([0])).toEqual(ksExtremesSorted([0, 5e-324], [0]));
  });

  it('gives the same extremes as the full merge, bit for bit, for any data (property)', () => {
    const vals = fc.array(
      fc.oneof(fc.integer({ min: -30, max: 30 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
      { minLength: 1, maxLength: 300 },
    );
    fc.assert(
      fc.property(vals, vals, (base, win) => {
        const bs = Float64Array.from(base).sort();
        const ws = Float64Array.from(win).sort();
        expect(new SortedSample(bs).extremesAgainst(ws)).toEqual(ksExtremesSorted(Array.from(bs), Array.from(ws)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('distance of a baseline segment against the rest of the baseline', () => {
  it('equals a brute-force KS of the segment against the baseline with the segment removed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -15, max: 15 }), { minLength: 12, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 1, max: 10 }),
        (xs, at, w) => {
          const start = at % (xs.length - w);
          const seg = xs.slice(start, start + w);
          const rest = [...xs.slice(0, start), ...xs.slice(start + w)];
          const e = ksExtremesSorted(
            [...seg].sort((a, b) => a - b),
            [...rest].sort((a, b) => a - b),
          );
          const base = new SortedSample(Float64Array.from(xs).sort());
          expect(base.distanceExcluding(Float64Array.from(seg).sort())).toBeCloseTo(Math.max(e.dPlus, e.dMinus), 12);
          expect(ksAgainstRest(base.values, Float64Array.from(seg).sort())).toBeCloseTo(
            Math.max(e.dPlus, e.dMinus),
            12,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
