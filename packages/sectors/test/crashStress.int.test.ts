import {
  type CriterionContext,
  type GateCriterion,
  type PredictionRecord,
  type ValidationResults,
  gateCriterionToken,
} from '@vigil/core';
import { createTestHost, testDatabases, type TestHost } from '@vigil/host/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { sectorsPlugin } from '../src/plugin.js';
import { stressHistoryToken } from '../src/tokens.js';

const criterionOf = (h: TestHost): GateCriterion => {
  const c = h.container.resolveAll(gateCriterionToken).find((x) => x.id === 'sectors.crash_accuracy');
  if (!c) throw new Error('crash criterion not registered');
  return c;
};
const ctx = (h: TestHost, validation: ValidationResults, threshold?: number): CriterionContext => ({
  modelPath: 'm.json',
  validation,
  threshold,
  container: h.container,
  now: new Date(),
});

/** A calm validation window: 200 normal-regime rows, nothing from a crash. */
const calm = Array.from({ length: 200 }, (_, i) => ({
  symbol: 'AAPL',
  regime: 'normal',
  predictedLabel: i % 2,
  actualLabel: i % 2,
  confidence: 0.7,
}));

/** Logs n predictions per regime (outcome = i % 2) and resolves all but the last `pending` crash rows. */
async function logHistory(h: TestHost, n: number, pending = 0, model = 'live-7'): Promise<PredictionRecord[]> {
  const recs: PredictionRecord[] = [];
  const prefix = model === 'live-7' ? '' : `${model}:`;
  for (const regime of ['normal', 'crash']) {
    for (let i = 0; i < n; i++) {
      recs.push({
        id: `${prefix}${regime}-${i}`,
        timestamp: `2020-03-${String(1 + (i % 28)).padStart(2, '0')}T21:00:00.000Z`,
        symbol: ['XOM', 'JPM', 'AAPL'][i % 3] as string,
        regime,
        features: { vix: 40 },
        predictedLabel: 1,
        confidence: 0.8,
        modelVersion: model,
      });
    }
  }
  await h.observe(recs);
  const toResolve = recs.filter((r) => !(r.regime === 'crash' && Number(r.id.split('-').at(-1)) >= n - pending));
  await h.resolve(toResolve.map((r) => ({ id: r.id, actualLabel: Number(r.id.split('-').at(-1)) % 2 })));
  return recs;
}

describe.each(testDatabases())('sectors.crash_accuracy from stress history on %s', (database) => {
  let host: TestHost | undefined;
  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it("judges a calm validation window on the candidate's predictions for the crash episodes in the log, and says so", async () => {
    host = await createTestHost({ database, plugins: [sectorsPlugin], config: { regimes: ['normal', 'crash'] } });
    await logHistory(host, 40, 4);
    const stress = await host.container.resolve(stressHistoryToken).rows();
    // only resolved crash-regime rows: 36 of the 40 crash rows, none of the normal ones
    expect(stress).toHaveLength(36);
    expect(stress.every((r) => r.regime === 'crash')).toBe(true);
    expect(stress[0]).toMatchObject({ features: { vix: 40 }, modelVersion: 'live-7' });
    const c = criterionOf(host);
    // right on k of the 36 logged crash rows: 24/36 = 66.7% > 65% passes, 23/36 = 63.9% fails
    const predict = (k: number) =>
      stress.map((r, i) => ({ id: r.id, predictedLabel: i < k ? r.actualLabel : 1 - r.actualLabel }));
    const pass = await c.evaluate(
      ctx(host, { predictions: calm, stressPredictions: predict(24) } as ValidationResults),
    );
    expect(pass).toMatchObject({
      status: 'pass',
      value: 24 / 36,
      details: { source: 'prediction log stress episodes', samples: 36, correct: 24 },
    });
    expect(pass.message).toContain('prediction log stress episodes');
    expect(
      await c.evaluate(ctx(host, { predictions: calm, stressPredictions: predict(23) } as ValidationResults)),
    ).toMatchObject({ status: 'fail', value: 23 / 36 });
    expect(
      await c.evaluate(ctx(host, { predictions: calm, stressPredictions: predict(23) } as ValidationResults, 0.6)),
    ).toMatchObject({ status: 'pass', threshold: 0.6 });
    // ids of normal-regime or unresolved rows do not count
    const extra = [
      ...predict(36),
      { id: 'normal-1', predictedLabel: 1 },
      { id: 'crash-39', predictedLabel: 1 },
      { id: 'nope', predictedLabel: 0 },
    ];
    expect(
      await c.evaluate(ctx(host, { predictions: calm, stressPredictions: extra } as ValidationResults)),
    ).toMatchObject({ status: 'pass', value: 1, details: { samples: 36 } });
    // bad input names the field
    await expect(
      c.evaluate(
        ctx(host, {
          predictions: calm,
          stressPredictions: [{ id: 'crash-1', predictedLabel: 7 }],
        } as ValidationResults),
      ),
    ).rejects.toThrow(/stressPredictions\[0\]\.predictedLabel/);
  });

  it('counts a market event once when two models logged it: rows() keeps one row per event, the criterion scores each event once', async () => {
    host = await createTestHost({ database, plugins: [sectorsPlugin], config: { regimes: ['normal', 'crash'] } });
    await logHistory(host, 40, 4);
    await logHistory(host, 40, 4, 'live-8');
    const history = host.container.resolve(stressHistoryToken);
    const events = await history.rows();
    expect(events).toHaveLength(36);
    expect(events.every((r) => r.modelVersion === 'live-7')).toBe(true);
    const eight = await history.rows({ modelVersion: 'live-8' });
    expect(eight).toHaveLength(36);
    expect(eight.every((r) => r.id.startsWith('live-8:'))).toBe(true);
    // the candidate predicts both models' rows of the same 36 events: 36 samples, not 72
    const both = [...events, ...eight].map((r) => ({ id: r.id, predictedLabel: r.actualLabel }));
    const r = await criterionOf(host).evaluate(
      ctx(host, { predictions: calm, stressPredictions: both } as ValidationResults),
    );
    expect(r).toMatchObject({ status: 'pass', value: 1, details: { samples: 36, correct: 36 } });
  });

  it('with too little crash history anywhere: rejects by default, or reports insufficient as advisory when configured', async () => {
    host = await createTestHost({ database, plugins: [sectorsPlugin], config: { regimes: ['normal', 'crash'] } });
    await logHistory(host, 20);
    const stress = await host.container.resolve(stressHistoryToken).rows();
    const v = {
      predictions: calm,
      stressPredictions: stress.map((r) => ({ id: r.id, predictedLabel: r.actualLabel })),
    } as ValidationResults;
    const r = await criterionOf(host).evaluate(ctx(host, v));
    expect(r).toMatchObject({
      status: 'insufficient',
      value: 1,
      details: {
        source: null,
        evidence: [
          { source: 'validation.predictions', samples: 0 },
          { source: 'prediction log stress episodes', samples: 20 },
        ],
      },
    });
    expect(r.advisory).toBeUndefined();
    expect(r.message).toMatch(/rejects/);
    await host.dispose();
    host = await createTestHost({
      database,
      plugins: [sectorsPlugin],
      config: {
        regimes: ['normal', 'crash'],
        plugins: { sectors: { options: { insufficientCrashEvidence: 'advisory' } } },
      },
    });
    await logHistory(host, 20);
    const a = await criterionOf(host).evaluate(ctx(host, v));
    expect(a).toMatchObject({ status: 'insufficient', advisory: true });
    expect(a.message).toMatch(/advisory/);
  });
});
