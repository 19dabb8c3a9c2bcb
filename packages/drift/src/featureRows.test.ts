import { isVigilError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { featureColumns, parseFeatureRows } from './featureRows.js';

const issuesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (isVigilError(e)) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  throw new Error('expected a VigilError');
};

describe('parseFeatureRows', () => {
  it('reads prediction records (nested features) and flat rows alike', () => {
    const nested = parseFeatureRows(
      [
        '{"id":"a","symbol":"XOM","regime":"crash","predictedLabel":1,"confidence":0.9,"features":{"ret":-0.02,"vix":40}}',
        '',
        '{"id":"b","symbol":"XOM","regime":"normal","predictedLabel":0,"confidence":0.6,"features":{"ret":0.01,"vix":15}}',
      ].join('\n'),
      'jsonl',
    );
    expect(nested.names).toEqual(['ret', 'vix']);
    expect(nested.regimes).toEqual(['crash', 'normal']);
    expect(nested.predictions).toEqual([
      { label: 1, confidence: 0.9 },
      { label: 0, confidence: 0.6 },
    ]);
    expect(nested.rows.map((r) => r.line)).toEqual([1, 3]);
    const flat = parseFeatureRows(
      '{"date":"2015-08-24","ret":-0.04,"vix":40.7}\n{"date":"2015-08-25","ret":0.01,"vix":36}',
      'jsonl',
    );
    expect(flat).toMatchObject({ names: ['ret', 'vix'], regimes: undefined, predictions: undefined });
    expect(flat.rows[0]).toEqual({ line: 1, date: '2015-08-24', features: { ret: -0.04, vix: 40.7 } });
    expect(featureColumns(flat)).toEqual({ ret: Float64Array.from([-0.04, 0.01]), vix: Float64Array.from([40.7, 36]) });
  });

  it('reads CSV: fixed columns by name, every other column a feature', () => {
    const t = parseFeatureRows(
      '\uFEFFdate, ret ,vix,regime\n2015-08-24,-0.04,40.7,crash\n\n"2015-08-25",0.01,36,normal\n',
      'csv',
    );
    expect(t.names).toEqual(['ret', 'vix']);
    expect(t.rows.map((r) => [r.line, r.date, r.features.vix, r.regime])).toEqual([
      [2, '2015-08-24', 40.7, 'crash'],
      [4, '2015-08-25', 36, 'normal'],
    ]);
  });

  it('names the line of every problem and returns nothing', () => {
    const text = [
      '{"regime":"normal","features":{"a":1,"b":2}}',
      '{"regime":"normal","features":{"a":"x","b":2}}',
      '{"features":{"a":1,"b":2}}',
      '{"regime":"normal","features":{"a":1,"b":2,"c":3}}',
      '{"regime":"normal","features":{"a":1}}',
      'nope',
      '[1,2]',
      '{"regime":"normal","predictedLabel":1,"confidence":0.5,"features":{"a":1,"b":2}}',
    ].join('\n');
    expect(issuesOf(() => parseFeatureRows(text, 'jsonl'))).toEqual([
      expect.stringMatching(/^line 6: not JSON/),
      'line 7: must be a JSON object, got an array of 2',
      'line 2: a: must be a finite number, got "x"',
      'line 3: regime: is missing (the first row has one, so every row needs one)',
      'line 4: c: is not a feature of the first row (a, b)',
      'line 5: b: is missing (every row must have the features of the first row)',
      'line 8: predictedLabel: is given but the first row has no prediction',
    ]);
    expect(issuesOf(() => parseFeatureRows('a,b\n1,\n', 'csv'))).toEqual([
      'line 2: b: must be a finite number, got NaN',
    ]);
    expect(issuesOf(() => parseFeatureRows('a,b\n1,2,3\n', 'csv'))[0]).toMatch(/^line 2: not valid CSV/);
    expect(issuesOf(() => parseFeatureRows('\n\n', 'jsonl'))).toEqual(['(file): holds no rows']);
    expect(
      issuesOf(() =>
        parseFeatureRows('{"regime":"normal","predictedLabel":1,"confidence":1.5,"features":{"a":1}}', 'jsonl'),
      ),
    ).toEqual(['line 1: confidence: must be a number in [0, 1] (the first row has a prediction), got 1.5']);
    expect(issuesOf(() => parseFeatureRows('{"date":"yesterday","a":1}', 'jsonl'))).toEqual([
      'line 1: date: must be an ISO-8601 date, got "yesterday"',
    ]);
  });
});
