/**
 * drift.drift_score on market history (SPY and VIX): a candidate whose training window ends before the February 2020
 * regime change fails against the weeks after it; levels that persist for weeks (VIX, 20-day volatility) cannot be
 * tested on 41 days and are reported apart, not counted as "not drifted".
 */
import type { CriterionContext, ValidationPrediction } from '@vigil/core';
import { type Bar, loadSpy, loadVix } from '@vigil/market-data';
import type { DependencyContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { DriftDetector } from '../src/DriftDetector.js';
import { DriftMonitor } from '../src/DriftMonitor.js';
import { driftOptionsSchema } from '../src/config.js';
import { driftScoreCriterion } from '../src/driftScoreCriterion.js';

/** Daily market features known at each close. */
function marketFeatures(): { date: string; f: Record<string, number> }[] {
  const spy = loadSpy();
  const vix = new Map(loadVix().map((b) => [b.date, b.close]));
  const out: { date: string; f: Record<string, number> }[] = [];
  for (let i = 21; i < spy.length; i++) {
    const c = (k: number) => (spy[i - k] as Bar).close;
    const rets = Array.from({ length: 20 }, (_, k) => Math.log(c(k) / c(k + 1)));
    const m = rets.reduce((s, x) => s + x, 0) / 20;
    const v = vix.get((spy[i] as Bar).date);
    const v5 = vix.get((spy[i - 5] as Bar).date);
    if (v === undefined || v5 === undefined) continue;
    out.push({
      date: (spy[i] as Bar).date,
      f: {
        spy_ret_1d: rets[0] as number,
        spy_ret_5d: Math.log(c(0) / c(5)),
        spy_vol_20d: Math.sqrt((rets.reduce((s, x) => s + (x - m) ** 2, 0) / 19) * 252),
        vix: v,
        vix_chg_5d: Math.log(v / v5),
      },
    });
  }
  return out;
}

const rows = marketFeatures();
const between = (from: string, to: string) => rows.filter((r) => r.date >= from && r.date <= to);
const columns = (rs: typeof rows) =>
  Object.fromEntries(Object.keys(rs[0]?.f ?? {}).map((k) => [k, rs.map((r) => r.f[k] as number)]));
const predictions = (rs: typeof rows): ValidationPrediction[] =>
  rs.map((r) => ({
    symbol: 'SPY',
    regime: 'normal',
    predictedLabel: 1,
    actualLabel: 1,
    confidence: 0.6,
    features: r.f,
  }));

// the monitor builds and calibrates the candidate's baseline (its rule, its transforms); no database is touched
const monitor = new DriftMonitor({
  options: driftOptionsSchema.parse({}),
  logger: { warn() {}, info() {}, error() {}, debug() {} },
} as unknown as ConstructorParameters<typeof DriftMonitor>[0]);
const criterion = driftScoreCriterion(monitor, {
  threshold: 0.2,
  minTestableShare: 0.5,
  targetFalseAlarmRate: 0.01,
  maxReplays: 400,
});
const ctx = (train: typeof rows, validation: typeof rows, dated = false): CriterionContext => ({
  modelPath: 'm.json',
  validation: {
    predictions: predictions(validation).map((p, i) =>
      dated ? { ...p, timestamp: `${validation[i]?.date}T21:00:00.000Z` } : p,
    ),
    trainingFeatures: columns(train),
    ...(dated ? { trainingTimestamps: train.map((r) => `${r.date}T21:00:00.000Z`) } : {}),
  } as CriterionContext['validation'],
  threshold: undefined,
  container: {} as DependencyContainer,
  now: new Date(),
});

describe('drift.drift_score on SPY and VIX around the February 2020 regime change', () => {
  const after = between('2020-04-01', '2020-05-29');
  const stale = between('2018-03-01', '2020-02-14');

  it('before the clustered design effect, the stale candidate scored 3 of 5 features (0.6)', () => {
    // the old calibration: windows of rows replayed inside the training rows, the replays' design effect alone
    const names = Object.keys(columns(stale)).sort();
    const d = new DriftDetector({ featureNames: names, minWindowSize: 5, windowSize: after.length });
    d.setBaseline({ features: columns(stale) });
    d.calibrate(0.01, { windowSize: after.length, maxReplays: 400 });
    const r = d.detectFeatureDrift(columns(after));
    expect(r.driftedFeatureNames).toEqual(['spy_ret_1d', 'spy_vol_20d', 'vix']);
    expect(r.untestableFeatureNames).toEqual([]);
  });

  it('a candidate trained before the change fails on the one testable feature that moved; the 20-day volatility and the VIX level cannot be tested on 41 days', async () => {
    const r = await criterion.evaluate(ctx(stale, after));
    if (process.env.VIGIL_PRINT_FIGURES) console.log(r.message);
    // one independent value of a level that persists for weeks is about all 41 days hold: untestable, not "drifted"
    expect(r).toMatchObject({
      status: 'fail',
      value: 1 / 3,
      details: {
        rule: 'calibrated',
        source: "candidate's training features vs validation features",
        drifted: ['spy_ret_1d'],
        untestable: ['spy_vol_20d', 'vix'],
        testable: 3,
        calibratedBy: 'row',
        note: expect.stringMatching(/optimistic/),
      },
    });
    expect(r.message).toMatch(
      /^drift score 33\.3% \(1 of 3 testable features .*: spy_ret_1d; untestable, not counted: spy_vol_20d \(threshold/,
    );
    // one symbol a day: dated rows make the same steps, so the same figures, now calibrated by step
    const dated = await criterion.evaluate(ctx(stale, after, true));
    expect(dated).toMatchObject({ status: 'fail', value: 1 / 3, details: { calibratedBy: 'step', windowSteps: 41 } });
    expect(dated.message).not.toContain('optimistic');
  });

  it('a candidate trained through the change: only 2 of 5 features testable on 41 days, insufficient (it used to pass at 0%)', async () => {
    const r = await criterion.evaluate(ctx(between('2019-12-02', '2020-03-31'), after));
    if (process.env.VIGIL_PRINT_FIGURES) console.log(r.message);
    expect(r).toMatchObject({
      status: 'insufficient',
      value: null,
      details: { drifted: [], untestable: ['spy_ret_5d', 'spy_vol_20d', 'vix'], testable: 2, minTestable: 3 },
    });
    expect(r.message).toMatch(/^2 of 5 features testable, at least 3 needed/);
  });

  it('truth table at the threshold: 1 of 3 testable features is 1/3, failing at 1/3 and passing just above; a given score is judged as is', async () => {
    expect((await criterion.evaluate({ ...ctx(stale, after), threshold: 1 / 3 })).status).toBe('fail');
    expect((await criterion.evaluate({ ...ctx(stale, after), threshold: 0.34 })).status).toBe('pass');
    const given = (driftScore: number, threshold?: number) =>
      criterion.evaluate({ ...ctx(stale, after), validation: { driftScore }, threshold });
    expect(await given(0.19)).toMatchObject({ status: 'pass', value: 0.19, threshold: 0.2 });
    expect(await given(0.2)).toMatchObject({ status: 'fail' });
    expect((await given(Number.NaN)).status).toBe('error');
  });

  it('is insufficient when the training sample is too short to calibrate against the window', async () => {
    const r = await criterion.evaluate(ctx(between('2020-03-02', '2020-03-31'), after));
    expect(r.status).toBe('insufficient');
    expect(r.message).toMatch(/cannot replay windows of 41 steps inside a baseline of \d+ steps/);
  });
});
