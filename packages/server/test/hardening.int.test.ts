import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, testDatabases } from '@vigil/host/testing';
import { makePredictions } from '@vigil/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_CHUNK, MAX_BATCH, buildServer } from '../src/index.js';
import { AUTH, GOOD_VALIDATION, type Served, TOKEN, count, post, serve, writeModel } from './helpers.js';

/** A POST with a raw byte body (invalid UTF-8 cannot be written as a JS string). */
const postBytes = (s: Served, url: string, bytes: Buffer) =>
  s.app.inject({ method: 'POST', url, payload: bytes, headers: { ...AUTH, 'content-type': 'application/json' } });

const one = makePredictions(1)[0]!;

// Issue 16: defects found probing the server from outside.
describe.each(testDatabases())('HTTP hardening on %s', (database) => {
  let s: Served;
  beforeEach(async () => {
    s = await serve(database);
  });
  afterEach(() => s.close());

  it('item 4: refuses invalid UTF-8 in a body with 400 naming the field, and writes nothing', async () => {
    const json = JSON.stringify({ records: [{ ...one, id: 'AAPL-XX' }] });
    const at = Buffer.from(json).indexOf('XX');
    for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      const bytes = Buffer.concat([
        Buffer.from(json).subarray(0, at),
        Buffer.from(bad),
        Buffer.from(json).subarray(at + 2),
      ]);
      const r = await postBytes(s, '/api/observe', bytes);
      expect(r.statusCode, JSON.stringify(bad)).toBe(400);
      expect(r.json().error.code).toBe('VIGIL_INVALID_INPUT');
      expect(r.json().error.issues[0]).toMatchObject({
        path: 'body.records.0.id',
        message: expect.stringMatching(/UTF-8/),
      });
    }
    // outside any string: the body as a whole
    const r = await postBytes(
      s,
      '/api/observe',
      Buffer.concat([Buffer.from('{"records":'), Buffer.from([0xff]), Buffer.from('[]}')]),
    );
    expect(r.statusCode).toBe(400);
    expect(r.json().error.issues[0].path).toBe('body');
    expect(await count(s.host, 'vigil_predictions')).toBe(0);
    // well-formed multi-byte text still goes through
    expect((await post(s.app, '/api/observe', { records: [{ ...one, id: 'Ünïcödé-🦄' }] })).statusCode).toBe(200);
  });

  it('item 5: refuses impossible dates and years past 9999 with 400 naming the field', async () => {
    for (const [url, body, path] of [
      ['/api/observe', { records: [{ ...one, timestamp: '2024-02-30T00:00:00Z' }] }, 'body.records.0.timestamp'],
      ['/api/observe', { records: [{ ...one, timestamp: '+275760-09-13T00:00:00.000Z' }] }, 'body.records.0.timestamp'],
    ] as const) {
      const r = await post(s.app, url, body);
      expect(r.statusCode).toBe(400);
      expect(r.json().error.issues.map((i: { path: string }) => i.path)).toEqual([path]);
    }
    expect(await count(s.host, 'vigil_predictions')).toBe(0);
    expect((await post(s.app, '/api/observe', { records: [one] })).statusCode).toBe(200);
    const r = await post(s.app, '/api/resolve', {
      outcomes: [{ id: one.id, actualLabel: 1, resolvedAt: '2023-02-29' }],
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.issues.map((i: { path: string }) => i.path)).toEqual(['body.outcomes.0.resolvedAt']);
  });

  it('item 8: accepts the bearer scheme in any case', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const r = await post(s.app, '/api/observe', { records: [one] }, { authorization: `${scheme} ${TOKEN}` });
      expect(r.statusCode, scheme).toBe(200);
    }
  });

  it('item 7: refuses a batch above the documented maximum with 413, before looking at its records', async () => {
    const tiny = {
      id: 'x',
      timestamp: '2020-01-01',
      symbol: 'A',
      regime: 'n',
      features: {},
      predictedLabel: 0,
      confidence: 0.5,
      modelVersion: 'm',
    };
    const r = await post(s.app, '/api/observe', { records: Array.from({ length: MAX_BATCH + 1 }, () => tiny) });
    expect(r.statusCode).toBe(413);
    expect(r.json().error.message).toMatch(new RegExp(`at most ${MAX_BATCH}.*split`));
    expect(await count(s.host, 'vigil_predictions')).toBe(0);
  });

  it('item 7: a large batch is committed in chunks, and the server answers other requests between them', async () => {
    const n = BATCH_CHUNK * 3 + 17;
    const records = makePredictions(n, { features: 3 });
    const events: string[] = [];
    const observe = s.host.observe.bind(s.host);
    (s.host as { observe: typeof observe }).observe = async (batch) => {
      events.push(`observe ${(batch as unknown[]).length}`);
      return observe(batch);
    };
    const health = async (): Promise<void> => {
      while (!done) {
        const r = await s.app.inject({ method: 'GET', url: '/api/health' });
        if (r.statusCode === 200) events.push('health');
        await new Promise((r) => setImmediate(r));
      }
    };
    let done = false;
    const poller = health();
    const r = await post(s.app, '/api/observe', { records });
    done = true;
    await poller;
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ accepted: n, duplicates: 0 });
    expect(await count(s.host, 'vigil_predictions')).toBe(n);
    const chunks = events.filter((e) => e.startsWith('observe'));
    expect(chunks).toEqual([
      `observe ${BATCH_CHUNK}`,
      `observe ${BATCH_CHUNK}`,
      `observe ${BATCH_CHUNK}`,
      'observe 17',
    ]);
    // between consecutive chunks the event loop served health checks
    const at = events.map((e, i) => (e.startsWith('observe') ? i : -1)).filter((i) => i >= 0);
    for (let k = 1; k < at.length; k++)
      expect(events.slice(at[k - 1]! + 1, at[k]).includes('health'), `between chunk ${k} and ${k + 1}`).toBe(true);
  });

  it('item 7: a malformed record anywhere in a large batch refuses the whole batch before any chunk is written', async () => {
    const records = makePredictions(BATCH_CHUNK * 2 + 5, { features: 2 }).map((r, i) =>
      i === BATCH_CHUNK * 2 + 3 ? { ...r, confidence: 1.5 } : r,
    );
    const r = await post(s.app, '/api/observe', { records });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.issues[0].path).toBe(`body.records.${BATCH_CHUNK * 2 + 3}.confidence`);
    const late = makePredictions(BATCH_CHUNK * 2 + 5, { features: 2 }).map((r, i) =>
      i === BATCH_CHUNK + 1 ? { ...r, timestamp: '2024-02-30' } : r,
    );
    const r2 = await post(s.app, '/api/observe', { records: late });
    expect(r2.statusCode).toBe(400);
    expect(r2.json().error.issues[0].path).toBe(`body.records.${BATCH_CHUNK + 1}.timestamp`);
    expect(await count(s.host, 'vigil_predictions')).toBe(0);
  });
});

describe('item 1: the token at server start', () => {
  it('refuses a short or whitespace token from options or VIGIL_API_TOKEN, without echoing it', async () => {
    const s = await serve('sqlite-memory', { token: null });
    const saved = process.env.VIGIL_API_TOKEN;
    try {
      for (const [token, env] of [
        ['short123', undefined],
        [' '.repeat(16), undefined],
        [undefined, 'short-env'],
      ] as const) {
        if (env === undefined) delete process.env.VIGIL_API_TOKEN;
        else process.env.VIGIL_API_TOKEN = env;
        const err = await buildServer({
          host: s.host,
          dashboard: false,
          ...(token === undefined ? {} : { token }),
        }).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(err?.message, String(token ?? env)).toMatch(/at least 16/);
        expect(err?.message).not.toContain((token ?? env)!.trim() || '\u0000');
      }
    } finally {
      if (saved === undefined) delete process.env.VIGIL_API_TOKEN;
      else process.env.VIGIL_API_TOKEN = saved;
      await s.close();
    }
  });

  it('says at start that writes are disabled when no token is set', async () => {
    const saved = process.env.VIGIL_API_TOKEN;
    delete process.env.VIGIL_API_TOKEN;
    const s = await serve('sqlite-memory', { token: null });
    try {
      expect(s.host.memoryLogger?.lines.some((l) => l.level === 'warn' && /writes are disabled/.test(l.msg))).toBe(
        true,
      );
      expect((await post(s.app, '/api/observe', { records: [one] })).statusCode).toBe(401);
    } finally {
      if (saved !== undefined) process.env.VIGIL_API_TOKEN = saved;
      await s.close();
    }
  });
});

describe('item 9: no absolute paths on open read endpoints or in 403s', () => {
  it('shows no directory of the server, even for history written from another root', async () => {
    const db = await createTestDatabase('sqlite-file');
    const rootA = mkdtempSync(join(tmpdir(), 'vigil-root-a-'));
    const rootB = mkdtempSync(join(tmpdir(), 'vigil-root-b-'));
    try {
      const a = await serve(db, { root: rootA });
      const model = writeModel(a, 'm1.json', '{"w":[1]}');
      expect(
        (await post(a.app, '/api/gate/validate', { modelPath: model, validation: GOOD_VALIDATION })).statusCode,
      ).toBe(200);
      expect((await post(a.app, '/api/gate/promote', { modelPath: model, modelVersion: 'm1' })).statusCode).toBe(200);
      const refused = await post(a.app, '/api/gate/validate', {
        modelPath: '../../etc/passwd',
        validation: GOOD_VALIDATION,
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.body).not.toContain(rootA);
      await a.app.close();
      await a.host.stop();

      const b = await serve(db, { root: rootB });
      for (const url of ['/api/gate/latest', '/api/gate/history']) {
        const r = await b.app.inject({ method: 'GET', url });
        expect(r.statusCode).toBe(200);
        expect(r.body, url).not.toContain(rootA);
        expect(r.body, url).not.toContain(rootB);
        expect(r.body, url).not.toMatch(/"modelPath":"\//);
      }
      const paths = (await b.app.inject({ method: 'GET', url: '/api/gate/history' }))
        .json()
        .rows.map((r: { modelPath: string }) => r.modelPath);
      expect(paths).toEqual(['../../etc/passwd', '…/m1.json', '…/m1.json']);
      const promote = await post(b.app, '/api/gate/promote', {
        modelPath: `${rootA}/models/m1.json`,
        modelVersion: 'm1',
      });
      expect(promote.statusCode).toBe(403);
      expect(promote.json().error.message).not.toContain(rootB);
      await b.app.close();
      await b.host.stop();
    } finally {
      await db.cleanup();
      rmSync(rootA, { recursive: true, force: true });
      rmSync(rootB, { recursive: true, force: true });
    }
  });
});
