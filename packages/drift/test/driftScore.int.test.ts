/**
 * drift.drift_score judges a panel as the monitor does: the candidate's training rows grouped into trading days
 * (timestamps) and calibrated with the monitor's design-effect rule, untestable features reported apart.
 */
import { type CriterionContext, type GateCriterion, gateCriterionToken } from '@vigil/core';
import { type TestHost, createTestHost, testDatabases } from '@vigil/host/testing';
import { normalSampler, seededRandom } from '@vigil/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { DriftDetector } from '../src/DriftDetector.js';
import { driftPlugin } from '../src/plugin.js';
import { dayOf } from './panel.js';

interface Row {
  timestamp: string;
  symbol: string;
  features: Record<string, number>;
}

/**
 * `symbols` stocks a day: `iid` features drawn per row, `levels` shared by every symbol of a day and persisting
 * across days (a market-wide level such as VIX: a random walk) plus a little per-stock noise.
 */
function panel(o: { symbols: number; days: number; iid: string[]; levels: string[]; seed: number }): Row[] {
  const z = normalSampler(seededRandom(o.seed));
  const level = Object.fromEntries(o.levels.map((l) => [l, 20]));
  const rows: Row[] = [];
  for (let d = 0; d < o.days; d++) {
    for (const l of o.levels) level[l] = (level[l] as number) + z();
    for (let s = 0; s < o.symbols; s++) {
      const features: Record<string, number> = {};
      for (const f of o.iid) features[f] = z();
      for (const l of o.levels) features[l] = (level[l] as number) + 0.1 * z();
      rows.push({ timestamp: `${dayOf(d)}T21:00:00.000Z`, symbol: `S${s}`, features });
    }
  }
  return rows;
}

const training = (rows: Row[], dated: boolean) => ({
  trainingFeatures: Object.fromEntries(
    Object.keys(rows[0]?.features ?? {}).map((f) => [f, rows.map((r) => r.features[f] as number)]),
  ),
  ...(dated ? { trainingTimestamps: rows.map((r) => r.timestamp), trainingSymbols: rows.map((r) => r.symbol) } : {}),
});
const validation = (rows: Row[], dated: boolean, shift: Record<string, number> = {}) =>
  rows.map((r) => ({
    symbol: r.symbol,
    regime: 'normal',
    predictedLabel: 1,
    actualLabel: 1,
    confidence: 0.6,
    features: Object.fromEntries(Object.entries(r.features).map(([f, v]) => [f, v + (shift[f] ?? 0)])),
    ...(dated ? { timestamp: r.timestamp } : {}),
  }));

/** The score as it was before: rows calibrated by the replays alone, untestable features counted as not drifted. */
function oldScore(train: Row[], window: Row[]): { drifted: string[]; untestable: string[]; value: number } {
  const names = Object.keys(train[0]?.features ?? {}).sort();
  const col = (rs: Row[]) => Object.fromEntries(names.map((n) => [n, rs.map((r) => r.features[n] as number)]));
  const d = new DriftDetector({ featureNames: names, minWindowSize: 20, windowSize: window.length });
  d.setBaseline({ features: col(train) });
  d.calibrate(0.01, { windowSize: window.length, maxReplays: 400 });
  const r = d.detectFeatureDrift(col(window));
  return {
    drifted: r.driftedFeatureNames,
    untestable: r.untestableFeatureNames,
    value: r.driftedFeatureNames.length / r.features.length,
  };
}

describe.each(testDatabases())('drift.drift_score on a panel on %s', (database) => {
  let host: TestHost | undefined;
  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });
  const setup = async (): Promise<(validation: Record<string, unknown>) => ReturnType<GateCriterion['evaluate']>> => {
    host = await createTestHost({ database, plugins: [driftPlugin] });
    const c = host.container.resolveAll(gateCriterionToken).find((x) => x.id === 'drift.drift_score') as GateCriterion;
    const container = host.container;
    return (v) =>
      c.evaluate({
        modelPath: 'cand.json',
        validation: v as CriterionContext['validation'],
        threshold: undefined,
        container,
        now: new Date(),
      });
  };

  it('two market-wide levels of three features cannot be tested on 10 days: insufficient, naming them (it used to pass at 0%)', async () => {
    const evaluate = await setup();
    // 20 stocks x 130 days: the first 120 train the candidate, the last 10 validate it
    const rows = panel({ symbols: 20, days: 130, iid: ['f0'], levels: ['mkt', 'sector'], seed: 7 });
    const train = rows.slice(0, 20 * 120);
    const window = rows.slice(20 * 120);
    // before: the levels were untestable too, but counted as "not drifted": 0 of 3, a pass
    expect(oldScore(train, window)).toMatchObject({ value: 0, drifted: [] });
    const r = await evaluate({ ...training(train, true), predictions: validation(window, true) });
    expect(r).toMatchObject({
      status: 'insufficient',
      value: null,
      details: {
        calibratedBy: 'step',
        windowSteps: 10,
        baselineSteps: 120,
        testable: 1,
        minTestable: 2,
        untestable: ['mkt', 'sector'],
        features: { mkt: { status: 'untestable', threshold: null }, f0: { status: 'within noise' } },
      },
    });
    expect(r.message).toMatch(/^1 of 3 features testable, at least 2 needed/);
    expect(r.message).toMatch(/mkt \(threshold \d+\.\d+ > 1: design effect \d+/);
    expect(r.message).toContain('sector (threshold');
  });

  it('one untestable level of three: reported apart, the score is drifted / testable features', async () => {
    const evaluate = await setup();
    const rows = panel({ symbols: 20, days: 130, iid: ['f0', 'f1'], levels: ['mkt'], seed: 11 });
    const train = rows.slice(0, 20 * 120);
    const window = rows.slice(20 * 120);
    const calm = await evaluate({ ...training(train, true), predictions: validation(window, true) });
    expect(calm).toMatchObject({
      status: 'pass',
      value: 0,
      details: { testable: 2, untestable: ['mkt'], drifted: [], calibratedBy: 'step' },
    });
    expect(calm.message).toMatch(/^drift score 0\.0% \(0 of 2 testable features .*untestable, not counted: mkt/);
    // f0 moves by one sd on every stock: 1 of the 2 testable features (it was 1 of 3 before)
    const moved = await evaluate({ ...training(train, true), predictions: validation(window, true, { f0: 1 }) });
    expect(moved).toMatchObject({ status: 'fail', value: 0.5, details: { drifted: ['f0'], untestable: ['mkt'] } });
    expect(
      oldScore(
        train,
        window.map((r) => ({ ...r, features: { ...r.features, f0: (r.features.f0 as number) + 1 } })),
      ),
    ).toMatchObject({ drifted: ['f0'] });
  });

  it('rows without timestamps are calibrated per row and the score says its calibration is optimistic', async () => {
    const evaluate = await setup();
    const rows = panel({ symbols: 20, days: 130, iid: ['f0', 'f1'], levels: ['mkt'], seed: 11 });
    const train = rows.slice(0, 20 * 120);
    const window = rows.slice(20 * 120);
    const r = await evaluate({ ...training(train, false), predictions: validation(window, false) });
    expect(r.details).toMatchObject({
      calibratedBy: 'row',
      windowSteps: 200,
      note: expect.stringMatching(/optimistic/),
    });
    expect(r.message).toContain('calibrated per row (no timestamps: optimistic for a panel)');
    // training rows without timestamps make the whole comparison per row, even when the validation rows are dated
    const mixed = await evaluate({ ...training(train, false), predictions: validation(window, true) });
    expect(mixed.details).toMatchObject({ calibratedBy: 'row' });
  });

  it('bad training timestamps are an error naming the field, not a verdict', async () => {
    const evaluate = await setup();
    const rows = panel({ symbols: 5, days: 60, iid: ['f0'], levels: [], seed: 3 });
    const t = training(rows.slice(0, 5 * 50), true);
    const r = await evaluate({
      ...t,
      trainingTimestamps: t.trainingTimestamps?.map((x, i) => (i === 3 ? 'yesterday' : x)),
      predictions: validation(rows.slice(5 * 50), true),
    });
    expect(r).toMatchObject({ status: 'error', value: null });
    expect(r.message).toContain('trainingTimestamps[3]: must be an ISO timestamp, got "yesterday"');
  });
});
