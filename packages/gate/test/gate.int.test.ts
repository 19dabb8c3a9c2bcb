import { type ValidationPrediction, defineCriterion, definePlugin, isVigilError } from '@vigil/core';
import { type TestHost, createTestDatabase, createTestHost, testDatabases } from '@vigil/host/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gatePlugin, gateToken } from '../src/index.js';
import { B, goodFigures, standIns, workspace } from './fixtures.js';

describe.each(testDatabases())('gate validateModel on %s', (database) => {
  let ws: ReturnType<typeof workspace>;
  let host: TestHost;
  let candidate: string;
  const start = async (config: Record<string, unknown> = {}, plugins = [gatePlugin, ...standIns]) => {
    host = await createTestHost({
      database,
      plugins,
      config: { plugins: { gate: { options: ws.options }, ...config } },
    });
    return host.container.resolve(gateToken);
  };
  const rows = async () =>
    (await host.dataSource.query('SELECT * FROM model_promotion_history ORDER BY id')) as Record<string, unknown>[];

  beforeEach(() => {
    ws = workspace();
    candidate = ws.write('candidate_v2.pkl', 'model bytes v2');
  });
  afterEach(async () => {
    await host?.dispose();
    ws.cleanup();
  });

  it('approves a model that meets all five spec criteria', async () => {
    const gate = await start();
    const r = await gate.validateModel(candidate, goodFigures());
    expect(r).toMatchObject({ approved: true, recommendation: 'PROMOTE', checksFailed: [], reasons: [] });
    expect([...r.checksPassed].sort()).toEqual(Object.values(B).sort());
    expect(r.details[B.overallAccuracy]).toMatchObject({ status: 'pass', value: 0.7, threshold: 0.65, required: true });
    expect(r.details[B.crashAccuracy]).toMatchObject({ status: 'pass', value: 0.68, threshold: 0.65 });
    expect(r.details[B.minSectorAccuracy]).toMatchObject({ status: 'pass', value: 0.58, threshold: 0.55 });
    expect(r.details[B.driftScore]).toMatchObject({ status: 'pass', value: 0.08, threshold: 0.2 });
    expect(r.details[B.replayImprovement]).toMatchObject({ status: 'pass', value: 0.02, threshold: 0 });
    expect(r.modelSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['overall accuracy < 65%', { accuracy: 0.64 }, B.overallAccuracy, 0.64],
    ['overall accuracy exactly 65% (the spec says > 65%)', { accuracy: 0.65 }, B.overallAccuracy, 0.65],
    ['crash accuracy < 65%', { regimeAccuracy: { normal: 0.8, crash: 0.6 } }, B.crashAccuracy, 0.6],
    [
      'any sector < 55%',
      { sectorAccuracy: { 'Information Technology': 0.8, Financials: 0.54, Energy: 0.7 } },
      B.minSectorAccuracy,
      0.54,
    ],
    ['drift score >= 0.20', { driftScore: 0.25 }, B.driftScore, 0.25],
    ['no replay improvement', { replayImprovement: 0 }, B.replayImprovement, 0],
  ])('rejects a model with %s', async (_label, over, failed, value) => {
    const gate = await start();
    const r = await gate.validateModel(candidate, goodFigures(over));
    expect(r.approved).toBe(false);
    expect(r.recommendation).toBe('REJECT');
    expect(r.checksFailed).toEqual([failed]);
    expect(r.details[failed]).toMatchObject({ status: 'fail', value });
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]).toContain(failed);
  });

  it('computes overall, crash and sector accuracy from raw validation predictions', async () => {
    const gate = await start();
    const preds: ValidationPrediction[] = [];
    const symbols = ['AAPL', 'JPM', 'XOM', 'JNJ'];
    // 400 predictions: 70% right overall; crash rows 75% right; JNJ (Health Care) 50% right.
    for (let i = 0; i < 400; i++) {
      const symbol = symbols[i % 4] as string;
      const regime = i % 5 === 0 ? 'crash' : 'normal';
      const right = symbol === 'JNJ' ? i % 8 < 4 : i % 10 < 8;
      preds.push({ symbol, regime, predictedLabel: 1, actualLabel: right ? 1 : 0, confidence: 0.7 });
    }
    const ok = preds.filter((p) => p.predictedLabel === p.actualLabel).length / preds.length;
    const r = await gate.validateModel(candidate, { predictions: preds, driftScore: 0.1, replayImprovement: 0.01 });
    expect(r.details[B.overallAccuracy]).toMatchObject({
      status: ok > 0.65 ? 'pass' : 'fail',
      value: ok,
      details: { source: 'predictions', total: 400 },
    });
    expect(r.details[B.minSectorAccuracy]).toMatchObject({
      status: 'fail',
      value: 0.5,
      details: { worst: 'Health Care' },
    });
    expect(r.approved).toBe(false);
    expect(r.checksFailed).toEqual([B.minSectorAccuracy]);
  });

  it('calls too few raw predictions insufficient, which rejects', async () => {
    const gate = await start({ gate: { options: { ...ws.options, minSamples: 50 } } });
    const preds = Array.from({ length: 49 }, () => ({
      symbol: 'AAPL',
      regime: 'normal',
      predictedLabel: 1,
      actualLabel: 1,
      confidence: 0.9,
    }));
    const r = await gate.validateModel(candidate, { ...goodFigures(), accuracy: undefined, predictions: preds });
    expect(r.details[B.overallAccuracy]).toMatchObject({
      status: 'insufficient',
      value: 1,
      message: expect.stringContaining('only 49'),
    });
    expect(r.approved).toBe(false);
  });

  it('logs every attempt, approved or not, with the spec columns and the audit columns', async () => {
    const gate = await start();
    const a = await gate.validateModel(candidate, goodFigures(), { actor: 'trainer', notes: 'nightly' });
    const b = await gate.validateModel(candidate, goodFigures({ regimeAccuracy: { crash: 0.5 } }));
    await expect(gate.validateModel('../outside.pkl', goodFigures())).rejects.toThrow(/outside the models directory/);
    const all = await rows();
    expect(all).toHaveLength(3);
    expect(all[0]).toMatchObject({
      id: a.historyId,
      model_path: candidate,
      approved: 1,
      actor: 'trainer',
      notes: 'nightly',
      action: 'validate',
      model_sha256: a.modelSha256,
    });
    expect(Number(all[0]!.overall_accuracy)).toBe(0.7);
    expect(Number(all[0]!.crash_accuracy)).toBe(0.68);
    expect(Number(all[0]!.min_sector_accuracy)).toBe(0.58);
    expect(Number(all[0]!.drift_score)).toBe(0.08);
    expect(Number(all[0]!.replay_improvement)).toBe(0.02);
    expect(Number(all[0]!.promoted_to_production)).toBe(0);
    expect(JSON.parse(all[1]!.checks_failed as string)).toEqual([B.crashAccuracy]);
    expect(Number(all[1]!.approved)).toBe(0);
    expect(
      JSON.parse(all[1]!.criteria_json as string).results.find((x: { id: string }) => x.id === B.crashAccuracy),
    ).toMatchObject({ status: 'fail', value: 0.5 });
    expect(all[2]).toMatchObject({ model_path: '../outside.pkl', action: 'validate', model_sha256: null });
    expect(Number(all[2]!.approved)).toBe(0);
    expect(all[2]!.notes).toContain('refused');
    expect(b.historyId).toBe(2);
    expect(await gate.verifyHistory()).toMatchObject({ ok: true, rows: 3 });
    const latest = await gate.getLatestReport();
    expect(latest).toMatchObject({ historyId: 3, approved: false, recommendation: 'REJECT', checksFailed: ['input'] });
    expect(latest?.reasons[0]).toContain('outside the models directory');
    const second = (await gate.getHistory({ limit: 1, offset: 1 })).entries[0];
    expect(
      (second!.criteria as { results: { id: string; status: string }[] }).results.find((x) => x.id === B.crashAccuracy),
    ).toMatchObject({ status: 'fail', value: 0.5 });
    const page = await gate.getHistory({ limit: 2, offset: 0 });
    expect(page.total).toBe(3);
    expect(page.entries.map((e) => e.id)).toEqual([3, 2]);
    expect(page.entries[1]).toMatchObject({
      approved: false,
      crashAccuracy: 0.5,
      checksFailed: [B.crashAccuracy],
      action: 'validate',
    });
  });

  it('rejects with the error in details when a criterion throws', async () => {
    const broken = definePlugin({
      id: 'drift',
      deps: {},
      init: () => ({
        criteria: [
          defineCriterion({
            id: B.driftScore,
            description: 'drift',
            requiredByDefault: true,
            async evaluate() {
              throw new Error('baseline window empty');
            },
          }),
        ],
      }),
    });
    const gate = await start({}, [gatePlugin, standIns[0], standIns[2], broken]);
    const r = await gate.validateModel(candidate, goodFigures());
    expect(r.approved).toBe(false);
    expect(r.checksFailed).toEqual([B.driftScore]);
    expect(r.details[B.driftScore]).toMatchObject({
      status: 'error',
      message: `criterion '${B.driftScore}' threw: baseline window empty`,
    });
    expect(r.reasons[0]).toContain('baseline window empty');
  });

  it('a disabled plugin takes its criteria out of the required set, and the report names them', async () => {
    const gate = await start({ drift: { enabled: false } }, [gatePlugin, standIns[0], standIns[1]]);
    const r = await gate.validateModel(candidate, goodFigures());
    expect(r.approved).toBe(true);
    expect([...r.checksPassed].sort()).toEqual([B.crashAccuracy, B.overallAccuracy, B.minSectorAccuracy].sort());
    expect(r.details[B.driftScore]).toMatchObject({
      status: 'insufficient',
      required: false,
      details: { missing: true, disabled: true, plugin: 'drift' },
    });
    expect(r.details[B.driftScore]?.message).toBe(
      `criterion '${B.driftScore}' was not evaluated: plugin 'drift', which provides it, is disabled; enable drift to run it`,
    );
  });

  it('fails start, naming the plugin and the fix, when config requires a criterion no enabled plugin provides', async () => {
    const err = await start(
      { drift: { enabled: false }, gate: { options: { ...ws.options, require: [B.driftScore, B.replayImprovement] } } },
      [gatePlugin, standIns[0], standIns[1]],
    ).catch((e) => e);
    expect(isVigilError(err, 'VIGIL_PLUGIN_WIRING')).toBe(true);
    expect(err.message).toContain(
      `plugins.gate.options.require: '${B.driftScore}' is required but plugin 'drift', which provides it, is disabled; enable drift, or remove it from plugins.gate.options.require`,
    );
    expect(err.message).toContain(
      `'${B.replayImprovement}' is required but plugin 'replay', which provides it, is not installed`,
    );
  });

  it('lets config drop a criterion from required (it then only reports) and move thresholds', async () => {
    const required = [B.overallAccuracy, B.crashAccuracy, B.minSectorAccuracy, B.driftScore];
    const gate = await start({
      gate: {
        options: { ...ws.options, required, thresholds: { [B.overallAccuracy]: 0.75, [B.replayImprovement]: -0.05 } },
      },
    });
    const r = await gate.validateModel(candidate, goodFigures({ accuracy: 0.8, replayImprovement: -0.1 }));
    expect(r.approved).toBe(true);
    expect(r.checksFailed).toEqual([B.replayImprovement]);
    expect(r.details[B.replayImprovement]).toMatchObject({ status: 'fail', required: false, threshold: -0.05 });
    expect(r.details[B.overallAccuracy]).toMatchObject({ status: 'pass', threshold: 0.75 });
    const r2 = await gate.validateModel(candidate, goodFigures({ accuracy: 0.74 }));
    expect(r2).toMatchObject({ approved: false, checksFailed: [B.overallAccuracy] });
  });

  it('a criterion that never answers is an error after criterionTimeoutMs, and rejects', async () => {
    const stuck = definePlugin({
      id: 'replay',
      deps: {},
      init: () => ({
        criteria: [
          defineCriterion({
            id: B.replayImprovement,
            description: 'hangs',
            requiredByDefault: true,
            evaluate: () => new Promise(() => undefined),
          }),
        ],
      }),
    });
    const gate = await start({ gate: { options: { ...ws.options, criterionTimeoutMs: 50 } } }, [
      gatePlugin,
      standIns[0],
      standIns[1],
      stuck,
    ]);
    const r = await gate.validateModel(candidate, goodFigures());
    expect(r).toMatchObject({ approved: false, checksFailed: [B.replayImprovement] });
    expect(r.details[B.replayImprovement]).toMatchObject({
      status: 'error',
      message: expect.stringContaining('did not answer within 50 ms'),
    });
  });

  it('keeps the row when a criterion returns details JSON cannot hold', async () => {
    const odd = definePlugin({
      id: 'replay',
      deps: {},
      init: () => ({
        criteria: [
          defineCriterion({
            id: B.replayImprovement,
            description: 'odd',
            requiredByDefault: true,
            async evaluate() {
              return { status: 'pass', value: 0.1, message: 'ok', details: { n: 10n } };
            },
          }),
        ],
      }),
    });
    const gate = await start({}, [gatePlugin, standIns[0], standIns[1], odd]);
    const r = await gate.validateModel(candidate, goodFigures());
    expect(r.approved).toBe(true);
    const stored = (await gate.getHistory({ limit: 1 })).entries[0]?.criteria as {
      results: { id: string; details: Record<string, string> }[];
    };
    expect(stored.results.find((x) => x.id === B.replayImprovement)?.details.unserializable).toContain(
      'could not be stored as JSON',
    );
  });

  it('getHistory refuses bad paging', async () => {
    const gate = await start();
    for (const q of [{ limit: 0 }, { limit: 1.5 }, { offset: -1 }])
      expect(isVigilError(await gate.getHistory(q).catch((e) => e), 'VIGIL_INVALID_INPUT')).toBe(true);
  });

  it('a third-party criterion registered by its own plugin changes the decision', async () => {
    const maxTurnover = defineCriterion({
      id: 'acme.max_turnover',
      description: 'daily turnover implied by the predictions stays under the threshold',
      defaultThreshold: 0.3,
      requiredByDefault: false,
      async evaluate({ validation, threshold = 0.3 }) {
        const t = validation.turnover as number;
        return { status: t < threshold ? 'pass' : 'fail', value: t, threshold, message: `turnover ${t}` };
      },
    });
    const acme = definePlugin({ id: 'acme', deps: {}, init: () => ({ criteria: [maxTurnover] }) });
    // optional by default: it reports but does not decide until config requires it
    const optional = await start({}, [gatePlugin, ...standIns, acme]);
    expect(
      (await optional.validateModel(candidate, goodFigures({ turnover: 0.5 }))).details['acme.max_turnover'],
    ).toMatchObject({ status: 'fail', required: false });
    await host.dispose();
    const gate = await start({ gate: { options: { ...ws.options, require: ['acme.max_turnover'] } } }, [
      gatePlugin,
      ...standIns,
      acme,
    ]);
    expect((await gate.validateModel(candidate, goodFigures({ turnover: 0.1 }))).approved).toBe(true);
    const r = await gate.validateModel(candidate, goodFigures({ turnover: 0.5 }));
    expect(r).toMatchObject({ approved: false, checksFailed: ['acme.max_turnover'] });
  });

  it('refuses bad input with a VigilError naming the field, and logs the attempt as rejected', async () => {
    const gate = await start();
    const cases: [string, () => Promise<unknown>, string, string][] = [
      [
        'fraction out of range',
        () => gate.validateModel(candidate, goodFigures({ accuracy: 1.2 })),
        'VIGIL_INVALID_INPUT',
        'validation.accuracy',
      ],
      [
        'NaN sector',
        () => gate.validateModel(candidate, goodFigures({ sectorAccuracy: { Energy: Number.NaN } })),
        'VIGIL_INVALID_INPUT',
        'validation.sectorAccuracy.Energy',
      ],
      [
        'label not configured',
        () =>
          gate.validateModel(candidate, {
            predictions: [{ symbol: 'A', regime: 'normal', predictedLabel: 2, actualLabel: 1, confidence: 0.5 }],
          }),
        'VIGIL_INVALID_INPUT',
        'validation.predictions[0].predictedLabel',
      ],
      ['no figures at all', () => gate.validateModel(candidate, {}), 'VIGIL_INVALID_INPUT', 'validation'],
      [
        'missing model',
        () => gate.validateModel(`${ws.models}/nope.pkl`, goodFigures()),
        'VIGIL_NOT_FOUND',
        'modelPath',
      ],
      [
        'escaping path',
        () => gate.validateModel(`${ws.models}/../../etc/passwd`, goodFigures()),
        'VIGIL_PATH_REFUSED',
        'modelPath',
      ],
      ['absolute outside', () => gate.validateModel('/etc/hostname', goodFigures()), 'VIGIL_PATH_REFUSED', 'modelPath'],
    ];
    for (const [label, run, code, path] of cases) {
      const err = (await run().catch((e) => e)) as { issues: { path: string }[] };
      expect(isVigilError(err, code as never), `${label}: ${err}`).toBe(true);
      expect(
        err.issues.map((i) => i.path),
        label,
      ).toContain(path);
    }
    const all = await rows();
    expect(all).toHaveLength(cases.length);
    expect(all.every((r) => Number(r.approved) === 0 && JSON.parse(r.checks_failed as string)[0] === 'input')).toBe(
      true,
    );
    expect(all[0]!.model_sha256).toBeNull();
  });

  it('refuses a symlink that resolves outside the models directory', async () => {
    const { symlinkSync, writeFileSync } = await import('node:fs');
    writeFileSync(`${ws.root}/secret.pkl`, 'not a model');
    symlinkSync(`${ws.root}/secret.pkl`, `${ws.models}/sneaky.pkl`);
    const gate = await start();
    const err = await gate.validateModel(`${ws.models}/sneaky.pkl`, goodFigures()).catch((e) => e);
    expect(isVigilError(err, 'VIGIL_PATH_REFUSED')).toBe(true);
    expect(err.message).toContain('symlink');
  });

  it('fails start on out-of-range thresholds from config and on duplicate criterion ids, naming the plugin', async () => {
    const err = await start({ gate: { options: { ...ws.options, thresholds: { [B.overallAccuracy]: 65 } } } }).catch(
      (e) => e,
    );
    expect(isVigilError(err, 'VIGIL_PLUGIN_WIRING')).toBe(true);
    expect(err.message).toContain("plugin 'gate'");
    expect(err.message).toContain(
      `plugins.gate.options.thresholds.${B.overallAccuracy}: must be a number in [0, 1], got 65`,
    );

    const dup = definePlugin({
      id: 'copycat',
      deps: {},
      init: () => ({
        criteria: [
          defineCriterion({
            id: B.driftScore,
            description: 'again',
            requiredByDefault: true,
            async evaluate() {
              return { status: 'pass', message: 'always' };
            },
          }),
        ],
      }),
    });
    const e2 = await start({}, [gatePlugin, ...standIns, dup]).catch((e) => e);
    expect(isVigilError(e2, 'VIGIL_DUPLICATE_CRITERION')).toBe(true);
    expect(e2.message).toBe(
      `plugin 'copycat': gate criterion '${B.driftScore}' is already registered by plugin 'drift'; each id must be registered once (rename one, or disable one of the plugins)`,
    );
  });
});

describe('gate on an existing spec table', () => {
  it('adds its audit columns to a model_promotion_history made by the original schema script, keeping old rows', async () => {
    const db = await createTestDatabase('sqlite-file');
    const ws = workspace();
    const bare = await createTestHost({ database: db, plugins: [] });
    await bare.dataSource.query(
      `CREATE TABLE model_promotion_history (id INTEGER PRIMARY KEY AUTOINCREMENT, model_path TEXT NOT NULL, validation_timestamp TEXT NOT NULL, approved INTEGER NOT NULL, overall_accuracy REAL, crash_accuracy REAL, min_sector_accuracy REAL, drift_score REAL, replay_improvement REAL, checks_passed TEXT, checks_failed TEXT, promoted_to_production INTEGER DEFAULT 0, notes TEXT)`,
    );
    await bare.dataSource.query(
      `INSERT INTO model_promotion_history (model_path, validation_timestamp, approved, overall_accuracy) VALUES ('old.pkl', '2025-01-01T00:00:00', 1, 0.7)`,
    );
    await bare.stop();
    const host = await createTestHost({
      database: db,
      plugins: [gatePlugin, ...standIns],
      config: { plugins: { gate: { options: ws.options } } },
    });
    try {
      const gate = host.container.resolve(gateToken);
      const r = await gate.validateModel(ws.write('m.pkl', 'x'), goodFigures());
      expect(r.historyId).toBe(2);
      expect(await gate.verifyHistory()).toMatchObject({ ok: true, rows: 1, legacyRows: 1 });
      expect((await gate.getHistory()).entries.map((e) => e.modelPath)).toEqual([r.modelPath, 'old.pkl']);
    } finally {
      await host.dispose();
      await db.cleanup();
      ws.cleanup();
    }
  });
});
