import type { PredictionRecord } from '@vigil/core';
import { testDatabases } from '@vigil/host/testing';
import { makePredictions } from '@vigil/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, type Served, post, serve } from './helpers.js';

/**
 * A model's figures never include another's: two models observed and resolved interleaved in
 * one stream, through the real host with every plugin, give through the public API exactly the
 * figures each gives alone (sectors, replay, drift). Without a model named, several models are a
 * 400 listing them, never a pooled answer. And one vocabulary: old field names are refused by name.
 */

const DAYS = 45;
const SYMBOLS = ['AAPL', 'MSFT', 'JPM', 'XOM', 'JNJ', 'GOOGL', 'PG', 'BAC', 'NEE', 'AMT'];
const LAG = 5;

/** One model's stream: a record per symbol per day; `beta` shifts feature f0 from day 30 on, and is right less often. */
function stream(model: 'alpha' | 'beta'): { days: PredictionRecord[][]; outcome: Map<string, number> } {
  const all = makePredictions(DAYS * SYMBOLS.length, {
    seed: model === 'alpha' ? 101 : 202,
    symbols: SYMBOLS,
    features: 3,
    modelVersion: model,
    idPrefix: `${model}-`,
    regimes: ['normal', 'normal', 'crash'],
  });
  const days: PredictionRecord[][] = [];
  const outcome = new Map<string, number>();
  all.forEach((r, i) => {
    const day = Math.floor(i / SYMBOLS.length);
    const rec =
      model === 'beta' && day >= 30 ? { ...r, features: { ...r.features, f0: (r.features.f0 as number) + 3 } } : r;
    const list = days[day] ?? [];
    list.push(rec);
    days[day] = list;
    // deterministic outcomes: alpha right 2 times in 3, beta 1 in 2
    outcome.set(r.id, i % (model === 'alpha' ? 3 : 2) === 0 ? 1 - r.predictedLabel : r.predictedLabel);
  });
  return { days, outcome };
}

/** Feeds day by day: that day's predictions, then the outcomes of the day LAG days back. */
async function feed(s: Served, models: readonly ('alpha' | 'beta')[]): Promise<void> {
  const streams = models.map(stream);
  for (let day = 0; day < DAYS; day++) {
    // interleaved record by record when there are two models
    const today: PredictionRecord[] = [];
    for (let k = 0; k < SYMBOLS.length; k++)
      for (const st of streams) today.push(st.days[day]?.[k] as PredictionRecord);
    const obs = await post(s.app, '/api/observe', { records: today }, AUTH);
    expect(obs.statusCode, obs.body).toBe(200);
    if (day >= LAG) {
      const outcomes = [];
      for (let k = 0; k < SYMBOLS.length; k++)
        for (const st of streams) {
          const r = st.days[day - LAG]?.[k] as PredictionRecord;
          outcomes.push({ id: r.id, actualLabel: st.outcome.get(r.id) as number });
        }
      const res = await post(s.app, '/api/resolve', { outcomes }, AUTH);
      expect(res.statusCode, res.body).toBe(200);
    }
  }
}

const get = async (s: Served, url: string) => {
  const r = await s.app.inject({ method: 'GET', url });
  expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
  return r.json();
};

/** Everything the public API says about one model, minus what legitimately differs between databases: row ids of shared sequences and the list of models present. */
async function figuresOf(s: Served, model: string | undefined) {
  const q = model === undefined ? '' : `model=${model}`;
  const sectors = await get(s, `/api/sectors?${q}&symbols=true&weakest=11&minResolved=5`);
  const energy = await get(s, `/api/sectors/Energy/symbols?${q}`);
  const replay = await get(s, `/api/replay?${q}&top=1000`);
  const exported = await get(s, `/api/replay/export?${q}&format=json`);
  const drift = await get(s, `/api/drift?${q}&limit=10000`);
  const noBufferId = <T extends { bufferId?: unknown }>(rows: T[]) => rows.map(({ bufferId: _, ...r }) => r);
  return {
    sectors: { ...sectors, models: undefined },
    energy: { ...energy, models: undefined },
    replay: { ...replay, models: undefined, top: noBufferId(replay.top) },
    exported: { ...exported, rows: noBufferId(exported.rows) },
    drift: drift.events.map(({ id: _, ...e }: { id: number }) => e),
  };
}

describe.each(testDatabases())('figures per model on %s', (database) => {
  const open: Served[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  const start = async () => {
    const s = await serve(database);
    open.push(s);
    return s;
  };

  it('two models interleaved in one stream give exactly the figures each gives alone: sectors, replay, drift', async () => {
    const both = await start();
    await feed(both, ['alpha', 'beta']);
    const alone = { alpha: await start(), beta: await start() };
    await feed(alone.alpha, ['alpha']);
    await feed(alone.beta, ['beta']);

    for (const model of ['alpha', 'beta'] as const) {
      const mixed = await figuresOf(both, model);
      const single = await figuresOf(alone[model], undefined);
      expect(mixed).toEqual(single);
      // the figures are real, not empty, and are this model's own
      expect(mixed.sectors.model).toBe(model);
      expect(mixed.sectors.sectors.reduce((a: number, x: { resolved: number }) => a + x.resolved, 0)).toBe(
        (DAYS - LAG) * SYMBOLS.length,
      );
      expect(mixed.replay.stats.total).toBeGreaterThan(10);
      expect(mixed.exported.rows.length).toBeGreaterThan(5);
      expect(mixed.exported.rows.every((r: { id: string }) => r.id.startsWith(`${model}-`))).toBe(true);
      expect(mixed.drift.length).toBeGreaterThan(0);
      expect(mixed.drift.every((e: { model: string }) => e.model === model)).toBe(true);
    }
    // alpha is right 2 in 3, beta 1 in 2: pooling would show neither
    const acc = async (m: string) => {
      const r = await get(both, `/api/sectors?model=${m}`);
      const t = r.sectors.reduce(
        (a: { c: number; n: number }, x: { correct: number; resolved: number }) => ({
          c: a.c + x.correct,
          n: a.n + x.resolved,
        }),
        { c: 0, n: 0 },
      );
      return t.c / t.n;
    };
    expect(await acc('alpha')).toBeCloseTo(2 / 3, 2);
    expect(await acc('beta')).toBeCloseTo(1 / 2, 2);
    // beta's feature shift is beta's drift, not alpha's
    const cusum = async (m: string) =>
      (await get(both, `/api/drift?model=${m}&type=cusum&limit=10000`)).events.filter(
        (e: { detected: boolean }) => e.detected,
      ).length;
    expect(await cusum('beta')).toBeGreaterThan(0);
    expect(await cusum('alpha')).toBe(0);
  });

  it('with several models and none named: a 400 listing them on every per-model read, never a pooled answer', async () => {
    const s = await start();
    await feed(s, ['alpha', 'beta']);
    for (const url of ['/api/sectors', '/api/sectors/Energy/symbols', '/api/replay', '/api/replay/export?format=csv']) {
      const r = await s.app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(400);
      const e = r.json().error;
      expect(e.code).toBe('VIGIL_INVALID_INPUT');
      expect(e.issues[0].path).toBe('querystring.model');
      expect(e.message).toContain('2 models (alpha, beta)');
    }
    expect(await get(s, '/api/sectors/models')).toEqual({ models: ['alpha', 'beta'], latest: 'beta' });
    const replayModels = await get(s, '/api/replay/models');
    expect(replayModels.models).toEqual(['alpha', 'beta']);
    expect(['alpha', 'beta']).toContain(replayModels.latest);
    // a model named that has no rows answers with empty figures, and says which models exist
    const none = await get(s, '/api/sectors?model=gamma');
    expect(none).toMatchObject({ model: 'gamma', models: ['alpha', 'beta'] });
    expect(none.sectors.every((x: { tracked: number }) => x.tracked === 0)).toBe(true);
    // the CSV export carries the caller's id and model in the shared vocabulary
    const csv = await s.app.inject({
      method: 'GET',
      url: '/api/replay/export?model=beta',
      headers: { accept: 'text/csv' },
    });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [head, first] = csv.body.split('\n');
    expect(
      head?.startsWith(
        'id,modelVersion,bufferId,symbol,timestamp,regime,actualLabel,predictedLabel,confidence,errorScore,',
      ),
    ).toBe(true);
    expect(first?.startsWith('beta-')).toBe(true);
    expect((await s.app.inject({ method: 'GET', url: '/api/replay/export?model=beta&format=xml' })).statusCode).toBe(
      400,
    );
  });

  it('refuses old field names in observe, resolve and gate validation, naming the field and its new name', async () => {
    const s = await start();
    const [r] = makePredictions(1);
    const { predictedLabel, ...rest } = r as PredictionRecord;
    const obs = await post(s.app, '/api/observe', { records: [{ ...rest, predicted: predictedLabel }] }, AUTH);
    expect(obs.statusCode).toBe(400);
    expect(obs.body).toContain('predicted');
    expect(obs.body).toContain("renamed to 'predictedLabel'");
    expect(await s.host.getPrediction((r as PredictionRecord).id)).toBeUndefined();

    await post(s.app, '/api/observe', { records: [r] }, AUTH);
    const res = await post(s.app, '/api/resolve', { outcomes: [{ id: (r as PredictionRecord).id, actual: 1 }] }, AUTH);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("renamed to 'actualLabel'");
    expect((await s.host.getPrediction((r as PredictionRecord).id))?.actualLabel).toBeNull();

    const modelPath = 'models/cand.json';
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${s.modelsDir}/cand.json`, '{}');
    const v = await post(
      s.app,
      '/api/gate/validate',
      {
        modelPath,
        validation: { predictions: [{ symbol: 'XOM', regime: 'normal', predicted: 1, actual: 0, confidence: 0.7 }] },
      },
      AUTH,
    );
    expect(v.statusCode).toBe(400);
    const paths = v.json().error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.validation.predictions.0.predicted', 'body.validation.predictions.0.actual']),
    );
    expect(v.body).toContain("renamed to 'predictedLabel'");
    expect(v.body).toContain("renamed to 'actualLabel'");
    // (the gate logs every attempt, refusals included: that row is its audit trail, not a verdict)
  });
});
