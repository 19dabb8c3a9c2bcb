import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PredictionRecord, dataSourceToken } from '@vigil/core';
import { makePredictions } from '@vigil/test-utils';
import { testDatabases } from '@vigil/host/testing';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withHost } from '../src/context.js';
import { type CliWorkspace, cliWorkspace, rng } from './cliHarness.js';

const FINANCIALS = new Set(['JPM', 'BAC']);
const Z = 1.959963984540054;

/** Wilson 95% interval, written out here so the CLI's figures are checked against an independent computation. */
function wilson(k: number, n: number): [number, number] {
  const p = k / n;
  const d = 1 + (Z * Z) / n;
  const c = (p + (Z * Z) / (2 * n)) / d;
  const h = (Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / d;
  return [c - h, c + h];
}

const configYaml = (dir: string) => `
plugins:
  replay:
    options: { symbolWindowDays: 0 }
  gate:
    options: { root: ${JSON.stringify(dir)}, modelsDir: models }
`;

describe.each(testDatabases())('vigil CLI, full pipeline (%s)', (database) => {
  let w: CliWorkspace;
  const predictions: PredictionRecord[] = makePredictions(400, { features: 3, seed: 11 });
  // Financials (JPM, BAC) right 35% of the time, everything else 65%; the last 40 stay unresolved.
  const r = rng(5);
  const outcomes = predictions.slice(0, 360).map((p) => {
    const right = r.uniform() < (FINANCIALS.has(p.symbol) ? 0.35 : 0.65);
    return { id: p.id, actualLabel: right ? p.predictedLabel : 1 - p.predictedLabel };
  });
  const actual = new Map(outcomes.map((o) => [o.id, o.actualLabel]));
  const wrong = predictions.filter((p) => actual.has(p.id) && actual.get(p.id) !== p.predictedLabel);

  beforeAll(async () => {
    w = await cliWorkspace(database, configYaml);
    const obs = await w.cli([
      'observe',
      '--no-progress',
      w.file('predictions.jsonl', predictions.map((p) => JSON.stringify(p)).join('\n')),
    ]);
    expect(obs.code, obs.stderr).toBe(0);
    const res = await w.cli([
      'resolve',
      '--no-progress',
      w.file('outcomes.jsonl', outcomes.map((o) => JSON.stringify(o)).join('\n')),
    ]);
    expect(res.code, res.stderr).toBe(0);
  });
  afterAll(() => w?.cleanup());

  it('sectors report: accuracy, Wilson interval and counts of a sector equal an independent count', async () => {
    const fin = predictions.filter((p) => FINANCIALS.has(p.symbol));
    const resolved = fin.filter((p) => actual.has(p.id));
    const correct = resolved.filter((p) => actual.get(p.id) === p.predictedLabel).length;
    const crash = resolved.filter((p) => p.regime === 'crash');
    const crashCorrect = crash.filter((p) => actual.get(p.id) === p.predictedLabel).length;

    const json = await w.cli(['sectors', 'report', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.sectors).toHaveLength(11);
    const s = report.sectors.find((x: { sector: string }) => x.sector === 'Financials');
    expect(s).toMatchObject({
      tracked: fin.length,
      resolved: resolved.length,
      correct,
      pending: fin.length - resolved.length,
    });
    expect(s.accuracy).toBeCloseTo(correct / resolved.length, 12);
    const [lo, hi] = wilson(correct, resolved.length);
    expect(s.ci[0]).toBeCloseTo(lo, 12);
    expect(s.ci[1]).toBeCloseTo(hi, 12);
    expect(s.byRegime.crash).toMatchObject({ resolved: crash.length, correct: crashCorrect });
    expect(report.weakest[0].sector).toBe('Financials');
    expect(report.sectors.find((x: { sector: string }) => x.sector === 'Utilities')).toMatchObject({
      resolved: 0,
      accuracy: null,
      ci: null,
    });

    const text = await w.cli(['sectors', 'report', '--symbols', 'Financials']);
    expect(text.code).toBe(0);
    const pctOf = (v: number) => `${(v * 100).toFixed(1)}%`;
    const row = text.stdout.split('\n').find((l) => l.includes('│ Financials'));
    expect(row).toContain(pctOf(correct / resolved.length));
    expect(row).toContain(`[${pctOf(lo)}, ${pctOf(hi)}]`);
    expect(text.stdout).toMatch(/weakest sectors[^\n]*\n\s+1\. Financials/);
    const jpm = predictions.filter((p) => p.symbol === 'JPM' && actual.has(p.id));
    const jpmRow = text.stdout.split('\n').find((l) => l.includes('│ JPM'));
    expect(jpmRow).toContain(pctOf(jpm.filter((p) => actual.get(p.id) === p.predictedLabel).length / jpm.length));
    expect(text.stdout).not.toContain('│ AAPL');

    const unknown = await w.cli(['sectors', 'report', '--symbols', 'Technology']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no sector "Technology"/);
  });

  it('replay stats counts the wrong predictions and the high-confidence ones among them', async () => {
    const res = await w.cli(['replay', 'stats', '--json', '--top', '5']);
    expect(res.code, res.stderr).toBe(0);
    const { stats, top } = JSON.parse(res.stdout);
    expect(stats.total).toBe(wrong.length);
    expect(stats.highConfidence).toBe(wrong.filter((p) => p.confidence > 0.8).length);
    expect(stats.avgConfidence).toBeCloseTo(wrong.reduce((s, p) => s + p.confidence, 0) / wrong.length, 9);
    const worst = [...wrong].sort((a, b) => b.confidence - a.confidence).slice(0, 5);
    expect(top.map((t: { confidence: number }) => t.confidence)).toEqual(worst.map((p) => p.confidence));

    const text = await w.cli(['replay', 'stats']);
    expect(text.stdout).toContain(`buffered errors: ${wrong.length} of 1000`);
    expect(text.stdout).toContain(`high-confidence errors (confidence > 0.8): ${stats.highConfidence} `);
  });

  it('replay export round-trips the buffer as JSON Lines and CSV; --sample exports a seeded draw with IS weights', async () => {
    const file = join(w.dir, 'errors.jsonl');
    const res = await w.cli(['replay', 'export', file]);
    expect(res.code, res.stderr).toBe(0);
    // the held-out part of the buffer (holdoutFraction, 20%) is never exported for training
    const { heldOutErrors } = JSON.parse((await w.cli(['replay', 'stats', '--json'])).stdout).stats;
    expect(heldOutErrors).toBeGreaterThan(0);
    expect(res.stdout).toContain(`wrote ${wrong.length - heldOutErrors} row(s)`);
    const rows = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // every row joins back to the caller's prediction by id and modelVersion, in observe's vocabulary
    const expected = new Map(wrong.map((p) => [p.id, p]));
    expect(rows).toHaveLength(wrong.length - heldOutErrors);
    for (const row of rows) {
      const p = expected.get(row.id) as PredictionRecord;
      expect(p, row.id).toBeDefined();
      expect(row).toMatchObject({
        id: p.id,
        modelVersion: p.modelVersion,
        symbol: p.symbol,
        timestamp: p.timestamp,
        regime: p.regime,
        predictedLabel: p.predictedLabel,
        actualLabel: actual.get(p.id),
        confidence: p.confidence,
        errorScore: p.confidence,
      });
      expect(Number.isInteger(row.bufferId)).toBe(true);
      expect(row.features).toEqual(p.features);
    }
    expect(rows.map((x) => x.errorScore)).toEqual([...rows.map((x) => x.errorScore)].sort((a, b) => b - a));

    const csv = await w.cli(['replay', 'export', '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const parsed = parseCsv(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(parsed[0] ?? {}).slice(0, 10)).toEqual([
      'id',
      'modelVersion',
      'bufferId',
      'symbol',
      'timestamp',
      'regime',
      'actualLabel',
      'predictedLabel',
      'confidence',
      'errorScore',
    ]);
    expect(
      parsed.map((c) => ({
        id: c.id,
        modelVersion: c.modelVersion,
        symbol: c.symbol,
        timestamp: c.timestamp,
        actualLabel: Number(c.actualLabel),
        confidence: Number(c.confidence),
        features: { f0: Number(c.f0), f1: Number(c.f1), f2: Number(c.f2) },
      })),
    ).toEqual(
      rows.map((x) => ({
        id: x.id,
        modelVersion: x.modelVersion,
        symbol: x.symbol,
        timestamp: x.timestamp,
        actualLabel: x.actualLabel,
        confidence: x.confidence,
        features: x.features,
      })),
    );

    // Prioritized sample: P(i) = score^0.6 / sum, w_i = (N P(i))^-0.4 / max_j w_j (the plugin's defaults).
    const sample = async () => {
      const s = await w.cli(['replay', 'export', '--sample', '40', '--seed', '7']);
      expect(s.code, s.stderr).toBe(0);
      return s.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    };
    const a = await sample();
    const b = await sample();
    expect(a).toHaveLength(40);
    expect(b.map((x) => x.id)).toEqual(a.map((x) => x.id));
    const total = rows.reduce((s, x) => s + x.errorScore ** 0.6, 0);
    const minP = Math.min(...rows.map((x) => x.errorScore ** 0.6 / total));
    const maxW = (rows.length * minP) ** -0.4;
    for (const d of a) {
      const p = d.errorScore ** 0.6 / total;
      expect(d.probability).toBeCloseTo(p, 12);
      expect(d.weight).toBeCloseTo((rows.length * p) ** -0.4 / maxW, 12);
    }
    const stats = JSON.parse((await w.cli(['replay', 'stats', '--json'])).stdout).stats;
    expect(stats.totalReplays).toBe(80);
  });

  it('gate: a bad model is rejected with its failed checks; promote, override, history, rollback and the hash chain', async () => {
    const models = join(w.dir, 'models');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(models, { recursive: true });
    writeFileSync(join(models, 'good.json'), '{"model":"good"}');
    writeFileSync(join(models, 'bad.json'), '{"model":"bad"}');
    const good = w.file(
      'good-validation.json',
      JSON.stringify({
        accuracy: 0.8,
        regimeAccuracy: { crash: 0.75 },
        sectorAccuracy: { Energy: 0.7, Financials: 0.66 },
        driftScore: 0.05,
        replayImprovement: 0.1,
      }),
    );
    const bad = w.file(
      'bad-validation.json',
      JSON.stringify({
        accuracy: 0.52,
        regimeAccuracy: { crash: 0.4 },
        sectorAccuracy: { Energy: 0.7, Financials: 0.3 },
        driftScore: 0.05,
        replayImprovement: 0.1,
      }),
    );

    const rejected = await w.cli(['gate', 'validate', 'models/bad.json', '--validation', bad]);
    expect(rejected.code, rejected.stderr).toBe(1);
    const line = (id: string) => rejected.stdout.split('\n').find((l) => l.includes(id)) ?? '';
    expect(line('gate.overall_accuracy')).toMatch(/FAIL.*0\.520.*0\.650/);
    expect(line('sectors.crash_accuracy')).toMatch(/FAIL.*0\.400.*0\.650/);
    expect(line('sectors.min_sector_accuracy')).toMatch(/FAIL.*0\.300.*0\.550/);
    expect(line('drift.drift_score')).toMatch(/PASS/);
    expect(rejected.stdout).toMatch(/REJECTED \(history row \d+/);

    const okJson = await w.cli([
      'gate',
      'validate',
      'models/good.json',
      '--validation',
      good,
      '--json',
      '--actor',
      'ci',
    ]);
    expect(okJson.code, okJson.stderr).toBe(0);
    const okReport = JSON.parse(okJson.stdout);
    expect(okReport).toMatchObject({ approved: true, recommendation: 'PROMOTE', actor: 'ci', action: 'validate' });
    expect(okReport.checks.map((c: { status: string }) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);

    const promoted = await w.cli(['gate', 'promote', 'models/good.json', '--model-version', 'good']);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(readFileSync(join(models, 'meta_learner_production.pkl'), 'utf8')).toBe('{"model":"good"}');
    const refused = await w.cli(['gate', 'promote', 'models/bad.json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/promotion refused: .*rejected by its latest validation/);

    const noReason = await w.cli(['gate', 'override', 'models/bad.json', '--actor', 'ana']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--reason/);
    const blank = await w.cli(['gate', 'override', 'models/bad.json', '--actor', 'ana', '--reason', '   ']);
    expect(blank.code).toBe(2);
    expect(readFileSync(join(models, 'meta_learner_production.pkl'), 'utf8')).toBe('{"model":"good"}');

    const override = await w.cli([
      'gate',
      'override',
      'models/bad.json',
      '--actor',
      'ana',
      '--reason',
      'vendor outage',
      '--model-version',
      'bad',
    ]);
    expect(override.code, override.stderr).toBe(0);
    expect(override.stdout).toMatch(/overridden checks:[\s\S]*gate\.overall_accuracy/);
    expect(readFileSync(join(models, 'meta_learner_production.pkl'), 'utf8')).toBe('{"model":"bad"}');

    const history = JSON.parse((await w.cli(['gate', 'history', '--json'])).stdout);
    const o = history.rows.find((x: { action: string }) => x.action === 'override');
    expect(o).toMatchObject({
      actor: 'ana',
      notes: 'vendor outage',
      modelPath: join(models, 'bad.json'),
      promotedToProduction: true,
      recommendation: 'REJECT',
    });
    expect(o.checks.find((c: { id: string }) => c.id === 'gate.overall_accuracy')).toMatchObject({
      status: 'fail',
      value: 0.52,
      threshold: 0.65,
    });
    expect(history.rows[0].id).toBe(o.id);
    expect((await w.cli(['gate', 'history', '--limit', '2', '--json'])).stdout).toContain(`"total": ${history.total}`);

    const rollback = await w.cli(['gate', 'rollback']);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(readFileSync(join(models, 'meta_learner_production.pkl'), 'utf8')).toBe('{"model":"good"}');

    const verified = await w.cli(['gate', 'verify']);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/history chain intact: \d+ row\(s\)/);

    // Tamper with the override row as someone with database access would.
    await withHost({ config: w.config, db: w.db, logLevel: 'silent' }, (host) =>
      host.container
        .resolve(dataSourceToken)
        .query(`UPDATE model_promotion_history SET notes = 'routine' WHERE id = ${o.id}`),
    );
    const broken = await w.cli(['gate', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`history chain BROKEN at row ${o.id}`);
    expect(JSON.parse((await w.cli(['gate', 'verify', '--json'])).stdout)).toMatchObject({
      ok: false,
      firstBadId: o.id,
    });
    expect(existsSync(join(models, 'backups'))).toBe(true);
  });

  it('a second model: reports without --model exit 2 listing both; --model answers for that model alone', async () => {
    const m2 = makePredictions(30, { features: 3, seed: 12, modelVersion: 'm2', idPrefix: 'm2-' });
    expect(
      (await w.cli(['observe', '--no-progress', w.file('m2.jsonl', m2.map((p) => JSON.stringify(p)).join('\n'))])).code,
    ).toBe(0);
    const out = m2.map((p, i) => ({ id: p.id, actualLabel: i % 2 ? p.predictedLabel : 1 - p.predictedLabel }));
    expect(
      (await w.cli(['resolve', '--no-progress', w.file('m2o.jsonl', out.map((o) => JSON.stringify(o)).join('\n'))]))
        .code,
    ).toBe(0);
    for (const args of [
      ['sectors', 'report'],
      ['replay', 'stats'],
      ['replay', 'export', '-'],
    ]) {
      const r = await w.cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--model: the data holds 2 models \(m1, m2\)/);
    }
    const one = JSON.parse((await w.cli(['sectors', 'report', '--model', 'm2', '--json'])).stdout);
    expect(one.model).toBe('m2');
    expect(one.sectors.reduce((a: number, x: { resolved: number }) => a + x.resolved, 0)).toBe(30);
    expect(one.sectors.reduce((a: number, x: { correct: number }) => a + x.correct, 0)).toBe(15);
    const first = JSON.parse((await w.cli(['sectors', 'report', '--model', 'm1', '--json'])).stdout);
    expect(first.sectors.reduce((a: number, x: { resolved: number }) => a + x.resolved, 0)).toBe(360);
    const stats = JSON.parse((await w.cli(['replay', 'stats', '--model', 'm2', '--json'])).stdout);
    expect(stats.model).toBe('m2');
    expect(stats.stats.total).toBe(15);
    expect(
      stats.top.every((t: { id: string; modelVersion: string }) => t.id.startsWith('m2-') && t.modelVersion === 'm2'),
    ).toBe(true);
  });
});
