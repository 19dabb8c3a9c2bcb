import { type CriterionContext, type GateCriterion, type ValidationPrediction, gateCriterionToken } from '@vigil/core';
import { type TestHost, testDatabases } from '@vigil/host/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startReplayHost } from './helpers.js';

const criterionOf = (h: TestHost): GateCriterion =>
  h.container.resolveAll(gateCriterionToken).find((x) => x.id === 'replay.replay_improvement') as GateCriterion;

const ctx = (h: TestHost, validation: CriterionContext['validation'], threshold?: number): CriterionContext => ({
  modelPath: 'models/candidate.pkl',
  validation,
  threshold,
  container: h.container,
  now: new Date('2024-03-01T00:00:00Z'),
});

type Day = 'candidate' | 'live' | 'tie';

/**
 * Recent rows over trading days, 5 symbols a day, each row with its `timestamp`. A 'candidate'
 * day: the candidate right on all five, the live model on four; 'live': the other way round;
 * 'tie': both right on four. `stamped: false` drops the timestamps.
 */
function byDays(days: readonly Day[], stamped = true) {
  const predictions: (ValidationPrediction & { timestamp?: string })[] = [];
  const baselinePredictions: ValidationPrediction[] = [];
  days.forEach((v, d) => {
    const timestamp = new Date(Date.UTC(2024, 0, 2 + d, 21)).toISOString();
    for (let s = 0; s < 5; s++) {
      const actualLabel = (d + s) % 2;
      const candRight = v === 'candidate' || s !== 0;
      const liveRight = v === 'live' || s !== (v === 'tie' ? 1 : 0);
      const row = { symbol: `S${s}`, regime: 'normal', actualLabel, confidence: 0.7 };
      predictions.push({
        ...row,
        predictedLabel: candRight ? actualLabel : 1 - actualLabel,
        ...(stamped ? { timestamp } : {}),
      });
      baselinePredictions.push({ ...row, predictedLabel: liveRight ? actualLabel : 1 - actualLabel });
    }
  });
  return { predictions, baselinePredictions };
}
const days = (candidate: number, live: number, tie = 0): Day[] => [
  ...Array<Day>(candidate).fill('candidate'),
  ...Array<Day>(live).fill('live'),
  ...Array<Day>(tie).fill('tie'),
];

describe.each(testDatabases())('replay.replay_improvement paired by trading day, on %s', (database) => {
  let host: TestHost;
  afterEach(async () => host?.dispose());

  it('truth table: the sign test over days decides (15 of 20 days p=0.0207 passes, 14 of 20 p=0.0577 fails)', async () => {
    host = await startReplayHost(database, { minReplaySamples: 20, significance: 0.05 });
    const c = criterionOf(host);
    const pass = await c.evaluate(ctx(host, byDays(days(15, 5))));
    expect(pass).toMatchObject({ status: 'pass', value: 0.1 });
    expect(pass.details).toMatchObject({
      recentWindow: { pairedBy: 'day', days: 20, daysCandidateBetter: 15, daysLiveBetter: 5, tiedDays: 0 },
    });
    expect((pass.details as { recentWindow: { pBetter: number } }).recentWindow.pBetter).toBeCloseTo(
      0.020694732666015625,
      14,
    );
    expect(pass.message).toMatch(/paired by day: better on 15 of 20 days vs 5, sign test one-sided p=0\.0207 < 0\.05/);
    const fail = await c.evaluate(ctx(host, byDays(days(14, 6))));
    expect(fail).toMatchObject({ status: 'fail' });
    expect((fail.details as { recentWindow: { pBetter: number } }).recentWindow.pBetter).toBeCloseTo(
      0.057659149169921875,
      14,
    );
    // ties do not vote; the threshold still applies to the accuracy difference (0.1 here)
    expect((await c.evaluate(ctx(host, byDays(days(15, 5, 3))))).status).toBe('pass');
    expect((await c.evaluate(ctx(host, byDays(days(15, 5)), 0.1))).status).toBe('fail');
    expect((await c.evaluate(ctx(host, byDays(days(15, 5)), 0.099))).status).toBe('pass');
  });

  it('the same rows without timestamps are tested as independent rows, and say so', async () => {
    host = await startReplayHost(database, { minReplaySamples: 20, significance: 0.05 });
    // one discordant row per day: McNemar over rows sees b = 14, c = 6
    const r = await criterionOf(host).evaluate(ctx(host, byDays(days(14, 6), false)));
    expect(r.details).toMatchObject({ recentWindow: { pairedBy: 'row', mcnemar: { b: 14, c: 6 } } });
    expect(r.message).toMatch(/rows treated as independent \(no timestamps\)/);
  });

  it('a few big days do not make a candidate better: row-level McNemar passes, the day-paired test does not', async () => {
    host = await startReplayHost(database, { minReplaySamples: 20, significance: 0.05 });
    // 3 days of 20 rows where the candidate fixes 8 of the live model's mistakes each (b = 24),
    // then 10 ordinary days of 5 rows where the live model is ahead by one row (c = 10)
    const predictions: (ValidationPrediction & { timestamp: string })[] = [];
    const baselinePredictions: ValidationPrediction[] = [];
    const push = (d: number, s: number, cand: boolean, live: boolean) => {
      const timestamp = new Date(Date.UTC(2024, 0, 2 + d, 21)).toISOString();
      const actualLabel = s % 2;
      const row = { symbol: `S${s}`, regime: 'normal', actualLabel, confidence: 0.7 };
      predictions.push({ ...row, predictedLabel: cand ? actualLabel : 1 - actualLabel, timestamp });
      baselinePredictions.push({ ...row, predictedLabel: live ? actualLabel : 1 - actualLabel });
    };
    for (let d = 0; d < 3; d++) for (let s = 0; s < 20; s++) push(d, s, true, s >= 8);
    for (let d = 3; d < 13; d++) for (let s = 0; s < 5; s++) push(d, s, s !== 0, true);
    const c = criterionOf(host);
    const paired = await c.evaluate(ctx(host, { predictions, baselinePredictions }));
    const d = paired.details as {
      recentWindow: { pairedBy: string; mcnemar: { b: number; c: number; pBetter: number }; pBetter: number };
    };
    // over rows: b = 24, c = 10: McNemar one-sided p = 0.0122 would pass
    expect(d.recentWindow.mcnemar).toMatchObject({ b: 24, c: 10 });
    expect(d.recentWindow.mcnemar.pBetter).toBeLessThan(0.05);
    // over days: 3 better, 10 worse: p = P(Bin(13, 1/2) >= 3) = 0.989
    expect(d.recentWindow).toMatchObject({ pairedBy: 'day', daysCandidateBetter: 3, daysLiveBetter: 10 });
    expect(d.recentWindow.pBetter).toBeCloseTo(8100 / 8192, 12);
    expect(paired.status).toBe('fail');
    const rows = await c.evaluate(
      ctx(host, { predictions: predictions.map(({ timestamp: _, ...p }) => p), baselinePredictions }),
    );
    expect(rows.status).toBe('pass');
  });
});
