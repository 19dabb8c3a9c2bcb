import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GICS_SECTORS } from '@vigil/sectors';
import { makePredictions } from '@vigil/test-utils';
import { testDatabases } from '@vigil/host/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from '../src/index.js';
import {
  AUTH,
  BAD_VALIDATION,
  GOOD_VALIDATION,
  type Served,
  TOKEN,
  count,
  dumpDatabase,
  post,
  serve,
  snapshotDir,
  writeModel,
} from './helpers.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const apiDoc = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');

/** The routes docs/api.md defines, e.g. `GET /api/sectors/:sector/symbols`. */
const documentedRoutes = [
  ...new Set([...apiDoc.matchAll(/`(GET|POST) (\/api\/[a-z/:]+|\/metrics)/g)].map((m) => `${m[1]} ${m[2]}`)),
].sort();
const WRITE_ROUTES = documentedRoutes.filter((r) => r.startsWith('POST '));

const isoDay = (s: string): boolean => !Number.isNaN(Date.parse(s));
const ratio = (v: unknown): boolean => v === null || (typeof v === 'number' && v >= 0 && v <= 1);
// (1e-12: the sectors plugin's Wilson upper bound at 100% accuracy comes out as 0.9999999999999999)
const interval = (ci: unknown, acc: unknown): boolean =>
  ci === null
    ? acc === null
    : Array.isArray(ci) &&
      ci.length === 2 &&
      ratio(ci[0]) &&
      ratio(ci[1]) &&
      (ci[0] as number) <= (acc as number) + 1e-12 &&
      (acc as number) <= (ci[1] as number) + 1e-12;

describe.each(testDatabases())('HTTP API on %s', (database) => {
  let s: Served;
  let savedEnv: string | undefined;
  beforeAll(() => {
    savedEnv = process.env.VIGIL_API_TOKEN;
    delete process.env.VIGIL_API_TOKEN;
  });
  afterAll(() => {
    if (savedEnv !== undefined) process.env.VIGIL_API_TOKEN = savedEnv;
  });
  beforeEach(async () => {
    s = await serve(database);
  });
  afterEach(() => s.close());

  /** Valid bodies for every write route, so that a refusal can only come from what a test changes. */
  const validBodies = (modelPath: string): Record<string, unknown> => ({
    'POST /api/observe': { records: makePredictions(3, { idPrefix: 'auth-' }) },
    'POST /api/resolve': { outcomes: [{ id: 'seed000000000', actualLabel: 1 }] },
    'POST /api/gate/validate': { modelPath, validation: GOOD_VALIDATION },
    'POST /api/gate/promote': { modelPath, modelVersion: 'm-live' },
    'POST /api/gate/override': { modelPath, actor: 'ana', reason: 'vendor outage', modelVersion: 'm-live' },
    'POST /api/gate/rollback': {},
    'POST /api/gate/shadows/start': { model: 'm-shadow', champion: 'm-live' },
    'POST /api/gate/shadows/stop': { model: 'm-live' },
    'POST /api/prune': { dryRun: true },
    'POST /api/drift/baseline': { rows: [{ a: 1 }, { a: 2 }] },
    'POST /api/drift/check': { rows: [{ a: 1 }, { a: 2 }] },
    'POST /api/drift/backtest': { rows: [{ date: '2020-01-01', a: 1 }] },
  });

  it('prunes resolved predictions past a policy, as `vigil prune` does: a dry run counts, a bad policy names its field', async () => {
    const recs = makePredictions(10, { idPrefix: 'prune-', symbols: ['AAPL'] });
    await post(s.app, '/api/observe', { records: recs });
    await post(s.app, '/api/resolve', { outcomes: recs.slice(0, 8).map((r) => ({ id: r.id, actualLabel: 1 })) });
    const dry = await post(s.app, '/api/prune', { rowsPerModel: 3, dryRun: true });
    expect(dry.statusCode, dry.body).toBe(200);
    // the 7 oldest are past the row limit, and only resolved ones go: 7 of the 8 resolved
    expect(dry.json()).toEqual({ deleted: 7, byAge: 0, byRows: 7, cutoff: null, dryRun: true });
    expect(await count(s.host, 'vigil_predictions')).toBe(10);
    const done = await post(s.app, '/api/prune', { rowsPerModel: 3 });
    expect(done.json()).toMatchObject({ deleted: 7, dryRun: false });
    expect(await count(s.host, 'vigil_predictions')).toBe(3);
    for (const [body, field] of [
      [{ days: -1 }, 'days'],
      [{ rowsPerModel: 1.5 }, 'rowsPerModel'],
      [{ keep: 3 }, 'keep'],
    ] as const) {
      const r = await post(s.app, '/api/prune', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.body).toContain(field);
    }
    expect(await count(s.host, 'vigil_predictions')).toBe(3);
  });

  it('answers health with the enabled plugins, the database kind and the package version', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/api/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      status: 'ok',
      plugins: expect.arrayContaining(['drift', 'replay', 'sectors', 'gate', 'webhooks']),
      database: database === 'postgres' ? 'postgres' : 'sqlite',
      version: pkg.version,
    });
    expect(r.json().plugins).toHaveLength(5);
  });

  it('round-trips observe and resolve with the token: rows stored, duplicates counted, outcomes joined, sectors updated', async () => {
    const recs = makePredictions(40);
    const first = await post(s.app, '/api/observe', { records: recs });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ accepted: 40, duplicates: 0 });
    expect((await post(s.app, '/api/observe', { records: recs.slice(0, 10) })).json()).toEqual({
      accepted: 0,
      duplicates: 10,
    });
    expect(await count(s.host, 'vigil_predictions')).toBe(40);

    const outcomes = recs.map((r, i) => ({
      id: r.id,
      actualLabel: i % 3 === 0 ? 1 - r.predictedLabel : r.predictedLabel,
      resolvedAt: '2020-03-01T00:00:00Z',
    }));
    const res = await post(s.app, '/api/resolve', { outcomes });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ resolved: 40, unchanged: 0 });
    expect((await post(s.app, '/api/resolve', { outcomes: outcomes.slice(0, 5) })).json()).toEqual({
      resolved: 0,
      unchanged: 5,
    });
    expect(await s.host.getPrediction(recs[4]!.id)).toMatchObject({
      ...recs[4],
      actualLabel: outcomes[4]!.actualLabel,
      resolvedAt: '2020-03-01T00:00:00.000Z',
    });

    const sectors = (await s.app.inject({ method: 'GET', url: '/api/sectors' })).json() as {
      sectors: { resolved: number; correct: number; tracked: number }[];
    };
    const wrong = outcomes.filter((_, i) => i % 3 === 0).length;
    expect(sectors.sectors.reduce((a, x) => a + x.resolved, 0)).toBe(40);
    expect(sectors.sectors.reduce((a, x) => a + x.correct, 0)).toBe(40 - wrong);
    expect(sectors.sectors.reduce((a, x) => a + x.tracked, 0)).toBe(40);
    // the wrong predictions are the replay buffer's errors
    const replay = (await s.app.inject({ method: 'GET', url: '/api/replay?top=100' })).json() as {
      stats: { total: number };
      top: unknown[];
    };
    // (the buffer keeps at most one error per symbol within its window, so it may hold fewer)
    expect(replay.stats.total).toBe(await count(s.host, 'error_replay_buffer'));
    expect(replay.stats.total).toBeGreaterThan(0);
    expect(replay.stats.total).toBeLessThanOrEqual(wrong);
    expect(replay.top).toHaveLength(replay.stats.total);
  });

  it('refuses every write route without a token, with a wrong one, or with another scheme: 401 and nothing written', async () => {
    await post(s.app, '/api/observe', { records: makePredictions(1, { idPrefix: 'seed' }) });
    const modelPath = writeModel(s, 'cand.json', '{"weights":[1]}');
    const bodies = validBodies(modelPath);
    expect(Object.keys(bodies).sort()).toEqual(WRITE_ROUTES);
    const before = await dumpDatabase(s.host);
    const files = snapshotDir(s.modelsDir);
    const headers: Record<string, string>[] = [
      {},
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: 'Bearer wrong' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: `Bearer ${TOKEN.toUpperCase()}` },
      { authorization: `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}` },
      { authorization: TOKEN },
      { authorization: `Bearer\t${TOKEN}` }, // (any case and 1*SP are allowed, RFC 7235; a tab is not)
    ];
    for (const route of WRITE_ROUTES) {
      const url = route.slice(5);
      for (const h of headers) {
        const r = await post(s.app, url, bodies[route], h);
        expect(r.statusCode, `${route} ${JSON.stringify(h)}`).toBe(401);
        expect(r.headers['www-authenticate']).toBe('Bearer');
        expect(r.json().error.code).toBe('VIGIL_UNAUTHORIZED');
      }
      // refused before the body is looked at: a malformed body still gets 401, not a 400 that describes the schema
      expect((await post(s.app, url, { nonsense: [1, 2] }, {})).statusCode).toBe(401);
    }
    expect(await dumpDatabase(s.host)).toEqual(before);
    expect(snapshotDir(s.modelsDir)).toEqual(files);
    // and the same bodies are accepted with the token (the refusals above were the token's doing)
    expect((await post(s.app, '/api/observe', bodies['POST /api/observe'])).statusCode).toBe(200);
  });

  it('refuses every write when no token is configured anywhere (options, config, environment), whatever is sent', async () => {
    const open = await buildServer({ host: s.host, dashboard: false });
    try {
      const modelPath = writeModel(s, 'cand.json', '{"weights":[1]}');
      const bodies = validBodies(modelPath);
      const before = await dumpDatabase(s.host);
      for (const route of WRITE_ROUTES) {
        for (const h of [{}, AUTH, { authorization: 'Bearer ' }, { authorization: 'Bearer undefined' }] as Record<
          string,
          string
        >[]) {
          const r = await post(open, route.slice(5), bodies[route], h);
          expect(r.statusCode, route).toBe(401);
          expect(r.json().error).toMatchObject({
            code: 'VIGIL_UNAUTHORIZED',
            message: expect.stringContaining('no API token is configured'),
          });
        }
      }
      expect(await dumpDatabase(s.host)).toEqual(before);
      expect(snapshotDir(s.modelsDir)).toEqual({ 'cand.json': expect.any(String) });
      // reads stay open
      expect((await open.inject({ method: 'GET', url: '/api/sectors' })).statusCode).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('takes the token from VIGIL_API_TOKEN when neither the options nor the config give one', async () => {
    process.env.VIGIL_API_TOKEN = 'from-the-environment-0123456789';
    const envServer = await buildServer({ host: s.host, dashboard: false });
    delete process.env.VIGIL_API_TOKEN;
    try {
      const recs = makePredictions(2);
      expect((await post(envServer, '/api/observe', { records: recs }, AUTH)).statusCode).toBe(401);
      expect(
        (
          await post(
            envServer,
            '/api/observe',
            { records: recs },
            { authorization: 'Bearer from-the-environment-0123456789' },
          )
        ).json(),
      ).toEqual({ accepted: 2, duplicates: 0 });
    } finally {
      await envServer.close();
    }
  });

  it('answers a bad body with a 400 whose issues name the field, and writes nothing', async () => {
    const [rec] = makePredictions(1);
    await post(s.app, '/api/observe', { records: makePredictions(2, { idPrefix: 'seed' }) });
    const modelPath = writeModel(s, 'cand.json', '{"weights":[1]}');
    const before = await dumpDatabase(s.host);
    const cases: [string, unknown, string][] = [
      ['/api/observe', { records: [{ ...rec, confidence: 'NaN' }] }, 'body.records.0.confidence'],
      ['/api/observe', { records: [rec, { ...rec, id: 'b', confidence: 1.5 }] }, 'body.records.1.confidence'],
      ['/api/observe', { records: [{ ...rec, features: { f0: 'x' } }] }, 'body.records.0.features.f0'],
      ['/api/observe', { records: [{ ...rec, symbol: undefined }] }, 'body.records.0.symbol'],
      ['/api/observe', { records: [{ ...rec, extra: 1 }] }, 'body.records.0.extra'],
      ['/api/observe', { records: [] }, 'body.records'],
      ['/api/observe', { record: [rec] }, 'body.records'],
      ['/api/observe', [rec], 'body'],
      // these pass the schema and are refused by the host's own checks: same path style
      ['/api/observe', { records: [{ ...rec, predictedLabel: 7 }] }, 'body.records.0.predictedLabel'],
      [
        '/api/observe',
        { records: [rec, { ...rec, id: 'other', timestamp: 'not a date' }] },
        'body.records.1.timestamp',
      ],
      ['/api/observe', { records: [{ ...rec, symbol: '   ' }] }, 'body.records.0.symbol'],
      ['/api/observe', { records: [rec, rec] }, 'body.records.1.id'],
      ['/api/resolve', { outcomes: [{ id: 'seed000000000', actualLabel: '1' }] }, 'body.outcomes.0.actualLabel'],
      ['/api/resolve', { outcomes: [{ id: 'seed000000000', actualLabel: 3 }] }, 'body.outcomes.0.actualLabel'],
      ['/api/resolve', { outcomes: [{ id: 'seed000000000' }] }, 'body.outcomes.0.actualLabel'],
      [
        '/api/resolve',
        { outcomes: [{ id: 'seed000000000', actualLabel: 1, resolvedAt: 'yesterday' }] },
        'body.outcomes.0.resolvedAt',
      ],
      [
        '/api/gate/validate',
        { modelPath, validation: { ...GOOD_VALIDATION, accuracy: '0.9' } },
        'body.validation.accuracy',
      ],
      [
        '/api/gate/validate',
        { modelPath, validation: { regimeAccuracy: { crash: null } } },
        'body.validation.regimeAccuracy.crash',
      ],
      [
        '/api/gate/validate',
        {
          modelPath,
          validation: { predictions: [{ symbol: 'XOM', regime: 'crash', predictedLabel: 1, actualLabel: 0 }] },
        },
        'body.validation.predictions.0.confidence',
      ],
      ['/api/gate/validate', { modelPath }, 'body.validation'],
      ['/api/gate/validate', { modelPath: '', validation: GOOD_VALIDATION }, 'body.modelPath'],
      ['/api/gate/promote', { modelPath: 42 }, 'body.modelPath'],
      ['/api/gate/promote', { modelPath, backupOld: 'yes' }, 'body.backupOld'],
      ['/api/gate/override', { modelPath, reason: 'outage' }, 'body.actor'],
      ['/api/gate/override', { modelPath, actor: 'ana' }, 'body.reason'],
      ['/api/gate/override', { modelPath, actor: '', reason: 'outage' }, 'body.actor'],
      ['/api/gate/override', { modelPath, actor: 'ana', reason: '   ' }, 'body.reason'],
      ['/api/gate/override', { modelPath, actor: '\t\n', reason: 'outage' }, 'body.actor'],
      ['/api/gate/rollback', { kind: 'everything' }, 'body.kind'],
      ['/api/gate/rollback', { force: true }, 'body.force'],
      // lone surrogates would be stored as U+FFFD (not verbatim; a gate row would no longer match its hash)
      ['/api/observe', { records: [{ ...rec, id: 'x\ud800' }] }, 'body.records.0.id'],
      ['/api/gate/validate', { modelPath: 'models/\udc00.json', validation: GOOD_VALIDATION }, 'body.modelPath'],
    ];
    for (const [url, body, path] of cases) {
      const r = await post(s.app, url, body);
      const what = `${url} ${JSON.stringify(body).slice(0, 120)}`;
      expect(r.statusCode, what).toBe(400);
      const error = r.json().error;
      expect(error.code, what).toBe('VIGIL_INVALID_INPUT');
      expect(
        error.issues.map((i: { path: string }) => i.path),
        what,
      ).toContain(path);
    }
    expect(await dumpDatabase(s.host)).toEqual(before);
    expect(snapshotDir(s.modelsDir)).toEqual({ 'cand.json': expect.any(String) });
  });

  it('answers a body that is not JSON, or not an object, with a 4xx naming the body', async () => {
    const before = await dumpDatabase(s.host);
    const raw: [string, string, number][] = [
      ['application/json', '{"records": [', 400],
      ['application/json', '', 400],
      ['application/json', 'null', 400],
      ['application/json', '"records"', 400],
      ['application/json', '{"__proto__": {"polluted": 1}, "records": []}', 400],
      ['application/json', '{"records": [{"constructor": {"prototype": {"polluted": 1}}}]}', 400],
      ['text/plain', 'records=1', 400],
      ['application/x-www-form-urlencoded', 'records=1', 415],
      ['application/xml', '<records/>', 415],
    ];
    for (const [type, payload, status] of raw) {
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/observe',
        headers: { ...AUTH, 'content-type': type },
        payload,
      });
      expect(r.statusCode, `${type} ${payload}`).toBe(status);
      expect(
        r.json().error.issues.map((i: { path: string }) => i.path.split('.')[0]),
        `${type} ${payload}`,
      ).toContain('body');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await dumpDatabase(s.host)).toEqual(before);
  });

  it('answers 404 for an outcome of an unknown prediction and 409 for a conflicting outcome, writing nothing from the batch', async () => {
    const recs = makePredictions(4);
    await post(s.app, '/api/observe', { records: recs });
    await post(s.app, '/api/resolve', { outcomes: [{ id: recs[0]!.id, actualLabel: 1 }] });
    const before = await dumpDatabase(s.host);

    const unknown = await post(s.app, '/api/resolve', {
      outcomes: [
        { id: recs[1]!.id, actualLabel: 0 },
        { id: 'never-observed', actualLabel: 1 },
      ],
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({
      code: 'VIGIL_UNKNOWN_PREDICTION',
      message: expect.stringContaining('"never-observed"'),
    });
    expect(unknown.json().error.issues[0].path).toMatch(/^body\.outcomes/);

    const conflict = await post(s.app, '/api/resolve', {
      outcomes: [
        { id: recs[2]!.id, actualLabel: 1 },
        { id: recs[0]!.id, actualLabel: 0 },
      ],
    });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error).toMatchObject({
      code: 'VIGIL_CONFLICTING_OUTCOME',
      message: expect.stringContaining(recs[0]!.id),
    });

    expect(await dumpDatabase(s.host)).toEqual(before);
    expect((await s.host.getPrediction(recs[0]!.id))?.actualLabel).toBe(1);
    expect((await s.host.getPrediction(recs[2]!.id))?.actualLabel).toBeNull();
  });

  it('serves every read endpoint in the shape docs/api.md gives, with figures that agree with the tables', async () => {
    // a shifted second half makes the drift plugin alert
    const calm = makePredictions(300, { seed: 3 });
    const shifted = makePredictions(300, { seed: 4, idPrefix: 'q', start: '2021-01-01T00:00:00Z' }).map((r) => ({
      ...r,
      regime: 'crash',
      predictedLabel: 1,
      features: Object.fromEntries(Object.entries(r.features).map(([k, v]) => [k, v * 3 + 2])),
    }));
    for (const batch of [calm.slice(0, 150), calm.slice(150), shifted.slice(0, 150), shifted.slice(150)]) {
      expect((await post(s.app, '/api/observe', { records: batch })).statusCode).toBe(200);
    }
    const all = [...calm, ...shifted];
    const outcomes = all.map((r, i) => ({
      id: r.id,
      actualLabel: i % 4 === 0 ? 1 - r.predictedLabel : r.predictedLabel,
    }));
    expect((await post(s.app, '/api/resolve', { outcomes })).json()).toEqual({ resolved: 600, unchanged: 0 });

    const sectors = (await s.app.inject({ method: 'GET', url: '/api/sectors' })).json();
    expect(Object.keys(sectors).sort()).toEqual([
      'insufficient',
      'minResolved',
      'model',
      'models',
      'sectors',
      'weakest',
    ]);
    expect(sectors.sectors.slice(0, GICS_SECTORS.length).map((x: { sector: string }) => x.sector)).toEqual([
      ...GICS_SECTORS,
    ]);
    expect(sectors.sectors.length).toBeLessThanOrEqual(GICS_SECTORS.length + 1);
    for (const x of sectors.sectors) {
      expect(Object.keys(x).sort()).toEqual([
        'accuracy',
        'byRegime',
        'ci',
        'correct',
        'pending',
        'resolved',
        'sector',
        'tracked',
      ]);
      expect(x.correct).toBeLessThanOrEqual(x.resolved);
      expect(x.resolved).toBeLessThanOrEqual(x.tracked);
      expect(x.accuracy).toBe(x.resolved ? x.correct / x.resolved : null);
      expect(interval(x.ci, x.accuracy), x.sector).toBe(true);
      for (const [, g] of Object.entries(x.byRegime) as [
        string,
        { resolved: number; correct: number; accuracy: number | null; ci: unknown },
      ][]) {
        expect(g.accuracy).toBe(g.resolved ? g.correct / g.resolved : null);
        expect(interval(g.ci, g.accuracy), JSON.stringify(g)).toBe(true);
      }
    }
    expect(sectors.sectors.reduce((a: number, x: { resolved: number }) => a + x.resolved, 0)).toBe(600);
    expect(typeof sectors.minResolved).toBe('number');
    for (const w of sectors.weakest) {
      const row = sectors.sectors.find((x: { sector: string }) => x.sector === w.sector);
      expect(w).toEqual({
        sector: w.sector,
        accuracy: row.accuracy,
        ci: row.ci,
        upper: row.ci[1],
        resolved: row.resolved,
      });
      expect(w.resolved).toBeGreaterThanOrEqual(sectors.minResolved);
    }
    for (const name of sectors.insufficient)
      expect(sectors.sectors.find((x: { sector: string }) => x.sector === name).resolved).toBeLessThan(
        sectors.minResolved,
      );

    const tracked = sectors.sectors.find((x: { tracked: number }) => x.tracked > 0);
    const symbols = (
      await s.app.inject({ method: 'GET', url: `/api/sectors/${encodeURIComponent(tracked.sector)}/symbols` })
    ).json();
    expect(symbols.sector).toBe(tracked.sector);
    expect(symbols.symbols.length).toBeGreaterThan(0);
    expect(symbols.symbols.reduce((a: number, x: { tracked: number }) => a + x.tracked, 0)).toBe(tracked.tracked);
    for (const y of symbols.symbols) {
      expect(Object.keys(y).sort()).toEqual([
        'accuracy',
        'bestRegime',
        'byRegime',
        'ci',
        'correct',
        'pending',
        'resolved',
        'sectors',
        'symbol',
        'tracked',
      ]);
      expect(interval(y.ci, y.accuracy)).toBe(true);
    }
    const notASector = await s.app.inject({ method: 'GET', url: '/api/sectors/Crypto/symbols' });
    expect(notASector.statusCode).toBe(404);
    expect(notASector.json().error.code).toBe('VIGIL_NOT_FOUND');

    const drift = (await s.app.inject({ method: 'GET', url: '/api/drift?limit=10000' })).json();
    const byDefault = (await s.app.inject({ method: 'GET', url: '/api/drift' })).json();
    expect(Object.keys(drift).sort()).toEqual(['events', 'thresholds']);
    // features are judged against calibrated per-feature thresholds (the default), so no single line for them
    expect(drift.thresholds).toEqual({ feature: null, regime: 0.15, prediction: 0.15, cusum: 3 });
    // the checks while a model collected its baseline compared nothing and say so; the others are calibrated
    const featureChecks = drift.events.filter((e: { type: string }) => e.type === 'feature');
    const collecting = featureChecks.filter(
      (e: { details: { status: string } }) => e.details.status === 'insufficient',
    );
    expect(collecting.length).toBeGreaterThan(0);
    for (const e of collecting) expect(e).toMatchObject({ statistic: null, detected: false });
    const featureEvent = featureChecks.find((e: { details: { status: string } }) => e.details.status === 'tested');
    expect(featureEvent.details.rule).toBe('calibrated');
    const rows = await s.host.dataSource.query('SELECT COUNT(*) AS n, SUM(drift_detected) AS d FROM drift_monitoring');
    expect(drift.events).toHaveLength(Number(rows[0].n));
    expect(drift.events.length).toBeGreaterThan(0);
    expect(drift.events.filter((e: { detected: boolean }) => e.detected)).toHaveLength(Number(rows[0].d));
    expect(drift.events.some((e: { detected: boolean; type: string }) => e.detected && e.type === 'feature')).toBe(
      true,
    );
    expect(drift.events.some((e: { type: string }) => e.type === 'cusum')).toBe(true);
    for (const e of drift.events) {
      expect(Object.keys(e).sort()).toEqual(['details', 'detected', 'id', 'model', 'statistic', 'timestamp', 'type']);
      expect(['feature', 'regime', 'prediction', 'cusum']).toContain(e.type);
      if (e.type === 'cusum') expect(e.detected).toBe(true);
      expect(isoDay(e.timestamp)).toBe(true);
      expect(typeof e.detected).toBe('boolean');
    }
    expect(drift.events.map((e: { id: number }) => e.id)).toEqual(
      [...drift.events.map((e: { id: number }) => e.id)].sort((a, b) => a - b),
    );
    // a limit keeps the newest rows, still oldest first (the default 500)
    expect(drift.events.length).toBeGreaterThan(100);
    expect(byDefault.events).toEqual(drift.events.slice(-500));
    expect((await s.app.inject({ method: 'GET', url: '/api/drift?limit=100' })).json().events).toEqual(
      drift.events.slice(-100),
    );
    const features = (await s.app.inject({ method: 'GET', url: '/api/drift?type=feature&limit=3' })).json();
    expect(features.events.map((e: { id: number }) => e.id)).toEqual(
      drift.events
        .filter((e: { type: string }) => e.type === 'feature')
        .slice(-3)
        .map((e: { id: number }) => e.id),
    );
    for (const q of ['type=features', 'limit=0', 'limit=abc', 'limit=1e9', "type=feature'--"]) {
      const r = await s.app.inject({ method: 'GET', url: `/api/drift?${q}` });
      expect(r.statusCode, q).toBe(400);
      expect(r.json().error.issues[0].path, q).toMatch(/^querystring\.(type|limit)$/);
    }

    const replay = (await s.app.inject({ method: 'GET', url: '/api/replay?top=5' })).json();
    expect(Object.keys(replay).sort()).toEqual(['model', 'models', 'stats', 'top']);
    expect(replay).toMatchObject({ model: 'm1', models: ['m1'] });
    expect(replay.stats).toMatchObject({
      total: await count(s.host, 'error_replay_buffer'),
      maxSize: 200,
      replayed: expect.any(Number),
    });
    expect(replay.stats.total).toBeGreaterThan(5);
    expect(replay.stats.total).toBeLessThanOrEqual(150);
    expect(Object.values(replay.stats.byRegime as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(
      replay.stats.total,
    );
    expect(Object.values(replay.stats.byLabel as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(
      replay.stats.total,
    );
    expect(ratio(replay.stats.avgConfidence)).toBe(true);
    expect(replay.top).toHaveLength(5);
    for (const t of replay.top) {
      expect(Object.keys(t).sort()).toEqual([
        'actualLabel',
        'bufferId',
        'confidence',
        'errorScore',
        'id',
        'modelVersion',
        'predictedLabel',
        'regime',
        'replayedCount',
        'symbol',
        'timestamp',
      ]);
      expect(t.actualLabel).not.toBe(t.predictedLabel);
      // the caller's prediction id: the row joins back to what was observed
      expect((await s.host.getPrediction(t.id))?.modelVersion).toBe(t.modelVersion);
    }
    const scores = replay.top.map((t: { errorScore: number }) => t.errorScore);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect((await s.app.inject({ method: 'GET', url: '/api/replay?top=-1' })).statusCode).toBe(400);

    // gate reads before any attempt
    expect((await s.app.inject({ method: 'GET', url: '/api/gate/latest' })).json()).toBeNull();
    expect((await s.app.inject({ method: 'GET', url: '/api/gate/history' })).json()).toEqual({ rows: [], total: 0 });
    expect((await s.app.inject({ method: 'GET', url: '/api/gate/verify' })).json()).toEqual({
      ok: true,
      rows: 0,
      firstBadId: null,
      reason: null,
    });
    expect((await s.app.inject({ method: 'GET', url: '/api/gate/history?limit=0' })).statusCode).toBe(400);
    expect((await s.app.inject({ method: 'GET', url: '/api/nothing-here' })).statusCode).toBe(404);
  });

  it('validates, promotes, rolls back, overrides and verifies through HTTP with a models dir in a temp root', async () => {
    const good1 = writeModel(s, 'good-1.json', '{"weights":[0.1,0.2]}');
    const good2 = writeModel(s, 'good-2.json', '{"weights":[0.3,0.4]}');
    const bad = writeModel(s, 'bad.json', '{"weights":[9,9]}');
    const production = join(s.modelsDir, 'meta_learner_production.pkl');

    const v1 = await post(s.app, '/api/gate/validate', {
      modelPath: good1,
      validation: GOOD_VALIDATION,
      actor: 'trainer',
    });
    expect(v1.statusCode).toBe(200);
    const report = v1.json();
    expect(Object.keys(report).sort()).toEqual([
      'action',
      'actor',
      'approved',
      'asOf',
      'checks',
      'id',
      'modelPath',
      'modelSha256',
      'modelVersion',
      'notes',
      'promotedToProduction',
      'recommendation',
      'timestamp',
    ]);
    expect(report).toMatchObject({
      modelPath: good1,
      action: 'validate',
      approved: true,
      recommendation: 'PROMOTE',
      actor: 'trainer',
      promotedToProduction: false,
      modelSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(report.checks.map((c: { id: string }) => c.id).sort()).toEqual([
      'drift.drift_score',
      'gate.overall_accuracy',
      'replay.replay_improvement',
      'sectors.crash_accuracy',
      'sectors.min_sector_accuracy',
    ]);
    for (const c of report.checks) {
      expect(Object.keys(c).sort()).toEqual([
        'description',
        'id',
        'message',
        'required',
        'status',
        'threshold',
        'value',
      ]);
      expect(c).toMatchObject({
        status: 'pass',
        required: true,
        value: expect.any(Number),
        threshold: expect.any(Number),
      });
    }
    expect((await s.app.inject({ method: 'GET', url: '/api/gate/latest' })).json()).toEqual(report);

    const p1 = await post(s.app, '/api/gate/promote', { modelPath: good1, modelVersion: 'm1' });
    expect(p1.statusCode).toBe(200);
    // paths are shown relative to the gate's root, as a client gives them
    expect(p1.json()).toMatchObject({
      promoted: true,
      productionPath: 'models/meta_learner_production.pkl',
      backupPath: null,
    });
    expect(readFileSync(production, 'utf8')).toBe('{"weights":[0.1,0.2]}');

    expect(
      (await post(s.app, '/api/gate/validate', { modelPath: good2, validation: GOOD_VALIDATION })).json().approved,
    ).toBe(true);
    const p2 = (
      await post(s.app, '/api/gate/promote', { modelPath: good2, backupOld: true, modelVersion: 'm2' })
    ).json();
    expect(p2.backupPath).toMatch(/^models\/backups\/meta_learner_production\.pkl\./);
    expect(readFileSync(production, 'utf8')).toBe('{"weights":[0.3,0.4]}');
    expect(readFileSync(join(s.root, p2.backupPath), 'utf8')).toBe('{"weights":[0.1,0.2]}');

    const rb = await post(s.app, '/api/gate/rollback', { actor: 'ops' });
    expect(rb.statusCode).toBe(200);
    expect(rb.json()).toMatchObject({ restored: p2.backupPath, productionPath: 'models/meta_learner_production.pkl' });
    expect(JSON.stringify((await s.app.inject({ method: 'GET', url: '/api/gate/history' })).json())).not.toContain(
      s.root,
    );
    expect(readFileSync(production, 'utf8')).toBe('{"weights":[0.1,0.2]}');

    // a rejected model is not promoted; an override needs an actor and a reason, then records both
    const rejected = (await post(s.app, '/api/gate/validate', { modelPath: bad, validation: BAD_VALIDATION })).json();
    expect(rejected).toMatchObject({ approved: false, recommendation: 'REJECT' });
    const failed = rejected.checks
      .filter((c: { status: string }) => c.status === 'fail')
      .map((c: { id: string }) => c.id)
      .sort();
    expect(failed).toEqual(['sectors.crash_accuracy', 'sectors.min_sector_accuracy']);
    const refusedPromotion = await post(s.app, '/api/gate/promote', { modelPath: bad });
    expect(refusedPromotion.statusCode).toBe(400);
    expect(refusedPromotion.json().error.message).toContain('rejected');
    expect(readFileSync(production, 'utf8')).toBe('{"weights":[0.1,0.2]}');
    const historyBefore = await count(s.host, 'model_promotion_history');
    for (const body of [
      { modelPath: bad },
      { modelPath: bad, actor: 'ana' },
      { modelPath: bad, reason: 'outage' },
      { modelPath: bad, actor: ' ', reason: 'outage' },
      { modelPath: bad, actor: 'ana', reason: '' },
    ]) {
      const r = await post(s.app, '/api/gate/override', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(
        r
          .json()
          .error.issues.map((i: { path: string }) => i.path)
          .some((p: string) => p === 'body.actor' || p === 'body.reason'),
      ).toBe(true);
    }
    expect(await count(s.host, 'model_promotion_history')).toBe(historyBefore);
    expect(readFileSync(production, 'utf8')).toBe('{"weights":[0.1,0.2]}');

    const ov = await post(s.app, '/api/gate/override', {
      modelPath: bad,
      modelVersion: 'm-bad',
      actor: 'ana',
      reason: 'data vendor outage; manual check done',
    });
    expect(ov.statusCode).toBe(200);
    expect(ov.json()).toMatchObject({
      action: 'override',
      actor: 'ana',
      approved: false,
      recommendation: 'REJECT',
      promotedToProduction: true,
      notes: expect.stringContaining('data vendor outage'),
    });
    // the override shows the checks it overrode
    expect(
      ov
        .json()
        .checks.filter((c: { status: string }) => c.status === 'fail')
        .map((c: { id: string }) => c.id)
        .sort(),
    ).toEqual(failed);
    expect(readFileSync(production, 'utf8')).toBe('{"weights":[9,9]}');
    expect((await s.app.inject({ method: 'GET', url: '/api/gate/latest' })).json().id).toBe(ov.json().id);

    const history = (await s.app.inject({ method: 'GET', url: '/api/gate/history' })).json();
    expect(history.rows.map((r: { action: string }) => r.action)).toEqual([
      'override',
      'promote',
      'validate',
      'rollback',
      'promote',
      'validate',
      'promote',
      'validate',
    ]);
    expect(history.rows.map((r: { recommendation: string }) => r.recommendation)).toEqual([
      'REJECT',
      'REJECT',
      'REJECT',
      'PROMOTE',
      'PROMOTE',
      'PROMOTE',
      'PROMOTE',
      'PROMOTE',
    ]);
    expect(history.total).toBe(8);
    const ids = history.rows.map((r: { id: number }) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const page = (await s.app.inject({ method: 'GET', url: '/api/gate/history?limit=3&offset=2' })).json();
    expect(page).toEqual({ rows: history.rows.slice(2, 5), total: 8 });
    expect((await s.app.inject({ method: 'GET', url: '/api/gate/verify' })).json()).toEqual({
      ok: true,
      rows: 8,
      firstBadId: null,
      reason: null,
    });
  });

  it('refuses model paths that escape the models dir (../, absolute, symlink out) with 403 and copies nothing', async () => {
    const outsideFile = join(s.root, 'outside', 'evil.json');
    writeFileSync(outsideFile, '{"evil":true}');
    writeFileSync(join(s.root, 'sibling.json'), '{"evil":true}');
    symlinkSync(outsideFile, join(s.modelsDir, 'link.json'));
    symlinkSync(join(s.root, 'outside'), join(s.modelsDir, 'linkdir'));
    const good = writeModel(s, 'good.json', '{"weights":[1]}');
    expect(
      (await post(s.app, '/api/gate/validate', { modelPath: good, validation: GOOD_VALIDATION })).json().approved,
    ).toBe(true);
    expect((await post(s.app, '/api/gate/promote', { modelPath: good, modelVersion: 'm1' })).statusCode).toBe(200);
    const files = snapshotDir(s.modelsDir);
    const outside = snapshotDir(join(s.root, 'outside'));
    const historyBefore = await count(s.host, 'model_promotion_history');

    const escapes = [
      'models/../sibling.json',
      '../sibling.json',
      'models/../../etc/passwd',
      outsideFile,
      '/etc/passwd',
      'models/link.json',
      'models/linkdir/evil.json',
      'models/linkdir',
      'sibling.json',
      'models/./../outside/evil.json',
    ];
    let attempts = 0;
    for (const modelPath of escapes) {
      for (const [url, body] of [
        ['/api/gate/validate', { modelPath, validation: GOOD_VALIDATION }],
        ['/api/gate/promote', { modelPath }],
        ['/api/gate/override', { modelPath, actor: 'mallory', reason: 'trust me' }],
      ] as const) {
        const r = await post(s.app, url, body);
        attempts++;
        expect(r.statusCode, `${url} ${modelPath}`).toBe(403);
        expect(r.json().error).toMatchObject({ code: 'VIGIL_PATH_REFUSED' });
        expect(r.json().error.issues[0].path).toBe('body.modelPath');
      }
    }
    expect(snapshotDir(s.modelsDir)).toEqual(files);
    expect(snapshotDir(join(s.root, 'outside'))).toEqual(outside);
    expect(readFileSync(join(s.modelsDir, 'meta_learner_production.pkl'), 'utf8')).toBe('{"weights":[1]}');
    // every refused attempt is on the record (the gate logs attempts), none approved or promoted
    const logged: { approved: unknown; promoted_to_production: unknown; model_sha256: unknown }[] =
      await s.host.dataSource.query(
        `SELECT approved, promoted_to_production, model_sha256 FROM model_promotion_history ORDER BY id`,
      );
    expect(logged).toHaveLength(historyBefore + attempts);
    for (const row of logged.slice(historyBefore)) {
      expect(Number(row.approved)).toBe(0);
      expect(Number(row.promoted_to_production)).toBe(0);
      expect(row.model_sha256).toBeNull();
    }
    expect((await s.app.inject({ method: 'GET', url: '/api/gate/verify' })).json().ok).toBe(true);
    expect(readdirSync(s.modelsDir).sort()).toEqual(
      Object.keys(files)
        .map((f) => f.split('/')[0])
        .filter((f, i, a) => a.indexOf(f) === i)
        .sort(),
    );
  });

  it('stores SQL-ish strings verbatim (statements are parameterised)', async () => {
    const nasty = [
      "x'); DROP TABLE vigil_predictions; --",
      'Robert"); DELETE FROM error_replay_buffer; --',
      "' OR '1'='1",
      '$1; SELECT pg_sleep(1)',
      '\\x00 %s ?',
      '🦊 ünï ℂ𝕠𝕕𝕖 \u202e',
    ];
    const base = makePredictions(nasty.length);
    const recs = base.map((r, i) => ({
      ...r,
      id: nasty[i]!,
      symbol: nasty[(i + 1) % nasty.length]!,
      regime: nasty[(i + 2) % nasty.length]!,
      modelVersion: nasty[(i + 3) % nasty.length]!,
    }));
    // a NUL character cannot be stored in PostgreSQL text: refused on both databases, naming the field
    const nul = await post(s.app, '/api/observe', { records: [{ ...recs[0], symbol: 'AB\u0000C' }] });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error.issues[0].path).toBe('body.records.0.symbol');
    expect((await post(s.app, '/api/observe', { records: recs })).json()).toEqual({
      accepted: nasty.length,
      duplicates: 0,
    });
    expect(await count(s.host, 'vigil_predictions')).toBe(nasty.length);
    for (const rec of recs)
      expect(await s.host.getPrediction(rec.id)).toMatchObject({ ...rec, timestamp: rec.timestamp });
    const res = await post(s.app, '/api/resolve', {
      outcomes: recs.map((x) => ({ id: x.id, actualLabel: 1 - x.predictedLabel })),
    });
    expect(res.json()).toEqual({ resolved: nasty.length, unchanged: 0 });
    // six models: each model's buffer holds its one error, read back by the model's (nasty) name
    const top = [];
    for (const rec of recs) {
      const r = await s.app.inject({
        method: 'GET',
        url: `/api/replay?top=50&model=${encodeURIComponent(rec.modelVersion)}`,
      });
      expect(r.json().model).toBe(rec.modelVersion);
      top.push(...(r.json().top as { symbol: string; id: string }[]));
    }
    expect(top.map((t) => t.symbol).sort()).toEqual(recs.map((x) => x.symbol).sort());
    expect(top.map((t) => t.id).sort()).toEqual(recs.map((x) => x.id).sort());
    expect(await count(s.host, 'error_replay_buffer')).toBe(nasty.length);
  });

  it('serves an OpenAPI document listing every route of docs/api.md, write routes marked bearer with a request schema', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json() as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown; requestBody?: unknown }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    const listed = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
      .sort();
    expect(documentedRoutes.length).toBeGreaterThanOrEqual(14);
    expect(listed).toEqual(documentedRoutes);
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    for (const route of WRITE_ROUTES) {
      const op = doc.paths[route.slice(5)]!.post!;
      expect(op.security, route).toEqual([{ bearer: [] }]);
      expect(op.requestBody, route).toBeDefined();
    }
  });

  it('binds the loopback address by default', async () => {
    expect(s.host.config.server.host).toBe('127.0.0.1');
    const listening = await buildServer({ host: s.host, token: TOKEN, dashboard: false });
    try {
      await listening.listen({ host: s.host.config.server.host, port: 0 });
      const address = listening.server.address() as AddressInfo;
      expect(address.address).toBe('127.0.0.1');
      expect(listening.addresses().map((a) => (typeof a === 'string' ? a : a.address))).toEqual(['127.0.0.1']);
      const res = await fetch(`http://127.0.0.1:${address.port}/api/health`);
      expect(res.status).toBe(200);
    } finally {
      await listening.close();
    }
  });
});
