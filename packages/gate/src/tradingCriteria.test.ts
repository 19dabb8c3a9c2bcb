import type { CriterionContext, ValidationPrediction, ValidationResults } from '@vigil/core';
import { wilsonInterval } from '@vigil/core';
import type { DependencyContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { spearman } from './spearman.js';
import {
  highConvictionHitRateCriterion,
  informationCoefficientCriterion,
  turnoverCriterion,
} from './tradingCriteria.js';

const o = { minSamples: 100, highConviction: 0.7, minHighConvictionSamples: 30, labels: [0, 1] };
const ctx = (validation: ValidationResults, threshold?: number): CriterionContext => ({
  modelPath: 'm.json',
  validation,
  threshold,
  container: {} as DependencyContainer,
  now: new Date(),
});
const row = (
  predictedLabel: number,
  actualLabel: number,
  confidence: number,
  extra: object = {},
): ValidationPrediction => ({
  symbol: 'AAPL',
  regime: 'normal',
  predictedLabel,
  actualLabel,
  confidence,
  ...extra,
});

describe('gate.information_coefficient', () => {
  const c = informationCoefficientCriterion(o);

  it('is the Spearman correlation of signed conviction with the outcome; passes on its lower bound', async () => {
    // 200 rows: conviction rises with i, outcome up for the upper part with some noise
    const preds = Array.from({ length: 200 }, (_, i) =>
      row(i >= 100 ? 1 : 0, (i * 7) % 10 < (i >= 100 ? 7 : 3) ? 1 : 0, 0.5 + Math.abs(i - 99.5) / 200),
    );
    const r = await c.evaluate(ctx({ predictions: preds }));
    const conviction = preds.map((p) => 2 * (p.predictedLabel === 1 ? p.confidence : 1 - p.confidence) - 1);
    const expected = spearman(
      conviction,
      preds.map((p) => (p.actualLabel === 1 ? 1 : -1)),
    );
    expect(r).toMatchObject({
      status: 'pass',
      value: expected.rho,
      details: { outcome: 'label', n: 200, interval: { lower: expected.lower } },
    });
    // at the lower bound: a threshold equal to it fails, just under passes
    expect((await c.evaluate(ctx({ predictions: preds }, expected.lower as number))).status).toBe('fail');
    expect((await c.evaluate(ctx({ predictions: preds }, (expected.lower as number) - 1e-9))).status).toBe('pass');
    expect(c.thresholdRange).toEqual([-1, 1]);
  });

  it('uses realised outcomes when every row has one; no skill fails; too few rows are insufficient', async () => {
    const preds = Array.from({ length: 120 }, (_, i) =>
      row(i % 2, i % 2, 0.6 + (i % 5) / 20, { realized: (i % 2 ? 1 : -1) * (1 + (i % 5)) }),
    );
    expect(await c.evaluate(ctx({ predictions: preds }))).toMatchObject({
      status: 'pass',
      details: { outcome: 'realized' },
    });
    const coin = Array.from({ length: 400 }, (_, i) => row((i * 13) % 7 < 3 ? 1 : 0, i % 2, 0.6));
    expect((await c.evaluate(ctx({ predictions: coin }))).status).toBe('fail');
    expect((await c.evaluate(ctx({ predictions: preds.slice(0, 99) }))).status).toBe('insufficient');
    expect((await c.evaluate(ctx({ predictions: [row(1, 1, 0.7, { realized: Number.NaN })] }))).message).toMatch(
      /predictions\[0\]\.realized/,
    );
    expect(
      (await informationCoefficientCriterion({ ...o, labels: [0, 1, 2] }).evaluate(ctx({ predictions: preds }))).status,
    ).toBe('error');
  });
});

describe('gate.high_conviction_hit_rate', () => {
  const c = highConvictionHitRateCriterion(o);
  const set = (n: number, hits: number, lowConfidence = 50) => [
    ...Array.from({ length: n }, (_, i) => row(1, i < hits ? 1 : 0, 0.7 + (i % 3) / 10)),
    ...Array.from({ length: lowConfidence }, () => row(1, 0, 0.69)),
  ];

  it('judges only confidence >= 0.7, on the Wilson lower bound', async () => {
    // 40 of 50 right: Wilson lower 0.6696 > 0.5
    const r = await c.evaluate(ctx({ predictions: set(50, 40) }));
    expect(r).toMatchObject({
      status: 'pass',
      value: 0.8,
      details: { n: 50, hits: 40, interval: wilsonInterval(40, 50) },
    });
    const lower = wilsonInterval(40, 50).lower;
    expect((await c.evaluate(ctx({ predictions: set(50, 40) }, lower))).status).toBe('fail');
    expect((await c.evaluate(ctx({ predictions: set(50, 40) }, lower - 1e-9))).status).toBe('pass');
    // 32 of 50 right: 64%, but the lower bound 0.502 is just above 0.5; 31/50 is not
    expect(wilsonInterval(32, 50).lower).toBeGreaterThan(0.5);
    expect((await c.evaluate(ctx({ predictions: set(50, 32) }))).status).toBe('pass');
    expect((await c.evaluate(ctx({ predictions: set(50, 31) }))).status).toBe('fail');
    expect((await c.evaluate(ctx({ predictions: set(29, 29) }))).status).toBe('insufficient');
    expect((await c.evaluate(ctx({}))).status).toBe('insufficient');
  });
});

describe('gate.turnover', () => {
  const c = turnoverCriterion(o);
  /** 3 symbols x 51 predictions; flips every `every`-th step. */
  const series = (every: number, stamped = false) =>
    ['AAPL', 'XOM', 'JPM'].flatMap((symbol) =>
      Array.from({ length: 51 }, (_, t) => ({
        ...row(Math.floor(t / every) % 2, 1, 0.7),
        symbol,
        ...(stamped ? { timestamp: `2024-01-02T10:${String(t).padStart(2, '0')}:00Z` } : {}),
      })),
    );

  it('counts position flips per symbol, passes when the upper bound is below the maximum', async () => {
    const calm = await c.evaluate(ctx({ predictions: series(10) }));
    // 5 flips per symbol over 50 pairs: 15/150
    expect(calm).toMatchObject({ status: 'pass', value: 0.1, details: { pairs: 150, flips: 15, order: 'given' } });
    expect((await c.evaluate(ctx({ predictions: series(1) }))).status).toBe('fail');
    const upper = wilsonInterval(15, 150).upper;
    expect((await c.evaluate(ctx({ predictions: series(10) }, upper))).status).toBe('fail');
    expect((await c.evaluate(ctx({ predictions: series(10) }, upper + 1e-9))).status).toBe('pass');
    expect((await c.evaluate(ctx({ predictions: series(10).slice(0, 60) }))).status).toBe('insufficient');
  });

  it('orders by timestamp when every row has one', async () => {
    const shuffled = series(10, true).reverse();
    expect(await c.evaluate(ctx({ predictions: shuffled }))).toMatchObject({
      value: 0.1,
      details: { order: 'timestamp' },
    });
  });
});
