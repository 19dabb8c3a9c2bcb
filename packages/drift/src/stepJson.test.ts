import { describe, expect, it } from 'vitest';
import type { ClosedStep } from './PanelDrift.js';
import { decodeStep, encodeStep } from './stepJson.js';

const stats = { n: 3, predictions: 3, features: { a: [3, 0.1, 0.2] as const }, confidence: 0.7, classes: { '1': 1 } };

describe('stepJson', () => {
  it('round-trips a step with values to the bit (-0, subnormals, extremes) without JSON numbers for them', () => {
    const a = [-0, 0, 5e-324, -1.7976931348623157e308, 0.1 + 0.2, Math.PI];
    const step: ClosedStep = {
      step: '2020-01-02',
      timestamp: '2020-01-02T00:00:00.000Z',
      stats,
      values: { a, b: [] },
      regimes: ['calm', 'calm', 'calm', 'calm', 'calm', 'calm'],
      predictions: [
        [1, 0.7],
        [Number.NaN, Number.NaN],
      ],
    };
    const json = encodeStep(step);
    expect(json).not.toContain('0.30000000000000004');
    expect(json).not.toContain('null');
    const back = decodeStep(json);
    expect(back).toEqual(step);
    expect(Object.is(back.values?.a?.[0], -0)).toBe(true);
    expect(back.values?.a?.map((x) => x)).toStrictEqual(a);
    expect(Number.isNaN(back.predictions?.[1]?.[0])).toBe(true);
  });

  it('writes the text JSON.stringify gives the packed step (key order, escaped feature names, either part alone)', () => {
    const b64 = (xs: readonly number[]): string => Buffer.from(Float64Array.from(xs).buffer).toString('base64');
    const base = { step: '2020-01-02', timestamp: '2020-01-02T00:00:00.000Z', stats, regimes: ['a"b', 'é'] };
    const values = { 'x"y\\z': [1.5, -0], '2': [3], é: [] };
    const predictions: [number, number][] = [[0, 0.25]];
    const cases: [ClosedStep, Record<string, unknown>][] = [
      [
        { ...base, values, predictions },
        {
          ...base,
          values64: { 'x"y\\z': b64([1.5, -0]), '2': b64([3]), é: b64([]) },
          predictions64: b64([0, 0.25]),
        },
      ],
      [
        { ...base, values },
        { ...base, values64: { 'x"y\\z': b64([1.5, -0]), '2': b64([3]), é: b64([]) } },
      ],
      [
        { ...base, predictions },
        { ...base, predictions64: b64([0, 0.25]) },
      ],
      [
        { ...base, values: {} },
        { ...base, values64: {} },
      ],
    ];
    for (const [step, packed] of cases) expect(encodeStep(step)).toBe(JSON.stringify(packed));
  });

  it('reads steps without values, and rows written with values as JSON arrays', () => {
    const bare: ClosedStep = { step: '2020-01-02', timestamp: '2020-01-02T00:00:00.000Z', stats };
    expect(decodeStep(encodeStep(bare))).toEqual(bare);
    const legacy = { ...bare, values: { a: [1.5, -2] }, regimes: ['x', 'y'], predictions: [[0, 0.5]] };
    expect(decodeStep(JSON.stringify(legacy))).toEqual(legacy);
  });
});
