import { type GateCriterion, type PredictionRecord, gateCriterionToken, isVigilError } from '@vigil/core';
import { type TestHost, createTestHost, testDatabases } from '@vigil/host/testing';
import { makePredictions } from '@vigil/test-utils';
import { container as rootContainer } from 'tsyringe';
import { afterEach, describe, expect, it } from 'vitest';
import type { RetrainingRequest } from '../src/DriftEvents.js';
import { driftPlugin } from '../src/plugin.js';
import { driftEventsToken, driftMonitorToken } from '../src/tokens.js';
import { dayOf, makePanel } from './panel.js';

const count = async (h: TestHost, where = ''): Promise<number> =>
  Number((await h.dataSource.query(`SELECT COUNT(*) AS n FROM drift_monitoring ${where}`))[0].n);
/** Small windows so a test needs few days: KS on 5 steps against a 20-step baseline, CUSUMs on a 30-step reference. */
const options = {
  windowSteps: 5,
  baselineSteps: 20,
  referenceSteps: 30,
  minRecords: 10,
  checkEvery: 1,
  calibration: null,
  alertThreshold: 0.3,
  retrainOn: ['feature', 'cusum'],
};
const criterion = (h: TestHost): GateCriterion =>
  h.container.resolveAll(gateCriterionToken).find((c) => c.id === 'drift.drift_score') as GateCriterion;
const byDay = <T extends { timestamp: string }>(recs: T[], from: number, to: number): T[] =>
  recs.filter((r) => r.timestamp >= `${dayOf(from)}` && r.timestamp < `${dayOf(to)}`);

describe.each(testDatabases())('drift plugin on %s', (database) => {
  let host: TestHost | undefined;
  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it('collects a per-model baseline over baselineSteps, checks the cross-section of windowSteps steps, writes rows with model and step', async () => {
    host = await createTestHost({ database, plugins: [driftPlugin], config: { plugins: { drift: { options } } } });
    const requests: RetrainingRequest[] = [];
    host.container.resolve(driftEventsToken).on('retrainingRequested', (r) => requests.push(r));
    const recs = makePanel({ symbols: 8, days: 60, shiftDay: 45, shift: 3, seed: 3 });
    await host.observe(byDay(recs, 0, 21)); // 21 days: the 21st opens a step, closing the 20th: the baseline
    const m = host.container.resolve(driftMonitorToken);
    expect(m.detectorFor('m1')?.featureNames).toEqual(['f0', 'f1', 'f2']);
    expect(m.detectorFor('m1')?.baselineSize).toBe(20 * 8);
    // while it collected, each check (steps 5..20, once 5 steps filled a window) compared nothing and says why
    const collecting = await host.dataSource.query(`SELECT * FROM drift_monitoring ORDER BY id`);
    expect(collecting).toHaveLength(16 * 3);
    for (const [i, r] of collecting.entries()) {
      expect(r).toMatchObject({ drift_detected: 0, ks_statistic: null });
      expect(JSON.parse(r.details_json)).toMatchObject({
        status: 'insufficient',
        reason: `not enough steps: ${5 + Math.floor(i / 3)} of 20 (the model's baseline is collected from its first 20 steps)`,
      });
    }
    const before = collecting.length;
    await host.observe(byDay(recs, 21, 26)); // closes days 20..24: one check of the last 5 steps at each
    const rows = (await host.dataSource.query(`SELECT * FROM drift_monitoring ORDER BY id`)).slice(before);
    expect(rows.map((r: { drift_type: string }) => r.drift_type)).toEqual(
      Array.from({ length: 5 }, () => ['feature', 'regime', 'prediction']).flat(),
    );
    expect(rows.map((r: { step: string }) => r.step)).toEqual(
      [20, 21, 22, 23, 24].flatMap((d) => [dayOf(d), dayOf(d), dayOf(d)]),
    );
    expect(rows[12]).toMatchObject({
      model_version: 'm1',
      step: dayOf(24),
      timestamp: `${dayOf(24)}T21:00:00.000Z`,
      drift_type: 'feature',
    });
    const details = JSON.parse(rows[12].details_json);
    expect(details).toMatchObject({ drift_detected: false, window_size: 5 * 8, window_steps: 5, baseline_size: 160 });
    expect(Number(rows[12].ks_statistic)).toBeCloseTo(details.max_drift, 12);
    expect(requests).toEqual([]);

    await host.observe(byDay(recs, 26, 60));
    // one episode for the one shift: one row, one request, starting on the shift's day (the feature check and the CUSUMs agree)
    const episodes = await host.dataSource.query(`SELECT * FROM drift_monitoring WHERE drift_type = 'cusum'`);
    expect(episodes).toHaveLength(1);
    expect(episodes[0]).toMatchObject({
      model_version: 'm1',
      step: dayOf(45),
      episode_status: 'open',
      episode_end: null,
      drift_detected: 1,
    });
    expect(requests.map((r) => [r.model, r.step])).toEqual([['m1', dayOf(45)]]);
    expect(requests[0]?.driftedFeatures).toContain('f0');
    const ep = JSON.parse(episodes[0].details_json);
    expect(ep.reasons).toEqual(expect.arrayContaining(['cusum', 'feature']));
    expect(ep.peak).toBeGreaterThan(3);
    expect(host.memoryLogger?.lines.some((l) => l.level === 'warn' && l.msg.startsWith('drift episode started'))).toBe(
      true,
    );
  });

  it('ends an episode when the condition ends (hysteresis), and a new condition is a new episode', async () => {
    host = await createTestHost({
      database,
      plugins: [driftPlugin],
      config: { plugins: { drift: { options: { ...options, retrainOn: ['cusum'] } } } },
    });
    const calm = makePanel({ symbols: 8, days: 120, seed: 5 });
    // a burst of scale on days 40-44 and again on 90-94
    const burst = calm.map((r) => {
      const d = Math.round((Date.parse(r.timestamp) - Date.parse(`${dayOf(0)}T21:00:00.000Z`)) / 86_400_000);
      return (d >= 40 && d < 45) || (d >= 90 && d < 95)
        ? { ...r, features: { ...r.features, f1: (r.features.f1 as number) * 5 } }
        : r;
    });
    await host.observe(burst);
    const episodes: { step: string; episode_status: string; episode_end: string | null; episode_peak_step: string }[] =
      await host.dataSource.query(
        `SELECT step, episode_status, episode_end, episode_peak_step FROM drift_monitoring WHERE drift_type = 'cusum' ORDER BY id`,
      );
    expect(episodes.map((e) => e.step)).toEqual([dayOf(40), dayOf(90)]);
    expect(episodes[0]?.episode_status).toBe('closed');
    expect(episodes[0]?.episode_end && episodes[0].episode_end > dayOf(44)).toBe(true);
    expect(episodes[0]?.episode_end && episodes[0].episode_end < dayOf(90)).toBe(true);
    expect(
      (episodes[0]?.episode_peak_step ?? '') >= dayOf(40) && (episodes[0]?.episode_peak_step ?? '') <= dayOf(45),
    ).toBe(true);
  });

  it('refuses a batch with NaN, missing or unknown features and writes nothing, state included', async () => {
    host = await createTestHost({ database, plugins: [driftPlugin], config: { plugins: { drift: { options } } } });
    const recs = makePanel({ symbols: 8, days: 40, features: 2, seed: 4 });
    await host.observe(byDay(recs, 0, 30));
    const state = await host.dataSource.query('SELECT state_json FROM drift_state');
    const rows = await count(host);
    const bad = byDay(recs, 30, 32).map((r, i) =>
      i === 3 ? { ...r, features: { f0: 1 } } : i === 5 ? { ...r, features: { ...r.features, zz: 1 } } : r,
    );
    const err = await host.observe(bad).catch((e) => e);
    expect(isVigilError(err, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(err.message).toContain('records[3].features.f1: is missing');
    expect(err.message).toContain(
      'records[5].features.zz: is not a monitored feature of model m1; known features: f0, f1',
    );
    expect(await count(host)).toBe(rows);
    expect(await host.dataSource.query('SELECT state_json FROM drift_state')).toEqual(state);
    // memory unchanged too: the same batch, fixed, gives what it gives on a fresh host
    await host.observe(byDay(recs, 30, 40));
    const fresh = await createTestHost({
      database,
      plugins: [driftPlugin],
      config: { plugins: { drift: { options } } },
    });
    try {
      await fresh.observe(byDay(recs, 0, 30));
      await fresh.observe(byDay(recs, 30, 40));
      const cols = 'timestamp, drift_type, ks_statistic, drift_detected, details_json, model_version, step';
      expect(await host.dataSource.query(`SELECT ${cols} FROM drift_monitoring ORDER BY id`)).toEqual(
        await fresh.dataSource.query(`SELECT ${cols} FROM drift_monitoring ORDER BY id`),
      );
    } finally {
      await fresh.dispose();
    }
  });

  it("refuses a transform's bad previous value per symbol, naming the record", async () => {
    host = await createTestHost({
      database,
      plugins: [driftPlugin],
      config: { plugins: { drift: { options: { ...options, transforms: { f0: 'log_return' } } } } },
    });
    const recs = makePanel({ symbols: 3, days: 4, features: 1, walk: true });
    await host.observe(recs.slice(0, 3));
    const bad = recs.slice(3, 6).map((r, i) => (i === 1 ? { ...r, features: { f0: -2 } } : r));
    const err = await host.observe(bad).catch((e) => e);
    expect(isVigilError(err, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(err.message).toContain('records[1].features.f0: log_return needs positive values, got -2');
  });

  it('drift.drift_score: given, computed from validation features, from the latest check, or insufficient', async () => {
    host = await createTestHost({ database, plugins: [driftPlugin], config: { plugins: { drift: { options } } } });
    const c = criterion(host);
    const ctx = { modelPath: 'm', threshold: undefined, container: host.container, now: new Date() };
    expect((await c.evaluate({ ...ctx, validation: {} })).status).toBe('insufficient');
    expect(await c.evaluate({ ...ctx, validation: { driftScore: 0.12 } })).toMatchObject({
      status: 'pass',
      value: 0.12,
      threshold: 0.2,
    });
    expect(await c.evaluate({ ...ctx, validation: { driftScore: 0.25 } })).toMatchObject({ status: 'fail' });
    const recs = makePredictions(300, { features: 2 });
    await host.observe(recs.slice(0, 200));
    const toValidation = (rs: PredictionRecord[], shift: number) =>
      rs.map((r) => ({
        symbol: r.symbol,
        regime: r.regime,
        predictedLabel: r.predictedLabel,
        actualLabel: 1,
        confidence: r.confidence,
        features: { f0: r.features.f0 as number, f1: (r.features.f1 as number) + shift },
      }));
    const same = await c.evaluate({ ...ctx, validation: { predictions: toValidation(recs.slice(200, 300), 0) } });
    expect(same.status).toBe('pass');
    const moved = await c.evaluate({ ...ctx, validation: { predictions: toValidation(recs.slice(200, 300), 1) } });
    expect(moved.status).toBe('fail');
    // f1 moved, f0 did not: one feature of two
    expect(moved).toMatchObject({ value: 0.5, details: { drifted: ['f1'] } });
    expect(
      (await c.evaluate({ ...ctx, validation: { predictions: toValidation(recs.slice(200, 203), 0) } })).status,
    ).toBe('insufficient');
    await host.observe(recs.slice(200, 250));
    const latest = await c.evaluate({ ...ctx, validation: {} });
    expect(latest.details).toMatchObject({ source: 'latest monitoring check' });
    // the share of features beyond their threshold in that check, not its largest D
    const last = host.container.resolve(driftMonitorToken).lastFeatureCheck;
    expect(latest.value).toBe((last?.driftedFeatureNames.length ?? -1) / (last?.features.length ?? 1));
  });
});

describe.each(testDatabases())('drift plugin defaults on %s', (database) => {
  it('the synthetic panel with the documented defaults: 100 symbols x 400 days, one feature shifts by 1 sd on day 300: one episode, no request before, the first within 5 steps', async () => {
    const host = await createTestHost({ database, plugins: [driftPlugin] });
    try {
      const requests: RetrainingRequest[] = [];
      host.container.resolve(driftEventsToken).on('retrainingRequested', (r) => requests.push(r));
      const recs = makePanel({ symbols: 100, days: 400, shiftDay: 300, seed: 100 });
      for (let d = 0; d < 400; d += 50) await host.observe(byDay(recs, d, d + 50));
      expect(requests.filter((r) => r.step < dayOf(300))).toEqual([]);
      expect(requests.length).toBeGreaterThanOrEqual(1);
      expect(requests.length).toBeLessThanOrEqual(2);
      const delay = (Date.parse(requests[0]?.step as string) - Date.parse(dayOf(300))) / 86_400_000;
      expect(delay).toBeLessThanOrEqual(5);
      expect(requests[0]?.driftedFeatures).toEqual(['f0']); // the CUSUMs' feature (the KS check does not retrain by default)
      expect(await count(host, "WHERE drift_type = 'cusum'")).toBe(requests.length);
    } finally {
      await host.dispose();
    }
  });
});

it('keeps its tokens off the root container', () => {
  expect(rootContainer.isRegistered(driftMonitorToken)).toBe(false);
});
