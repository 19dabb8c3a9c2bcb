import { describe, expect, it } from 'vitest';
import { isVigilError } from './errors.js';
import { validateOutcomes, validatePredictions } from './records.js';

const rules = { labels: [0, 1], regimes: ['normal', 'crash'] };
const rec = {
  id: 'a',
  timestamp: '2020-03-09',
  symbol: 'AAPL',
  regime: 'crash',
  features: { r1: -0.07 },
  predictedLabel: 0,
  confidence: 0.8,
  modelVersion: 'm1',
};

const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (isVigilError(e, 'VIGIL_INVALID_INPUT')) return e.issues.map((i) => i.path);
    throw e;
  }
  return [];
};

describe('validatePredictions', () => {
  it('normalizes timestamps to ISO and keeps the record', () => {
    expect(validatePredictions(rec, rules)).toEqual([{ ...rec, timestamp: '2020-03-09T00:00:00.000Z' }]);
    expect(validatePredictions([{ ...rec, timestamp: new Date('2020-03-09T15:30:00Z') }], rules)[0]!.timestamp).toBe(
      '2020-03-09T15:30:00.000Z',
    );
  });

  it('names every bad field', () => {
    expect(
      issuesOf(() =>
        validatePredictions(
          [{ ...rec, regime: 'bubble', timestamp: 'yesterday', features: { x: Infinity, y: '1' } }],
          rules,
        ),
      ),
    ).toEqual(['records[0].timestamp', 'records[0].regime', 'records[0].features.x', 'records[0].features.y']);
    expect(issuesOf(() => validatePredictions([null, 3, { ...rec, id: '' }], rules))).toEqual([
      'records[0]',
      'records[1]',
      'records[2].id',
    ]);
    expect(issuesOf(() => validatePredictions([rec, rec], rules))).toEqual(['records[1].id']);
    expect(issuesOf(() => validatePredictions({ ...rec, confidence: -0.1 }, rules))).toEqual(['records[0].confidence']);
    expect(issuesOf(() => validatePredictions({ ...rec, predictedLabel: 0.5 }, rules))).toEqual([
      'records[0].predictedLabel',
    ]);
  });

  it('accepts any regime when none is configured', () => {
    expect(validatePredictions({ ...rec, regime: 'bubble' }, { labels: [0, 1] })).toHaveLength(1);
  });
});

describe('validateOutcomes', () => {
  it('collapses same-label duplicates and refuses conflicting ones', () => {
    expect(
      validateOutcomes(
        [
          { id: 'a', actualLabel: 1 },
          { id: 'a', actualLabel: 1 },
        ],
        rules,
      ),
    ).toEqual([{ id: 'a', actualLabel: 1, resolvedAt: undefined }]);
    expect(
      issuesOf(() =>
        validateOutcomes(
          [
            { id: 'a', actualLabel: 1 },
            { id: 'a', actualLabel: 0 },
          ],
          rules,
        ),
      ),
    ).toEqual(['outcomes[1].actualLabel']);
    expect(issuesOf(() => validateOutcomes([{ id: 'a', actualLabel: 2, resolvedAt: 'soon' }], rules))).toEqual([
      'outcomes[0].actualLabel',
      'outcomes[0].resolvedAt',
    ]);
  });
});

// Found by packages/reliability's fuzz test on PostgreSQL: a NUL in an id reached the driver
// ("invalid byte sequence for encoding UTF8: 0x00") instead of being refused as input; an
// unpaired surrogate would be stored as U+FFFD on both databases, silently changing the id.
describe('text PostgreSQL and UTF-8 cannot store', () => {
  it('refuses NUL and unpaired surrogates in every text field, naming it; accepts paired ones', () => {
    expect(
      issuesOf(() =>
        validatePredictions(
          [
            { ...rec, id: 'a\u0000b' },
            { ...rec, id: 'c', symbol: 'X\ud800' },
            { ...rec, id: 'd', modelVersion: '\udc00m' },
          ],
          rules,
        ),
      ),
    ).toEqual(['records[0].id', 'records[1].symbol', 'records[2].modelVersion']);
    expect(issuesOf(() => validateOutcomes([{ id: '\u0000', actualLabel: 1 }], rules))).toEqual(['outcomes[0].id']);
    expect(validatePredictions([{ ...rec, symbol: 'AAPL🦄' }], rules)[0]?.symbol).toBe('AAPL🦄');
  });
});

// Issue 16 item 5: Date.parse rolled 2024-02-30 over to March 1 and accepted years past 9999,
// whose ISO text (+275760-...) no longer sorts with four-digit years.
describe('strict ISO 8601 dates', () => {
  const ts = (timestamp: unknown) => validatePredictions([{ ...rec, timestamp }], rules)[0]?.timestamp;

  it('refuses days that do not exist, naming the field and the value', () => {
    for (const bad of [
      '2024-02-30T00:00:00Z',
      '2023-02-29',
      '2024-04-31T12:00:00.000Z',
      '2024-13-01',
      '2024-00-10',
      '2024-01-01T24:00:00Z',
      '2024-01-01T23:60:00Z',
      '2024-01-01T23:59:60Z',
    ]) {
      expect(
        issuesOf(() => ts(bad)),
        bad,
      ).toEqual(['records[0].timestamp']);
    }
    try {
      ts('2024-02-30T00:00:00Z');
    } catch (e) {
      expect((e as Error).message).toMatch(/records\[0\]\.timestamp: .*"2024-02-30T00:00:00Z"/);
    }
  });

  it('refuses years outside 0001-9999 (also after the offset is applied) and non-ISO text', () => {
    for (const bad of [
      '+275760-09-13T00:00:00.000Z',
      '0000-01-01',
      '10000-01-01',
      '9999-12-31T23:00:00-05:00',
      'March 1, 2024',
      '2024-3-1',
      '1709251200000',
      '2024-03-01T10:00:00 GMT',
    ]) {
      expect(
        issuesOf(() => ts(bad)),
        bad,
      ).toEqual(['records[0].timestamp']);
    }
    expect(issuesOf(() => ts(new Date(Date.UTC(10000, 0, 1))))).toEqual(['records[0].timestamp']);
    expect(issuesOf(() => validateOutcomes([{ id: 'a', actualLabel: 1, resolvedAt: '2024-02-30' }], rules))).toEqual([
      'outcomes[0].resolvedAt',
    ]);
  });

  it('accepts real ISO dates and normalizes them to UTC milliseconds', () => {
    expect(ts('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
    expect(ts('2024-02-29T23:30:00+02:00')).toBe('2024-02-29T21:30:00.000Z');
    expect(ts('2024-02-29T23:30:00.5-0130')).toBe('2024-03-01T01:00:00.500Z');
    expect(ts('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000Z');
    expect(ts('9999-12-31T23:59:59.999Z')).toBe('9999-12-31T23:59:59.999Z');
    expect(ts('2024-02-29T10:15Z')).toBe('2024-02-29T10:15:00.000Z');
  });
});
