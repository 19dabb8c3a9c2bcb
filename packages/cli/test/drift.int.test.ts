import { backtestDetector, backtestDrift } from '@vigil/drift';
import { testDatabases } from '@vigil/host/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliWorkspace, cliWorkspace, rng } from './cliHarness.js';

/** n rows of two features (ret ~ N(mu, sd), vol ~ N(1, 0.2)), a regime and a prediction, as JSON Lines. */
function rows(
  n: number,
  seed: number,
  o: { mu?: number; sd?: number; crashShare?: number; upShare?: number } = {},
): string {
  const r = rng(seed);
  return Array.from({ length: n }, () =>
    JSON.stringify({
      regime: r.uniform() < (o.crashShare ?? 0.2) ? 'crash' : 'normal',
      predictedLabel: r.uniform() < (o.upShare ?? 0.5) ? 1 : 0,
      confidence: 0.5 + r.uniform() / 2,
      features: { ret: (o.mu ?? 0) + (o.sd ?? 1) * r.normal(), vol: 1 + 0.2 * r.normal() },
    }),
  ).join('\n');
}

describe.each(testDatabases())('vigil drift (%s)', (database) => {
  let w: CliWorkspace;
  beforeAll(async () => {
    w = await cliWorkspace(database, () => 'plugins:\n  drift:\n    options: { windowSteps: 50 }\n');
  });
  afterAll(() => w?.cleanup());

  it('check before any baseline is a usage error', async () => {
    const r = await w.cli(['drift', 'check', w.file('early.jsonl', rows(50, 1))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no drift baseline is stored yet/);
  });

  it('baseline, then a same-distribution window exits 0 and a shifted one exits 1 naming what drifted', async () => {
    const base = await w.cli(['drift', 'baseline', '--json', w.file('baseline.jsonl', rows(400, 2))]);
    expect(base.code, base.stderr).toBe(0);
    const summary = JSON.parse(base.stdout);
    expect(summary).toMatchObject({ rows: 400, windowSize: 50, rule: 'calibrated', predictions: { count: 400 } });
    expect(summary.features.map((f: { name: string }) => f.name)).toEqual(['ret', 'vol']);
    expect(summary.regimes.crash).toBeGreaterThan(0.1);

    const same = await w.cli(['drift', 'check', w.file('same.csv', toCsv(rows(50, 3)))]);
    expect(same.code, same.stdout + same.stderr).toBe(0);
    expect(same.stdout).toMatch(/feature drift: none/);
    expect(same.stdout).toMatch(/regime drift: none/);
    expect(same.stdout).toMatch(/not written to drift_monitoring/);
    expect(same.stdout).toMatch(/\nno drift\n/);

    const shifted = await w.cli(['drift', 'check', '--json', w.file('shifted.jsonl', rows(50, 4, { mu: 1.5 }))]);
    expect(shifted.code).toBe(1);
    const report = JSON.parse(shifted.stdout);
    expect(report).toMatchObject({ driftDetected: true, window: 50, recorded: false });
    expect(report.feature.driftedFeatureNames).toEqual(['ret']);
    expect(report.regime.driftDetected).toBe(false);

    const crash = await w.cli([
      'drift',
      'check',
      w.file('crash.jsonl', rows(50, 5, { crashShare: 0.9, upShare: 0.1 })),
    ]);
    expect(crash.code).toBe(1);
    expect(crash.stdout).toMatch(/regime drift: DETECTED \(normal -> crash\)/);
    expect(crash.stdout).toMatch(/prediction drift: DETECTED/);
    expect(crash.stdout).toMatch(/feature drift: none/);

    // A longer window than the calibrated one is judged at its own size (design-effect thresholds follow the
    // window's size, nothing recalibrated), and --last takes the tail.
    const long = await w.cli([
      'drift',
      'check',
      '--json',
      w.file('long.jsonl', `${rows(100, 6)}\n${rows(100, 7, { mu: 2 })}`),
    ]);
    expect(long.code, long.stdout).toBe(1);
    expect(JSON.parse(long.stdout).calibrationNote).toBeNull();
    // a window of 200 is judged against a lower threshold than one of 50, feature by feature
    const judged = JSON.parse(long.stdout).feature.features as { feature: string; threshold: number }[];
    for (const f of judged)
      expect(f.threshold).toBeLessThan(
        summary.features.find((x: { name: string }) => x.name === f.feature).threshold as number,
      );
    const tail = await w.cli([
      'drift',
      'check',
      '--last',
      '50',
      '--json',
      w.file('tail.jsonl', `${rows(50, 7, { mu: 1.5 })}\n${rows(50, 3)}`),
    ]);
    expect(tail.code, tail.stdout).toBe(0);
    expect(JSON.parse(tail.stdout)).toMatchObject({
      rows: 100,
      window: 50,
      driftDetected: false,
      calibrationNote: null,
    });
  });

  it('a level that persists is untestable at the window size: the baseline and the check say so, and it never flags', async () => {
    // `level` moves like an index level (AR(1), phi 0.995): 50 rows of it are about one independent draw
    const r = rng(21);
    let level = 0;
    const lines = (n: number, shift = 0) =>
      Array.from({ length: n }, () => {
        level = 0.995 * level + Math.sqrt(1 - 0.995 ** 2) * r.normal();
        return JSON.stringify({ features: { ret: r.normal(), level: level + shift } });
      }).join('\n');
    const base = await w.cli(['drift', 'baseline', '--json', w.file('levelBase.jsonl', lines(600))]);
    expect(base.code, base.stderr).toBe(0);
    const summary = JSON.parse(base.stdout);
    const byName = (n: string) => summary.features.find((f: { name: string }) => f.name === n);
    expect(byName('level')).toMatchObject({ untestable: true });
    expect(byName('level').threshold).toBeGreaterThan(1);
    expect(byName('ret')).toMatchObject({ untestable: false });
    // the level far outside anything the baseline saw: D is 1, yet no verdict on it; ret unchanged
    const check = await w.cli(['drift', 'check', w.file('levelWin.jsonl', lines(50, 20))]);
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toMatch(/│ level +│ 1\.000 │.*│ untestable │ no +│/);
    const json = JSON.parse(
      (await w.cli(['drift', 'check', '--json', w.file('levelWin2.jsonl', lines(50, 20))])).stdout,
    );
    expect(json.feature.untestableFeatureNames).toEqual(['level']);
    expect(json.feature.driftDetected).toBe(false);
  });

  it('refuses a malformed window with the line of each problem, before checking anything', async () => {
    const good = rows(10, 9).split('\n');
    good[3] = JSON.stringify({ regime: 'normal', predictedLabel: 1, confidence: 0.7, features: { ret: 'x', vol: 1 } });
    good[6] = '{oops';
    const r = await w.cli(['drift', 'check', w.file('bad.jsonl', good.join('\n'))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 4: ret: must be a finite number, got "x"/);
    expect(r.stderr).toMatch(/line 7: not JSON/);
    const extra = await w.cli([
      'drift',
      'check',
      w.file('extra.csv', 'ret,vol,vix\n1,1,1\n2,2,2\n3,3,3\n4,4,4\n5,5,5\n'),
    ]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/vix: is not a baseline feature/);
  });
});

function toCsv(jsonl: string): string {
  const recs = jsonl.split('\n').map((l) => JSON.parse(l));
  return [
    'regime,predictedLabel,confidence,ret,vol',
    ...recs.map((r) => [r.regime, r.predictedLabel, r.confidence, r.features.ret, r.features.vol].join(',')),
  ].join('\n');
}

describe('vigil drift backtest', () => {
  let w: CliWorkspace;
  beforeAll(async () => {
    w = await cliWorkspace('sqlite-file', () => '{}\n');
  });
  afterAll(() => w?.cleanup());

  // 700 business days of returns with sd 1%, a volatility burst (sd 4%) on days 500-529.
  const r = rng(21);
  const days: { date: string; ret: number; vix: number }[] = [];
  for (let t = Date.UTC(2012, 0, 2); days.length < 700; t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    const burst = days.length >= 500 && days.length < 530;
    days.push({
      date: d.toISOString().slice(0, 10),
      ret: (burst ? 0.04 : 0.01) * r.normal(),
      vix: (burst ? 35 : 15) + r.normal(),
    });
  }
  const episode = { name: 'burst', start: days[500]!.date, end: days[529]!.date };

  it('reports per-episode delay, false-alarm rate and chance level as backtestDrift computes them', async () => {
    const file = w.file('history.csv', ['date,ret,vix', ...days.map((d) => `${d.date},${d.ret},${d.vix}`)].join('\n'));
    const res = await w.cli([
      'drift',
      'backtest',
      file,
      '--episodes',
      `${episode.name}:${episode.start}:${episode.end}`,
      '--baseline-size',
      '250',
      '--json',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    const direct = backtestDrift({
      rows: days.map((d) => ({ date: d.date, features: { ret: d.ret, vix: d.vix } })),
      detector: backtestDetector('recommended', ['ret', 'vix']),
      baselineSize: 250,
      episodes: [episode],
    });
    expect(out).toMatchObject({
      detector: 'recommended',
      features: ['ret', 'vix'],
      falseAlarmRate: direct.falseAlarmRate,
      chanceLevel: direct.chanceLevel,
      episodes: direct.episodes,
      alarms: direct.alarms,
    });
    expect(out.episodes[0]).toMatchObject({ name: 'burst', caught: true });
    expect(out.episodes[0].delay).toBeLessThanOrEqual(3);
    expect(out.falseAlarmRate).toBeLessThan(0.05);

    const text = await w.cli([
      'drift',
      'backtest',
      file,
      '--episodes',
      `${episode.name}:${episode.start}:${episode.end}`,
      '--detector',
      'spec',
      '--features',
      'ret',
    ]);
    expect(text.code, text.stderr).toBe(0);
    const spec = backtestDrift({
      rows: days.map((d) => ({ date: d.date, features: { ret: d.ret } })),
      detector: backtestDetector('spec', ['ret']),
      baselineSize: 250,
      episodes: [episode],
    });
    expect(text.stdout).toMatch(
      new RegExp(
        `│ burst\\s+│ ${episode.start}\\s+│ ${spec.episodes[0]!.firstAlarm ?? '-'}\\s+│ ${spec.episodes[0]!.delay ?? '-'}\\s+│ ${spec.episodes[0]!.status}\\s+│ ${spec.episodes[0]!.peakScore!.toFixed(2)}\\s+│`,
      ),
    );
    expect(text.stdout).toContain(
      "peak score: the detector's largest score on the episode's first 6 days (the largest KS D",
    );
    expect(text.stdout).toContain(`calm-day false alarms: ${(spec.falseAlarmRate * 100).toFixed(2)}%`);
    expect(text.stdout).toContain(
      `chance level (in drift within 5 days of a calm day): ${(spec.chanceLevel * 100).toFixed(1)}%`,
    );
    expect(text.stdout).toContain(
      'a calm day is a checked day outside every listed episode and 20 trading days either side of it\n',
    );
  });

  it('reports an episode the data cannot score as "not scorable" with a warning, never as a miss or a shifted start', async () => {
    const file = w.file('history2.csv', ['date,ret', ...days.map((d) => `${d.date},${d.ret}`)].join('\n'));
    const early = `early:${days[10]!.date}:${days[20]!.date}`;
    const res = await w.cli([
      'drift',
      'backtest',
      file,
      '--episodes',
      `${early},${episode.name}:${episode.start}:${episode.end}`,
      '--horizon',
      '3',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(
      `warning: episode 'early' (${days[10]!.date}) is not scorable: it starts before the first checked day`,
    );
    expect(res.stdout).toMatch(new RegExp(`│ early\\s+│ ${days[10]!.date}\\s+│ -\\s+│ -\\s+│ not scorable`));
    expect(res.stdout).toContain('caught 1 of 1 scorable episode(s) within 3 days (1 not scorable)');
  });

  it('refuses bad episodes, unknown features, unordered dates and too short a history with exit 2', async () => {
    const file = w.file('h.csv', ['date,ret', ...days.slice(0, 300).map((d) => `${d.date},${d.ret}`)].join('\n'));
    const bad = await w.cli(['drift', 'backtest', file, '--episodes', 'x:2015-01-01']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--episodes: "x:2015-01-01" must be name:from:to/);
    expect((await w.cli(['drift', 'backtest', file, '--features', 'vix'])).stderr).toMatch(
      /--features: vix not in the file/,
    );
    const swapped = w.file('s.csv', ['date,ret', `${days[1]!.date},0.1`, `${days[0]!.date},0.2`].join('\n'));
    const s = await w.cli(['drift', 'backtest', swapped]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/line 3: date .* is not after line 2/);
    const short = await w.cli(['drift', 'backtest', file, '--baseline-size', '400']);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/history too short/);
    expect((await w.cli(['drift', 'backtest', file, '--baseline-size', '5'])).code).toBe(2);
  });
});
