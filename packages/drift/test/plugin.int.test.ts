import { type GateCriterion, type PredictionRecord, gateCriterionToken, isVigilError } from '@vigil/core';
import { makePredictions } from '@vigil/test-utils';
import { type TestHost, createTestHost, testDatabases } from '@vigil/host/testing';
import { container as rootContainer } from 'tsyringe';
import { afterEach, describe, expect, it } from 'vitest';
import type { RetrainingRequest } from '../src/DriftEvents.js';
import { driftPlugin } from '../src/plugin.js';
import { driftEventsToken, driftMonitorToken } from '../src/tokens.js';

const count = async (h: TestHost, where = ''): Promise<number> => Number((await h.dataSource.query(`SELECT COUNT(*) AS n FROM drift_monitoring ${where}`))[0].n);
const options = { windowSize: 50, checkEvery: 25, baselineSize: 200, calibration: null, alertThreshold: 0.3, cusum: null, retrainOn: ['feature', 'regime'] };
const shifted = (recs: PredictionRecord[], by: number): PredictionRecord[] =>
  recs.map((r) => ({ ...r, regime: 'crash', features: { ...r.features, f1: (r.features.f1 as number) + by } }));
const criterion = (h: TestHost): GateCriterion =>
  h.container.resolveAll(gateCriterionToken).find((c) => c.id === 'drift.drift_score') as GateCriterion;

describe.each(testDatabases())('drift plugin on %s', (database) => {
  let host: TestHost | undefined;
  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it('collects a baseline, checks every N observations, writes spec rows and requests retraining on drift', async () => {
    host = await createTestHost({ database, plugins: [driftPlugin], config: { plugins: { drift: { options } } } });
    const requests: RetrainingRequest[] = [];
    host.container.resolve(driftEventsToken).on('retrainingRequested', (r) => requests.push(r));
    const recs = makePredictions(400, { features: 3 });
    await host.observe(recs.slice(0, 200)); // baseline
    expect(host.container.resolve(driftMonitorToken).detector?.featureNames).toEqual(['f0', 'f1', 'f2']);
    expect(await count(host)).toBe(0);
    await host.observe(recs.slice(200, 250)); // fills the window: one check at 25 (not full) and one at 50
    const rows = await host.dataSource.query(`SELECT * FROM drift_monitoring ORDER BY id`);
    expect(rows.map((r: { drift_type: string }) => r.drift_type)).toEqual(['feature', 'regime', 'prediction']);
    expect(rows[0].timestamp).toBe(recs[249]?.timestamp);
    const details = JSON.parse(rows[0].details_json);
    expect(details).toMatchObject({ drift_detected: false, window_size: 50 });
    expect(details.features).toHaveLength(3);
    expect(Number(rows[0].ks_statistic)).toBeCloseTo(details.max_drift, 12);
    expect(requests).toEqual([]);

    await host.observe(shifted(recs.slice(250, 300), 3));
    const feature = await host.dataSource.query(`SELECT * FROM drift_monitoring WHERE drift_type = 'feature' ORDER BY id DESC`);
    const last = JSON.parse(feature[0].details_json);
    expect(Number(feature[0].drift_detected)).toBe(1);
    expect(last.drifted_feature_names).toEqual(['f1']);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.at(-1)?.reasons).toContain('feature');
    expect(requests.at(-1)?.regimeShift).toMatch(/-> crash$/);
    expect(host.memoryLogger?.lines.some((l) => l.level === 'warn' && l.msg.startsWith('drift detected'))).toBe(true);
  });

  it('runs at most maxChecksPerBatch window checks in one batch: the last check points, ending at the right record', async () => {
    for (const maxChecksPerBatch of [1, 3]) {
      host = await createTestHost({ database, plugins: [driftPlugin], config: { plugins: { drift: { options: { ...options, maxChecksPerBatch } } } } });
      const recs = makePredictions(500, { features: 3 });
      await host.observe(recs.slice(0, 200)); // baseline
      await host.observe(recs.slice(200, 490)); // check points at 25, 50, ..., 275: eleven due
      const rows: { timestamp: string }[] = await host.dataSource.query(`SELECT timestamp FROM drift_monitoring WHERE drift_type = 'feature' ORDER BY id`);
      const expected = [275, 250, 225].slice(0, maxChecksPerBatch).reverse().map((k) => recs[200 + k - 1]?.timestamp);
      expect(rows.map((r) => r.timestamp)).toEqual(expected);
      await host.observe(recs.slice(490, 500)); // the cadence carries over: the next point is at 300 of the stream
      expect(await count(host, "WHERE drift_type = 'feature'")).toBe(maxChecksPerBatch + 1);
      await host.dispose();
      host = undefined;
    }
  });

  it('persists the baseline: a restarted host resumes with the same baseline and window', async () => {
    host = await createTestHost({ database, plugins: [driftPlugin], config: { plugins: { drift: { options } } } });
    const recs = makePredictions(260, { features: 2 });
    await host.observe(recs);
    const before = host.container.resolve(driftMonitorToken).detector?.sortedBaseline('f0');
    await host.stop();
    await host.start();
    const m = host.container.resolve(driftMonitorToken);
    expect(m.detector?.sortedBaseline('f0')).toEqual(before);
    expect(m.windowFill).toBe(50);
    await host.observe(makePredictions(25, { features: 2, seed: 9, idPrefix: 'q' }));
    expect(await count(host, "WHERE drift_type = 'feature'")).toBeGreaterThan(0);
  });

  it('refuses a batch with NaN, missing or unknown features and writes nothing, memory included', async () => {
    host = await createTestHost({ database, plugins: [driftPlugin], config: { plugins: { drift: { options } } } });
    const recs = makePredictions(300, { features: 2 });
    await host.observe(recs.slice(0, 240));
    const m = host.container.resolve(driftMonitorToken);
    const fill = m.windowFill;
    const bad = recs.slice(240, 260).map((r, i) => (i === 3 ? { ...r, features: { f0: 1 } } : i === 5 ? { ...r, features: { ...r.features, zz: 1 } } : r));
    const err = await host.observe(bad).catch((e) => e);
    expect(isVigilError(err, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(err.message).toContain('records[3].features.f1: is missing');
    expect(err.message).toContain('records[5].features.zz: is not a baseline feature; known features: f0, f1');
    expect(await count(host)).toBe(0);
    expect(m.windowFill).toBe(fill);
  });

  it('drift.drift_score: given, computed from validation features, from the latest check, or insufficient', async () => {
    host = await createTestHost({ database, plugins: [driftPlugin], config: { plugins: { drift: { options } } } });
    const c = criterion(host);
    const ctx = { modelPath: 'm', threshold: undefined, container: host.container, now: new Date() };
    expect((await c.evaluate({ ...ctx, validation: {} })).status).toBe('insufficient');
    expect(await c.evaluate({ ...ctx, validation: { driftScore: 0.12 } })).toMatchObject({ status: 'pass', value: 0.12, threshold: 0.2 });
    expect(await c.evaluate({ ...ctx, validation: { driftScore: 0.25 } })).toMatchObject({ status: 'fail' });
    const recs = makePredictions(300, { features: 2 });
    await host.observe(recs.slice(0, 200));
    const toValidation = (rs: PredictionRecord[], shift: number) =>
      rs.map((r) => ({ symbol: r.symbol, regime: r.regime, predicted: r.predictedLabel, actual: 1, confidence: r.confidence, features: { f0: r.features.f0 as number, f1: (r.features.f1 as number) + shift } }));
    const same = await c.evaluate({ ...ctx, validation: { predictions: toValidation(recs.slice(200, 300), 0) } });
    expect(same.status).toBe('pass');
    const moved = await c.evaluate({ ...ctx, validation: { predictions: toValidation(recs.slice(200, 300), 1) } });
    expect(moved.status).toBe('fail');
    // f1 moved, f0 did not: one feature of two
    expect(moved).toMatchObject({ value: 0.5, details: { drifted: ['f1'] } });
    expect((await c.evaluate({ ...ctx, validation: { predictions: toValidation(recs.slice(200, 203), 0) } })).status).toBe('insufficient');
    await host.observe(recs.slice(200, 250));
    const latest = await c.evaluate({ ...ctx, validation: {} });
    expect(latest.details).toMatchObject({ source: 'latest monitoring check' });
    // the share of features beyond their threshold in that check, not its largest D
    const last = host.container.resolve(driftMonitorToken).lastFeatureCheck;
    expect(latest.value).toBe((last?.driftedFeatureNames.length ?? -1) / (last?.features.length ?? 1));
  });
});

describe.each(testDatabases())('drift plugin defaults on %s', (database) => {
  it('the default CUSUM on absolute deviations raises a retraining request on a volatility burst, not on calm data', async () => {
    const host = await createTestHost({ database, plugins: [driftPlugin], config: { plugins: { drift: { options: { baselineSize: 250 } } } } });
    try {
      const requests: RetrainingRequest[] = [];
      host.container.resolve(driftEventsToken).on('retrainingRequested', (r) => requests.push(r));
      const recs = makePredictions(700, { features: 1 });
      await host.observe(recs.slice(0, 500));
      expect(requests).toEqual([]);
      const burst = recs.slice(500, 510).map((r) => ({ ...r, features: { f0: (r.features.f0 as number) * 4 } }));
      await host.observe(burst);
      expect(requests.length).toBeGreaterThan(0);
      expect(requests[0]?.reasons).toEqual(['cusum']);
      const rows = await host.dataSource.query(`SELECT details_json FROM drift_monitoring WHERE drift_type = 'cusum'`);
      expect(JSON.parse(rows[0].details_json)).toMatchObject({ feature: 'f0', statistic: 'abs', k: 1, h: 5 });
    } finally {
      await host.dispose();
    }
  });
});

it('keeps its tokens off the root container', () => {
  expect(rootContainer.isRegistered(driftMonitorToken)).toBe(false);
});
