import { makePredictions } from '@vigil/test-utils';
import { testDatabases } from '@vigil/host/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseExposition, value } from './exposition.js';
import { AUTH, BAD_VALIDATION, GOOD_VALIDATION, type Served, post, serve, writeModel } from './helpers.js';

describe.each(testDatabases())('GET /metrics on %s', (database) => {
  let s: Served;
  beforeEach(async () => {
    s = await serve(database);
  });
  afterEach(() => s.close());

  const scrape = async () => {
    const r = await s.app.inject({ method: 'GET', url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(r.body);
  };

  it('reports the figures the API reports: accuracy by sector and regime, buffer, gate decisions, production, host counts', async () => {
    const recs = makePredictions(120, { seed: 7 });
    expect((await post(s.app, '/api/observe', { records: recs })).statusCode).toBe(200);
    const outcomes = recs
      .slice(0, 90)
      .map((r, i) => ({ id: r.id, actualLabel: i % 4 === 0 ? 1 - r.predictedLabel : r.predictedLabel }));
    expect((await post(s.app, '/api/resolve', { outcomes })).statusCode).toBe(200);
    const good = writeModel(s, 'good.json', '{"w":[1]}');
    const bad = writeModel(s, 'bad.json', '{"w":[2]}');
    const v = (await post(s.app, '/api/gate/validate', { modelPath: good, validation: GOOD_VALIDATION })).json();
    expect(v.approved).toBe(true);
    expect(
      (await post(s.app, '/api/gate/validate', { modelPath: bad, validation: BAD_VALIDATION })).json().approved,
    ).toBe(false);
    const promoted = (await post(s.app, '/api/gate/promote', { modelPath: good, modelVersion: 'm1' }, AUTH)).json();

    const m = await scrape();
    for (const [name, f] of m) {
      expect(f.help.length, `${name} has help`).toBeGreaterThan(0);
      expect(f.type, `${name} has a type`).not.toBe('');
    }

    // sectors: every sector and regime the API lists, the same counts and accuracy
    const api = (await s.app.inject({ method: 'GET', url: '/api/sectors' })).json() as {
      sectors: {
        sector: string;
        resolved: number;
        correct: number;
        accuracy: number | null;
        byRegime: Record<string, { resolved: number; correct: number; accuracy: number | null }>;
      }[];
    };
    let checked = 0;
    for (const sec of api.sectors.filter((x) => x.resolved > 0)) {
      expect(value(m, 'vigil_sectors_resolved', { model: 'm1', sector: sec.sector, regime: 'all' })).toBe(sec.resolved);
      expect(value(m, 'vigil_sectors_correct', { model: 'm1', sector: sec.sector, regime: 'all' })).toBe(sec.correct);
      expect(value(m, 'vigil_sectors_accuracy', { model: 'm1', sector: sec.sector, regime: 'all' })).toBeCloseTo(
        sec.accuracy!,
        12,
      );
      for (const [regime, r] of Object.entries(sec.byRegime)) {
        expect(value(m, 'vigil_sectors_resolved', { model: 'm1', sector: sec.sector, regime })).toBe(r.resolved);
        if (r.accuracy !== null)
          expect(value(m, 'vigil_sectors_accuracy', { model: 'm1', sector: sec.sector, regime })).toBeCloseTo(
            r.accuracy,
            12,
          );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
    const totalResolved = m
      .get('vigil_sectors_resolved')!
      .samples.filter((x) => x.labels.regime === 'all')
      .reduce((a, x) => a + x.value, 0);
    expect(totalResolved).toBe(90);

    // replay buffer
    const replay = (await s.app.inject({ method: 'GET', url: '/api/replay?top=0' })).json() as {
      stats: { total: number; maxSize: number; byRegime: Record<string, number>; highConfidence: number };
    };
    expect(replay.stats.total).toBeGreaterThan(0);
    expect(value(m, 'vigil_replay_buffer_size', { model: 'm1' })).toBe(replay.stats.total);
    expect(value(m, 'vigil_replay_buffer_max_size')).toBe(200);
    for (const [regime, n] of Object.entries(replay.stats.byRegime))
      expect(value(m, 'vigil_replay_buffer_errors', { model: 'm1', regime })).toBe(n);
    expect(value(m, 'vigil_replay_buffer_high_confidence_errors', { model: 'm1' })).toBe(replay.stats.highConfidence);

    // gate
    const history = (await s.app.inject({ method: 'GET', url: '/api/gate/history' })).json() as { total: number };
    expect(m.get('vigil_gate_decisions_total')!.type).toBe('counter');
    expect(value(m, 'vigil_gate_decisions_total', { action: 'validate', result: 'approved' })).toBe(1);
    expect(value(m, 'vigil_gate_decisions_total', { action: 'validate', result: 'rejected' })).toBe(1);
    expect(value(m, 'vigil_gate_decisions_total', { action: 'promote', result: 'approved' })).toBe(1);
    expect(m.get('vigil_gate_decisions_total')!.samples.reduce((a, x) => a + x.value, 0)).toBe(history.total);
    expect(m.get('vigil_gate_production_info')!.samples).toEqual([
      {
        name: 'vigil_gate_production_info',
        labels: {
          kind: 'file',
          model_sha256: v.modelSha256,
          model_path: expect.stringContaining('good.json'),
          history_id: String(promoted.historyId),
          action: 'promote',
        },
        value: 1,
      },
    ]);
    expect(value(m, 'vigil_gate_last_validation_approved')).toBe(0);

    // host
    expect(value(m, 'vigil_host_predictions_logged')).toBe(120);
    expect(value(m, 'vigil_host_predictions_resolved')).toBe(90);
    expect(value(m, 'vigil_host_plugin_enabled', { plugin: 'sectors' })).toBe(1);
    expect(m.has('vigil_process_cpu_user_seconds_total')).toBe(true);
  });

  it('follows the data: a later scrape sees later writes', async () => {
    expect(value(await scrape(), 'vigil_host_predictions_logged')).toBe(0);
    await post(s.app, '/api/observe', { records: makePredictions(5, { seed: 1 }) });
    expect(value(await scrape(), 'vigil_host_predictions_logged')).toBe(5);
  });
});
