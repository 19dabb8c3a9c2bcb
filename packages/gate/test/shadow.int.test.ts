import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isVigilError } from '@vigil/core';
import { type TestHost, createTestHost, testDatabases } from '@vigil/host/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CHALLENGER_CRITERION } from '../src/challengerCriterion.js';
import { gateMetrics } from '../src/gateMetrics.js';
import { gatePlugin } from '../src/plugin.js';
import { gateToken, shadowRecordsToken } from '../src/tokens.js';

const SYMBOLS = ['AAPL', 'MSFT', 'JPM', 'XOM', 'JNJ'];
const day = (d: number): string => new Date(Date.UTC(2020, 0, 1 + d)).toISOString().slice(0, 10);
const at = (d: number): string => `${day(d)}T21:00:00.000Z`;

/**
 * A day's five rows for both models. 'challenger': the challenger is right on all five, the
 * champion on four; 'champion': the other way round; 'tie': both right on four (on different
 * rows, so the row-level record differs but the day is a tie).
 */
type Verdict = 'challenger' | 'champion' | 'tie';

function rowsFor(
  days: readonly Verdict[],
  o: { offset?: number; champion?: string; challenger?: string } = {},
): {
  predictions: Record<string, unknown>[];
  outcomes: { id: string; actualLabel: number }[];
} {
  const predictions: Record<string, unknown>[] = [];
  const outcomes: { id: string; actualLabel: number }[] = [];
  days.forEach((v, i) => {
    const d = i + (o.offset ?? 0);
    SYMBOLS.forEach((symbol, s) => {
      const actual = (d + s) % 2;
      const championRight = v === 'champion' ? true : v === 'challenger' ? s !== 0 : s !== 0;
      const challengerRight = v === 'challenger' ? true : v === 'champion' ? s !== 0 : s !== 1;
      for (const [model, right] of [
        [o.champion ?? 'm1', championRight],
        [o.challenger ?? 'm2', challengerRight],
      ] as const) {
        const id = `${model}-${d}-${symbol}`;
        predictions.push({
          id,
          timestamp: at(d),
          symbol,
          regime: 'normal',
          features: { x: s },
          predictedLabel: right ? actual : 1 - actual,
          confidence: 0.7,
          modelVersion: model,
        });
        outcomes.push({ id, actualLabel: actual });
      }
    });
  });
  return { predictions, outcomes };
}

const verdicts = (challenger: number, champion: number, tie = 0): Verdict[] => [
  ...Array<Verdict>(challenger).fill('challenger'),
  ...Array<Verdict>(champion).fill('champion'),
  ...Array<Verdict>(tie).fill('tie'),
];

/** The error `p` rejects with, checked to be a VigilError. */
const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(isVigilError(e)).toBe(true);
  return e as { code: string; message: string; issues: { path: string }[] };
};

describe.each(testDatabases())('champion vs challenger in shadow, through the host (%s)', (database) => {
  let host: TestHost | undefined;
  let root: string;
  afterEach(async () => {
    await host?.dispose();
    host = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  const start = async (gate: object = {}) => {
    root = mkdtempSync(join(tmpdir(), 'vigil-shadow-'));
    mkdirSync(join(root, 'models'));
    writeFileSync(join(root, 'models', 'm2.json'), '{"v":2}');
    host = await createTestHost({
      database,
      plugins: [gatePlugin],
      config: {
        regimes: ['normal', 'crash'],
        plugins: {
          gate: {
            options: {
              root,
              modelsDir: 'models',
              required: ['gate.overall_accuracy'],
              challenger: { enabled: true },
              ...gate,
            },
          },
        },
      },
    });
    return { gate: host.container.resolve(gateToken), shadows: host.container.resolve(shadowRecordsToken) };
  };
  const feed = async (days: readonly Verdict[], o: Parameters<typeof rowsFor>[1] = {}) => {
    const { predictions, outcomes } = rowsFor(days, o);
    await (host as TestHost).observe(predictions as never);
    await (host as TestHost).resolve(outcomes);
  };
  const validate = (gate: Awaited<ReturnType<typeof start>>['gate'], extra: object = {}) =>
    gate.validateModel('models/m2.json', { accuracy: 0.9, ...extra });

  it('the criterion is off by default (not run, not reported); the shadow record is there either way', async () => {
    const { gate, shadows } = await start({ challenger: { enabled: false } });
    await shadows.start({ model: 'm2', champion: 'm1', modelPath: 'models/m2.json', since: at(0) });
    await feed(verdicts(15, 5));
    const r = await validate(gate);
    expect(r.results.map((x) => x.id)).toEqual(['gate.overall_accuracy']);
    expect((await shadows.compare((await shadows.list())[0]!)).daysChallengerBetter).toBe(15);
  });

  it('without a shadow record the criterion is insufficient and, optional by default, does not block', async () => {
    const { gate } = await start();
    const r = await validate(gate);
    expect(r.details[CHALLENGER_CRITERION]).toMatchObject({ status: 'insufficient', required: false });
    expect(r.details[CHALLENGER_CRITERION]?.message).toMatch(/no shadow record for this candidate/);
    expect(r.approved).toBe(true);
  });

  // The truth table at and around each threshold: paired days (minDays 20), the sign test over
  // days (one-sided, 0.05: 15 of 20 discordant days gives p=0.0207, 14 of 20 gives p=0.0577) and
  // the accuracy difference (> threshold).
  it.each([
    { name: '19 paired days (< minDays 20)', days: verdicts(15, 4), status: 'insufficient' },
    { name: '20 days, 15 vs 5: p=0.0207 < 0.05', days: verdicts(15, 5), status: 'pass', p: 0.020694732666015625 },
    { name: '20 days, 14 vs 6: p=0.0577 >= 0.05', days: verdicts(14, 6), status: 'fail', p: 0.057659149169921875 },
    {
      name: '22 days, 15 vs 5, 2 tied: ties do not vote',
      days: verdicts(15, 5, 2),
      status: 'pass',
      p: 0.020694732666015625,
    },
    { name: '20 days, 5 vs 15: the champion is better', days: verdicts(5, 15), status: 'fail' },
  ])('$name -> $status', async ({ days, status, p }) => {
    const { gate, shadows } = await start();
    await shadows.start({ model: 'm2', champion: 'm1', modelPath: 'models/m2.json', since: at(0) });
    await feed(days);
    const r = await validate(gate);
    const c = r.details[CHALLENGER_CRITERION] as NonNullable<(typeof r.details)[string]>;
    expect(c.status).toBe(status);
    expect(c.details).toMatchObject({ rows: days.length * 5, days: days.length, minDays: 20, significance: 0.05 });
    if (p !== undefined) expect((c.details as { pBetter: number }).pBetter).toBeCloseTo(p, 14);
    // evidence: both accuracies over the paired rows and the interval of their difference
    const d = c.details as { championAccuracy: number; challengerAccuracy: number; interval: unknown };
    const win = days.filter((v) => v === 'challenger').length;
    const lose = days.filter((v) => v === 'champion').length;
    const tie = days.length - win - lose;
    expect(d.challengerAccuracy).toBeCloseTo((win * 5 + lose * 4 + tie * 4) / (days.length * 5), 12);
    expect(d.championAccuracy).toBeCloseTo((win * 4 + lose * 5 + tie * 4) / (days.length * 5), 12);
    expect(d.interval).toHaveProperty('lower');
    // optional: whatever its verdict, the candidate is approved on the required criteria
    expect(r.approved).toBe(true);
  });

  it('the improvement must exceed the threshold: at it fails, just below it passes', async () => {
    const { gate, shadows } = await start({ thresholds: { [CHALLENGER_CRITERION]: 0.1 } });
    await shadows.start({ model: 'm2', champion: 'm1', modelPath: 'models/m2.json', since: at(0) });
    // 15 days +1 row, 5 days -1 row over 100 rows: improvement exactly 0.10
    await feed(verdicts(15, 5));
    const at10 = await validate(gate);
    expect(at10.details[CHALLENGER_CRITERION]?.value).toBeCloseTo(0.1, 12);
    expect(at10.details[CHALLENGER_CRITERION]?.status).toBe('fail');
  });

  it('just below the threshold it passes', async () => {
    const { gate, shadows } = await start({ thresholds: { [CHALLENGER_CRITERION]: 0.0999 } });
    await shadows.start({ model: 'm2', champion: 'm1', modelPath: 'models/m2.json', since: at(0) });
    await feed(verdicts(15, 5));
    expect((await validate(gate)).details[CHALLENGER_CRITERION]?.status).toBe('pass');
  });

  it('when required, too few paired days block approval, reported as insufficient', async () => {
    const { gate, shadows } = await start({ require: [CHALLENGER_CRITERION] });
    await shadows.start({ model: 'm2', champion: 'm1', since: at(0) });
    await feed(verdicts(10, 0));
    const r = await validate(gate, { shadowModel: 'm2' });
    expect(r.details[CHALLENGER_CRITERION]).toMatchObject({ status: 'insufficient', required: true });
    expect(r.approved).toBe(false);
    expect(r.reasons.join('\n')).toMatch(/10 trading days .*at least 20 paired days/);
  });

  it('counts only rows both models predicted, both resolved, inside [since, until)', async () => {
    const { gate, shadows } = await start();
    // 5 days before the shadow started: the challenger wins them all, and they must not count
    await feed(verdicts(5, 0));
    await shadows.start({ model: 'm2', champion: 'm1', modelPath: 'models/m2.json', since: at(5) });
    await feed(verdicts(15, 5), { offset: 5 });
    // after the stop: more wins that must not count
    await shadows.stop('m2', { until: at(25) });
    await feed(verdicts(5, 0), { offset: 25 });
    // a challenger row with no champion partner, and a pair left unresolved
    await (host as TestHost).observe([
      {
        id: 'lone',
        timestamp: at(10),
        symbol: 'IBM',
        regime: 'normal',
        features: { x: 1 },
        predictedLabel: 1,
        confidence: 0.6,
        modelVersion: 'm2',
      },
      {
        id: 'u1',
        timestamp: at(11),
        symbol: 'IBM',
        regime: 'normal',
        features: { x: 1 },
        predictedLabel: 1,
        confidence: 0.6,
        modelVersion: 'm1',
      },
      {
        id: 'u2',
        timestamp: at(11),
        symbol: 'IBM',
        regime: 'normal',
        features: { x: 1 },
        predictedLabel: 1,
        confidence: 0.6,
        modelVersion: 'm2',
      },
    ] as never);
    await (host as TestHost).resolve([{ id: 'lone', actualLabel: 1 }]);
    const c = await shadows.compare((await shadows.find({ model: 'm2' }))!);
    expect(c).toMatchObject({ rows: 100, days: 20, daysChallengerBetter: 15, daysChampionBetter: 5, mismatched: 0 });
    expect(c.unpaired).toEqual({ champion: 0, challenger: 1 });
    expect(c.byDay.map((d) => d.day)).toEqual(Array.from({ length: 20 }, (_, i) => day(i + 5)));
    expect((await validate(gate)).details[CHALLENGER_CRITERION]?.status).toBe('pass');
  });

  it('one day of many rows is one vote: a big day does not outweigh many small losses', async () => {
    const { shadows } = await start();
    await shadows.start({ model: 'm2', champion: 'm1', since: at(0) });
    // day 0: 40 symbols, the challenger right on all, the champion on none; days 1-19: the champion ahead by one row
    const big = Array.from({ length: 40 }, (_, s) => [
      {
        id: `a${s}`,
        timestamp: at(0),
        symbol: `S${s}`,
        regime: 'normal',
        features: { x: 1 },
        predictedLabel: 1,
        confidence: 0.6,
        modelVersion: 'm1',
      },
      {
        id: `b${s}`,
        timestamp: at(0),
        symbol: `S${s}`,
        regime: 'normal',
        features: { x: 1 },
        predictedLabel: 0,
        confidence: 0.6,
        modelVersion: 'm2',
      },
    ]).flat();
    await (host as TestHost).observe(big as never);
    await (host as TestHost).resolve(big.map((p) => ({ id: p.id, actualLabel: 0 })));
    await feed(verdicts(0, 19), { offset: 1 });
    const c = await shadows.compare((await shadows.find({ model: 'm2' }))!);
    // more rows right for the challenger overall (+40 - 19), yet it won 1 day of 20
    expect(c.improvement).toBeGreaterThan(0);
    expect(c).toMatchObject({ daysChallengerBetter: 1, daysChampionBetter: 19 });
    expect(c.pBetter).toBeGreaterThan(0.99);
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const { shadows } = await start();
    const same = await refusal(shadows.start({ model: 'm2', champion: 'm2' }));
    expect(same.issues.map((i) => i.path)).toEqual(['champion']);
    const bad = await refusal(shadows.start({ model: '', champion: 'm1', since: '2020-02-30' }));
    expect(bad.issues.map((i) => i.path)).toEqual(['model', 'since']);
    const outside = await refusal(shadows.start({ model: 'm2', champion: 'm1', modelPath: '../etc/passwd' }));
    expect(outside.issues.map((i) => i.path)).toContain('modelPath');
    expect(await shadows.list()).toEqual([]);
    await shadows.start({ model: 'm2', champion: 'm1', since: at(3) });
    expect((await refusal(shadows.start({ model: 'm2', champion: 'm1' }))).code).toBe('VIGIL_CONFLICT');
    expect((await refusal(shadows.stop('m3'))).code).toBe('VIGIL_NOT_FOUND');
    const early = await refusal(shadows.stop('m2', { until: at(1) }));
    expect(early.issues.map((i) => i.path)).toEqual(['until']);
    const [only] = await shadows.list();
    expect(only).toMatchObject({ model: 'm2', champion: 'm1', since: at(3), until: null, active: true });
    // the /metrics gauge lists the active shadows
    const gauge = gateMetrics((host as TestHost).dataSource, shadows).find(
      (m) => m.name === 'vigil_gate_shadow_active',
    );
    expect(await gauge?.collect()).toEqual([{ labels: { model: 'm2', champion: 'm1' }, value: 1 }]);
    const stopped = await shadows.stop('m2', { until: at(9), actor: 'ops' });
    expect(stopped).toMatchObject({ active: false, until: at(9), actor: 'ops' });
    expect(await shadows.list({ active: true })).toEqual([]);
    expect(await gauge?.collect()).toEqual([]);
    // once stopped, the same challenger may be observed again
    await shadows.start({ model: 'm2', champion: 'm1', since: at(10) });
    expect((await shadows.list()).map((s) => s.active)).toEqual([true, false]);
  });

  it('without a champion, starts against the model live at its since (data time); none live: refused naming champion', async () => {
    const { gate, shadows } = await start();
    for (const m of ['m1', 'm3']) writeFileSync(join(root, 'models', `${m}.json`), `{"v":"${m}"}`);
    // nothing promoted yet: no champion to default to, and nothing is written
    const none = await refusal(shadows.start({ model: 'm2', since: at(0) }));
    expect(none.code).toBe('VIGIL_INVALID_INPUT');
    expect(none.issues.map((i) => i.path)).toEqual(['champion']);
    expect(none.message).toMatch(/champion: not given, and no model is live at 2020-01-01T21:00:00\.000Z/);
    expect(await shadows.list()).toEqual([]);
    // m1 is promoted as of day 1, m3 as of day 5 (data times, recorded now)
    const live = async (m: string, d: number) => {
      const opts = { actor: 'ops', modelVersion: m, asOf: at(d) };
      expect((await gate.validateModel(`models/${m}.json`, { accuracy: 0.9 }, opts)).approved).toBe(true);
      await gate.promoteModel(`models/${m}.json`, opts);
    };
    await live('m1', 1);
    await live('m3', 5);
    // before day 1 nothing was live yet, whatever is live now
    expect((await refusal(shadows.start({ model: 'm2', since: at(0) }))).issues.map((i) => i.path)).toEqual([
      'champion',
    ]);
    // the model live at since, not the one live now
    expect(await shadows.start({ model: 'm2', since: at(3) })).toMatchObject({ champion: 'm1', since: at(3) });
    expect(await shadows.start({ model: 'm4', since: at(5) })).toMatchObject({ champion: 'm3', since: at(5) });
    // a named champion is kept as given
    expect(await shadows.start({ model: 'm5', champion: 'm1', since: at(6) })).toMatchObject({ champion: 'm1' });
    // the live model cannot shadow itself
    const self = await refusal(shadows.start({ model: 'm3', since: at(6) }));
    expect(self.issues.map((i) => i.path)).toEqual(['champion']);
    expect(self.message).toMatch(/the challenger itself/);
    expect((await shadows.list()).map((s) => `${s.model}:${s.champion}`)).toEqual(['m5:m1', 'm4:m3', 'm2:m1']);
  });
});
