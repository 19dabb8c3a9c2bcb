/**
 * The spec's test_phase2_integration, on real market history: market crash -> drift detected ->
 * retraining triggered; bad model -> gate rejects; weak sector -> its errors replayed; every
 * module logs to the database. (The dashboard showing every metric is the server's e2e test.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveModelsToken, predictionLogToken } from '@vigil/core';
import { gateToken, shadowRecordsToken } from '@vigil/gate';
import type { VigilHost } from '@vigil/host';
import { errorReplayBufferToken } from '@vigil/replay';
import { sectorOf } from '@vigil/sectors';
import { createTestDatabase, testDatabases } from '@vigil/host/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSummary, buildDataset, formatSummary, runDemo } from '../src/index.js';

const { days } = buildDataset();
const tradingDaysBetween = (from: string, to: string) => days.filter((d) => d > from && d <= to).length;

describe.each(testDatabases())('phase 2 integration on real market history (%s)', (kind) => {
  let summary: DemoSummary;
  let host: VigilHost;
  let workDir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
    const db = kind === 'postgres' ? await createTestDatabase('postgres') : undefined;
    const database = db && db.config.type === 'postgres' ? db.config.url : join(workDir, 'demo.db');
    const result = await runDemo({ database, workDir, keepHost: true });
    summary = result.summary;
    host = result.host as VigilHost;
    cleanup = async () => {
      await host.stop();
      await db?.cleanup();
      rmSync(workDir, { recursive: true, force: true });
    };
  });
  afterAll(() => cleanup?.());

  it('market crash -> drift detected within 5 trading days -> retraining triggered', () => {
    // drift is a state: a stress episode is detected when an episode of drift is open on one of
    // its first 5 trading days (it may have started earlier: a detector that fired keeps watching)
    for (const crash of ['2015-08-20', '2016-06-24', '2018-02-02']) {
      const covering = summary.driftEpisodes.find(
        (e) => tradingDaysBetween(crash, e.onset) <= 5 && (e.end === null || e.end > crash),
      );
      expect(covering, `a drift episode open within 5 trading days of ${crash}`).toBeDefined();
    }
    // one retraining request per episode of the live model, at its onset (seen when the onset's
    // trading day closes: the next day); the shadow challengers' episodes are recorded, and ask nothing
    const asking = summary.driftEpisodes.filter((e) => e.retrainingRequested);
    expect(summary.retrainingRequests).toHaveLength(asking.length);
    for (const [i, r] of summary.retrainingRequests.entries()) {
      expect(r.model).toBe(asking[i]!.model);
      expect(tradingDaysBetween(asking[i]!.onset, r.date)).toBe(1);
    }
    expect(summary.driftEpisodes.map((e) => [e.onset, e.model, e.standing, e.retrainingRequested])).toEqual([
      ['2015-08-21', 'm0', 'live', true],
      ['2015-12-18', 'm0', 'live', true],
      ['2016-06-24', 'm0', 'live', true],
      ['2017-05-18', 'm0', 'live', true],
      ['2017-12-05', 'm17', 'shadow', false],
      ['2018-01-18', 'm15', 'live', true],
      ['2018-02-01', 'm18', 'shadow', false],
    ]);
    expect(summary.retrainingRequests.map((r) => `${r.date} ${r.model}`)).toEqual([
      '2015-08-24 m0',
      '2015-12-21 m0',
      '2016-06-27 m0',
      '2017-05-19 m0',
      '2018-01-19 m15',
    ]);
    // retraining happens on requests (the cooldown skips some)
    expect(summary.replay.retrains.length).toBeGreaterThan(0);
    expect(summary.replay.retrains.some((t) => summary.retrainingRequests.some((r) => r.date === t.date))).toBe(true);
    // and not on every calm day: a handful of episodes a year
    expect(summary.retrainingRequests.length).toBeLessThan(summary.period.tradingDays * 0.05);
  });

  it('bad model -> gate rejects, naming the failed checks; every attempt is logged', async () => {
    const rejected = summary.gate.filter((d) => d.action === 'validate' && !d.approved);
    expect(rejected.length).toBeGreaterThan(0);
    for (const d of rejected) expect(d.checks.some((c) => c.status !== 'pass')).toBe(true);
    const gate = host.container.resolve(gateToken);
    const history = await gate.getHistory({ limit: 100 });
    expect(history.total).toBe(summary.gate.length);
    expect((await gate.verifyHistory()).ok).toBe(true);
    // a model that predicts the opposite of the truth on a crash-heavy validation set
    const predictions = Array.from({ length: 400 }, (_, i) => ({
      symbol: ['AAPL', 'XOM', 'JPM', 'PG'][i % 4] as string,
      regime: i % 3 === 0 ? 'crash' : 'normal',
      predictedLabel: i % 2,
      actualLabel: i % 5 === 0 ? i % 2 : 1 - (i % 2),
      confidence: 0.9,
    }));
    const report = await gate.validateModel('models/candidates/m0.json', { predictions });
    expect(report.approved).toBe(false);
    expect(report.details['gate.overall_accuracy']?.status).toBe('fail');
    expect(report.details['sectors.crash_accuracy']?.status).toBe('fail');
    expect(report.details['sectors.min_sector_accuracy']?.status).toBe('fail');
  });

  it('weak sector -> its errors are in the replay buffer and drawn for retraining', async () => {
    const weakest = summary.weakestSectors[0];
    expect(weakest).toBeDefined();
    const buffer = host.container.resolve(errorReplayBufferToken);
    const model = summary.liveModel;
    const buffered = await buffer.getBufferedSamples({ model });
    expect(buffered.every((b) => b.modelVersion === model)).toBe(true);
    const fromWeakest = buffered.filter((b) => sectorOf(b.symbol) === weakest!.sector);
    expect(fromWeakest.length).toBeGreaterThan(0);
    const drawn = await buffer.getReplaySamples(500, { seed: 1, model });
    expect(drawn.features.length).toBe(500);
    expect(summary.replay.stats.replayed).toBeGreaterThan(0);
  });

  it('the model has measured skill: better than always guessing, level with "next week like this week"', () => {
    const k = summary.skill;
    expect(k.rows).toBe(summary.resolved);
    expect(k.model).toBeGreaterThan((k.majority as number) + 0.1);
    // persistence is a strong baseline for volatility: the live record is within a point of it
    // (67.2% vs 66.4% in the shipped run), and the sign test over days finds no significant edge (p=0.24)
    expect(Math.abs((k.model as number) - (k.persistence as number))).toBeLessThan(0.01);
    expect(k.pBetterThanPersistence).toBeGreaterThan(0.05);
  });

  it('the gate approves candidates on their merits and rejects others for named reasons', () => {
    const validated = summary.gate.filter((d) => d.action === 'validate');
    const approved = validated.filter((d) => d.approved);
    expect(approved.length).toBeGreaterThanOrEqual(1);
    for (const d of approved) {
      // every required check passed, and the candidate went to production the same day
      expect(d.checks.map((c) => c.status)).toEqual(d.checks.map(() => 'pass'));
      expect(d.checks.map((c) => c.id).sort()).toEqual([
        'drift.drift_score',
        'gate.challenger_vs_champion',
        'gate.overall_accuracy',
        'replay.replay_improvement',
        'sectors.crash_accuracy',
        'sectors.min_sector_accuracy',
      ]);
      expect(summary.gate.some((p) => p.action === 'promote' && p.model === d.model && p.date === d.date)).toBe(true);
      // approval means significantly better than the live model on the same recent rows, paired by
      // trading day (the rows of one day are not independent), and better than the champion in shadow
      const replay = d.checks.find((c) => c.id === 'replay.replay_improvement');
      expect(replay?.value).toBeGreaterThan(0);
      expect(replay?.message).toMatch(
        /paired by day: better on \d+ of \d+ days vs \d+, sign test one-sided p=[^ ]+ < 0\.05/,
      );
      const shadow = d.checks.find((c) => c.id === 'gate.challenger_vs_champion');
      expect(shadow?.message).toMatch(/over \d+ paired rows on \d+ days: .* sign test one-sided p=[^ ]+ < 0\.05/);
    }
    const rejected = validated.filter((d) => !d.approved && d.model !== 'm0');
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    const reasons = new Set(
      rejected.flatMap((d) => d.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}:${c.status}`)),
    );
    // the reasons the history shows: not better than the live model, no crash evidence yet, worse than the champion
    expect(reasons).toContain('replay.replay_improvement:fail');
    // drift rejects none: judged like the monitor, persistent levels (VIX, pk_60d_rel) cannot be tested on 90 days
    // (reported apart, not counted), and no testable feature moves beyond its noise on more than 1 of 15
    expect(reasons).not.toContain('drift.drift_score:fail');
    expect(
      validated.some((d) =>
        /untestable, not counted: .*pk_60d_rel/.test(d.checks.find((c) => c.id === 'drift.drift_score')?.message ?? ''),
      ),
    ).toBe(true);
    // calibrated like the monitor, by trading days: the demo sends its training rows' days and
    // symbols, so a 90-day validation is a window of 90 steps (not 810 rows, each its own step,
    // which treats a day's common move across nine stocks as nine independent draws)
    const driftChecks = validated.map((d) => d.checks.find((c) => c.id === 'drift.drift_score')?.message ?? '');
    for (const m of driftChecks) expect(m).not.toMatch(/calibrated per row|optimistic/);
    expect(driftChecks.filter((m) => /training features vs validation features/.test(m)).length).toBeGreaterThan(10);
    expect(driftChecks[0]).toMatch(/^cannot replay windows of 90 steps inside a baseline of \d+ steps/);
    expect(reasons).toContain('sectors.crash_accuracy:insufficient');
    expect(reasons).toContain('gate.challenger_vs_champion:fail');
    // in-sample replay figures never approve: a candidate that is no better on recent rows fails
    for (const d of rejected) {
      const r = d.checks.find((c) => c.id === 'replay.replay_improvement');
      if (r?.status === 'fail') expect(r.message).toMatch(/paired by day: .* sign test/);
    }
  });

  it('the emergency path: an override during the crash, caught by the watch and rolled back', async () => {
    const overrides = summary.gate.filter((d) => d.action === 'override');
    expect(overrides.map((d) => d.model)).toEqual(['m0', expect.stringMatching(/-replay20$/)]);
    const emergency = overrides[1] as (typeof overrides)[number];
    // the gate had rejected it, for named reasons
    const its = summary.gate.find((d) => d.action === 'validate' && d.model === emergency.model);
    expect(its?.approved).toBe(false);
    expect(its?.checks.find((c) => c.id === 'gate.overall_accuracy')?.status).toBe('fail');
    const watch = summary.watches.find((w) => w.promoted === emergency.model);
    // the emergency path is shown end to end: the overridden model is worse live, and rolled back
    expect(watch).toMatchObject({ rolledBack: true });
    expect(watch?.pReplacedBetter).toBeLessThan(0.05);
    expect(watch?.promotedAccuracy).toBeLessThan(watch?.replacedAccuracy as number);
    const rollback = summary.gate.find((d) => d.action === 'rollback');
    expect(rollback?.model).toBe(watch?.replaced);
    // gate-approved promotions are watched too, and kept unless significantly worse
    for (const w of summary.watches.filter((x) => x.promoted !== emergency.model))
      expect(w.rolledBack).toBe(w.pReplacedBetter < 0.05);
    const history = await host.container.resolve(gateToken).getHistory({ limit: 500 });
    expect(history.entries.filter((e) => e.action === 'rollback')).toHaveLength(
      summary.gate.filter((d) => d.action === 'rollback').length,
    );
    expect(history.entries.filter((e) => e.action === 'override')).toHaveLength(2);
  });

  it('champion vs challenger: each candidate runs in shadow on live traffic before the gate judges it', async () => {
    const shadows = host.container.resolve(shadowRecordsToken);
    expect(summary.shadows.length).toBeGreaterThanOrEqual(3);
    const recorded = await shadows.list();
    const judged = new Set(summary.shadows.map((s) => s.model));
    for (const x of summary.shadows) expect(recorded.map((s) => s.model)).toContain(x.model);
    // a shadow not judged is the last one, cut short by the end of the history
    const unjudged = recorded.filter((s) => !judged.has(s.model));
    expect(unjudged.length).toBeLessThanOrEqual(1);
    for (const s of unjudged) expect(s.since > `${summary.shadows.at(-1)?.judged}`).toBe(true);
    for (const x of summary.shadows) {
      // observed for 25 trading days, judged once the last day's rows resolved (5 trading days later)
      expect(x.days).toBe(25);
      expect(x.rows).toBeGreaterThan(0);
      expect(x.rows).toBeLessThanOrEqual(x.days * 9);
      expect(tradingDaysBetween(x.to, x.judged)).toBe(5);
      // the summary's figures are the gate's record, recomputed from the prediction log
      const c = await shadows.compare((await shadows.find({ model: x.model }))!);
      expect(c).toMatchObject({
        rows: x.rows,
        days: x.days,
        challengerAccuracy: x.challengerAccuracy,
        championAccuracy: x.championAccuracy,
        pBetter: x.pBetter,
      });
      expect(c.shadow.active).toBe(false);
      // the gate's verdict on the candidate is the criterion's on that record
      const v = summary.gate.find((d) => d.action === 'validate' && d.model === x.model && d.date === x.judged);
      expect(v?.checks.find((k) => k.id === 'gate.challenger_vs_champion')?.status).toBe(x.status);
      // approved only if better than the champion in shadow (the demo requires it)
      if (v?.approved) expect(x.status).toBe('pass');
      // its predictions are in the log under its own model id and its own ids, never the live ones
      const own = await host.container
        .resolve(predictionLogToken)
        .range({ modelVersion: x.model, from: `${x.from}T00:00:00.000Z`, to: `${x.to}T23:59:59.999Z` });
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((p) => p.id.endsWith(`@${x.model}`))).toBe(true);
    }
    expect(summary.shadows.some((x) => x.status === 'pass')).toBe(true);
    expect(summary.shadows.some((x) => x.status === 'fail')).toBe(true);
    expect(formatSummary(summary)).toContain('Champion vs challenger');
  });

  it('every module logs to the database', async () => {
    const count = async (table: string) =>
      Number((await host.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    expect(await count('vigil_predictions')).toBe(summary.predictions + summary.shadowPredictions);
    expect(await count('drift_monitoring')).toBeGreaterThan(100);
    expect(await count('error_replay_buffer')).toBeGreaterThanOrEqual(summary.replay.stats.total);
    // the replay figures are the live model's own buffer
    const live = await host.dataSource.query(
      `SELECT COUNT(*) AS n FROM error_replay_buffer WHERE model_version = ${host.dataSource.options.type === 'postgres' ? '$1' : '?'}`,
      [summary.liveModel],
    );
    expect(Number(live[0].n)).toBe(summary.replay.stats.total);
    expect(await count('sector_performance')).toBe(summary.predictions + summary.shadowPredictions);
    expect(await count('model_promotion_history')).toBeGreaterThanOrEqual(summary.gate.length);
    expect(formatSummary(summary)).toContain('Promotion gate decisions:');
  });

  it('what is live is the modelVersion its predictions carry, as of each data day', async () => {
    const gate = host.container.resolve(gateToken);
    // every production change named its modelVersion; the rollback took m0's from the history of its bytes
    expect((await gate.productionNow())?.modelVersion).toBe(summary.liveModel);
    const production = (await gate.getHistory({ limit: 1000 })).entries
      .filter((e) => e.promotedToProduction)
      .map((e) => [e.action, e.modelVersion])
      .reverse();
    expect(production).toEqual([
      ['override', 'm0'],
      ['override', 'm4-replay20'],
      ['rollback', 'm0'],
      ['promote', 'm15'],
    ]);
    const live = host.container.resolve(liveModelsToken);
    const at = async (d: string) => (await live.at(`${d}T21:00:00.000Z`)).live;
    expect(await at('2015-08-21')).toBe('m0');
    expect(await at('2015-08-25')).toBe('m4-replay20');
    expect(await at('2016-01-04')).toBe('m0');
    expect(await at(summary.period.to)).toBe('m15');
    expect((await live.at('2018-02-01T21:00:00.000Z')).shadows).toEqual(['m18']);
  });
});
