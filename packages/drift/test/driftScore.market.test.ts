/**
 * drift.drift_score on market history (SPY and VIX): a candidate whose training window ends
 * before the February 2020 regime change scores high against the weeks after it; one trained on
 * data that already includes the new regime scores low against the same weeks.
 */
import type { CriterionContext, ValidationPrediction } from '@vigil/core';
import { type Bar, loadSpy, loadVix } from '@vigil/market-data';
import type { DependencyContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import type { DriftMonitor } from '../src/DriftMonitor.js';
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

// the monitor is not consulted when the candidate's training features are given
const criterion = driftScoreCriterion({ detector: undefined } as unknown as DriftMonitor, {
  threshold: 0.2,
  transforms: {},
  minWindowSize: 5,
  alertThreshold: 0.15,
  targetFalseAlarmRate: 0.01,
  maxReplays: 400,
});
const ctx = (train: typeof rows, validation: typeof rows): CriterionContext => ({
  modelPath: 'm.json',
  validation: {
    predictions: predictions(validation),
    trainingFeatures: columns(train),
  } as CriterionContext['validation'],
  threshold: undefined,
  container: {} as DependencyContainer,
  now: new Date(),
});

describe('drift.drift_score on SPY and VIX around the February 2020 regime change', () => {
  const after = between('2020-04-01', '2020-05-29');

  it('a candidate trained before the change scores high; one trained through it scores low', async () => {
    const stale = await criterion.evaluate(ctx(between('2018-03-01', '2020-02-14'), after));
    const recent = await criterion.evaluate(ctx(between('2019-12-02', '2020-03-31'), after));
    if (process.env.VIGIL_PRINT_FIGURES) console.log(stale.message, '\n', recent.message);
    // stale: SPY's daily moves, its 20-day volatility and the VIX level all beyond their calibrated noise
    expect(stale).toMatchObject({
      status: 'fail',
      value: 0.6,
      details: {
        rule: 'calibrated',
        source: "candidate's training features vs validation features",
        drifted: ['spy_ret_1d', 'spy_vol_20d', 'vix'],
      },
    });
    // recent (December 2019 to March 2020, the crash included): nothing beyond its noise
    expect(recent).toMatchObject({ status: 'pass', value: 0 });
    // each feature is judged against its own calibrated threshold: the VIX level needs a far larger D than a daily return
    const f = (stale.details as { features: Record<string, { statistic: number; threshold: number }> }).features;
    expect(f.vix?.threshold).toBeGreaterThan((f.spy_ret_1d?.threshold as number) + 0.2);
  });

  it('truth table at the threshold: 3 of 5 features is 0.6, failing at 0.6 and passing just above; a given score is judged as is', async () => {
    const train = between('2018-03-01', '2020-02-14');
    expect((await criterion.evaluate({ ...ctx(train, after), threshold: 0.6 })).status).toBe('fail');
    expect((await criterion.evaluate({ ...ctx(train, after), threshold: 0.61 })).status).toBe('pass');
    const given = (driftScore: number, threshold?: number) =>
      criterion.evaluate({ ...ctx(train, after), validation: { driftScore }, threshold });
    expect(await given(0.19)).toMatchObject({ status: 'pass', value: 0.19, threshold: 0.2 });
    expect(await given(0.2)).toMatchObject({ status: 'fail' });
    expect((await given(Number.NaN)).status).toBe('error');
  });

  it('is insufficient when the training sample is too short to calibrate against the window', async () => {
    const r = await criterion.evaluate(ctx(between('2020-03-02', '2020-03-31'), after));
    expect(r.status).toBe('insufficient');
    expect(r.message).toMatch(/cannot replay windows/);
  });
});
