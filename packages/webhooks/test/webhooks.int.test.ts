import { createHmac } from 'node:crypto';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EventBus, type Transactor, defineToken, definePlugin, eventBusToken, transactorToken } from '@vigil/core';
import {
  type TestDatabaseHandle,
  type TestHost,
  createTestDatabase,
  createTestHost,
  testDatabases,
} from '@vigil/host/testing';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type DeliveryWithAttempts,
  webhookDeliveryLogToken,
  webhookDispatcherToken,
  webhooksPlugin,
} from '../src/index.js';

const SECRET = 'test-secret-0123456789abcdef';

/** A stand-in emitter (as drift and gate do): events go on the core bus inside a write transaction. */
interface Emitter {
  emit(type: string, data: Record<string, unknown>, fail?: boolean): Promise<void>;
}
const emitterToken = defineToken<Emitter>('emitter.service');
const emitterPlugin = definePlugin({
  id: 'emitter',
  deps: { tx: transactorToken, events: eventBusToken },
  init({ tx, events }: { tx: Transactor; events: EventBus }) {
    events.declare('emitter.thing');
    const emit: Emitter['emit'] = (type, data, fail = false) =>
      tx.run(async (t) => {
        await events.emit(t, { type, occurredAt: '2024-03-01T00:00:00.000Z', data });
        if (fail) throw new Error('the emitting write failed');
      });
    return { provides: [[emitterToken, { emit }]] };
  },
});

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A receiver on 127.0.0.1 answering `status()` to every POST. */
async function receiver(
  port = 0,
  status: () => number = () => 200,
): Promise<{ server: Server; port: number; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, got };
}
const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));
/** A port nothing listens on (bound once, then released). */
async function freePort(): Promise<number> {
  const r = await receiver();
  await close(r.server);
  return r.port;
}

/** Independent check with node:crypto: `t=<s>,v1=<hex hmac("<t>.<body>")>`. */
function signatureValid(h: Received, secret: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(h.headers['vigil-signature']));
  if (!m) return false;
  return createHmac('sha256', secret).update(`${m[1]}.${h.body}`).digest('hex') === m[2];
}

const until = async (cond: () => Promise<boolean>): Promise<void> => {
  while (!(await cond())) await new Promise((r) => setTimeout(r, 20));
};

describe.each(testDatabases())('webhooks on %s', (database) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const start = async (
    url: string,
    options: Record<string, unknown> = {},
    db?: TestDatabaseHandle,
  ): Promise<TestHost> => {
    const h = await createTestHost({
      database: db ?? database,
      plugins: [emitterPlugin, webhooksPlugin],
      config: {
        plugins: {
          webhooks: {
            options: {
              endpoints: [{ id: 'ops', url, events: ['emitter.*'], secret: SECRET }],
              initialBackoffMs: 50,
              maxBackoffMs: 200,
              ...options,
            },
          },
        },
      },
    });
    cleanups.push(() => h.dispose());
    return h;
  };
  const deliveries = (h: TestHost): Promise<DeliveryWithAttempts[]> =>
    h.container.resolve(webhookDeliveryLogToken).list();

  it('delivers a signed JSON payload after commit, and nothing for a rolled-back write', async () => {
    const rx = await receiver();
    cleanups.push(() => close(rx.server));
    const h = await start(`http://127.0.0.1:${rx.port}/hook`);
    const em = h.container.resolve(emitterToken);
    await expect(em.emit('emitter.thing', { n: 1 }, true)).rejects.toThrow(/emitting write failed/);
    await em.emit('emitter.thing', { n: 2 });
    await em.emit('other.thing', { n: 3 }); // no endpoint subscribes to it
    await until(async () => (await deliveries(h)).every((d) => d.status !== 'pending'));
    await h.container.resolve(webhookDispatcherToken).idle();

    expect(rx.got).toHaveLength(1);
    const [r] = rx.got;
    expect(signatureValid(r!, SECRET)).toBe(true);
    expect(signatureValid(r!, `${SECRET}x`)).toBe(false);
    expect(r!.headers['content-type']).toBe('application/json');
    expect(r!.headers['vigil-event-type']).toBe('emitter.thing');
    const body = JSON.parse(r!.body);
    expect(body).toMatchObject({ type: 'emitter.thing', occurredAt: '2024-03-01T00:00:00.000Z', data: { n: 2 } });
    expect(body.id).toBe(r!.headers['vigil-event-id']);

    const log = await deliveries(h);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
      endpoint_id: 'ops',
      event_type: 'emitter.thing',
      last_status_code: 200,
      payload_json: r!.body,
    });
    expect(log[0]!.attemptLog.map((a) => [a.attempt, a.status_code, a.error])).toEqual([[1, 200, null]]);
  });

  it('retries with backoff while the receiver is down, then succeeds when it comes up; the log shows every attempt', async () => {
    const port = await freePort();
    const h = await start(`http://127.0.0.1:${port}/hook`);
    await h.container.resolve(emitterToken).emit('emitter.thing', { n: 7 });
    await until(async () => ((await deliveries(h))[0]?.attempts ?? 0) >= 3);
    const rx = await receiver(port);
    cleanups.push(() => close(rx.server));
    await until(async () => (await deliveries(h))[0]?.status === 'delivered');

    const [d] = await deliveries(h);
    const attempts = d!.attemptLog;
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1));
    for (const a of attempts.slice(0, -1)) expect(a).toMatchObject({ status_code: null, error: 'ECONNREFUSED' });
    expect(attempts.at(-1)).toMatchObject({ status_code: 200, error: null });
    // the waits grow: each gap between attempt starts is at least the jittered backoff (0.8 x 50 ms x 2^(k-1))
    const starts = attempts.map((a) => Date.parse(a.attempted_at));
    for (let k = 1; k < 3; k++)
      expect(starts[k]! - starts[k - 1]!).toBeGreaterThanOrEqual(Math.floor(0.8 * 50 * 2 ** (k - 1)) - 2);
    expect(rx.got).toHaveLength(1);
    expect(signatureValid(rx.got[0]!, SECRET)).toBe(true);
    expect(rx.got[0]!.headers['vigil-delivery-attempt']).toBe(String(attempts.length));
  });

  it('a short-lived process (a CLI command) delivers what it committed before its host stops', async () => {
    const rx = await receiver();
    cleanups.push(() => close(rx.server));
    const h = await start(`http://127.0.0.1:${rx.port}/hook`);
    await h.container.resolve(emitterToken).emit('emitter.thing', { n: 5 });
    await h.stop();
    expect(rx.got.map((r) => JSON.parse(r.body).data)).toEqual([{ n: 5 }]);
  });

  it('GET /api/webhooks/deliveries shows the log with attempts and no endpoint URL; a bad status is refused, naming it', async () => {
    const rx = await receiver();
    cleanups.push(() => close(rx.server));
    const h = await start(`http://127.0.0.1:${rx.port}/hook?token=do-not-publish`);
    await h.container.resolve(emitterToken).emit('emitter.thing', { n: 9 });
    await until(async () => (await deliveries(h))[0]?.status === 'delivered');
    const app = Fastify();
    cleanups.push(() => app.close());
    const routes = h.initialized.find((p) => p.plugin.id === 'webhooks')!.instance.routes!;
    await app.register(async (scope) => routes(scope, { writeAuth: undefined }), { prefix: '/api/webhooks' });
    const r = await app.inject({ method: 'GET', url: '/api/webhooks/deliveries?status=delivered' });
    expect(r.statusCode).toBe(200);
    expect(r.body).not.toContain('do-not-publish');
    expect(r.json().deliveries).toEqual([
      expect.objectContaining({
        eventType: 'emitter.thing',
        endpoint: 'ops',
        status: 'delivered',
        attempts: 1,
        lastStatusCode: 200,
        payload: expect.objectContaining({ data: { n: 9 } }),
        attemptLog: [expect.objectContaining({ attempt: 1, statusCode: 200, error: null })],
      }),
    ]);
    expect(
      (await app.inject({ method: 'GET', url: '/api/webhooks/deliveries?status=failed' })).json().deliveries,
    ).toEqual([]);
    const bad = await app.inject({ method: 'GET', url: '/api/webhooks/deliveries?status=lost' });
    expect(bad.statusCode).not.toBe(200);
    expect(bad.body).toMatch(/querystring.status: must be one of pending, delivered, failed/);
  });

  it('marks a delivery failed after maxAttempts non-2xx answers', async () => {
    const rx = await receiver(0, () => 503);
    cleanups.push(() => close(rx.server));
    const h = await start(`http://127.0.0.1:${rx.port}/hook`, { maxAttempts: 3 });
    await h.container.resolve(emitterToken).emit('emitter.thing', { n: 1 });
    await until(async () => (await deliveries(h))[0]?.status === 'failed');
    const [d] = await deliveries(h);
    expect(d!.attemptLog.map((a) => [a.status_code, a.error])).toEqual([
      [503, 'HTTP 503'],
      [503, 'HTTP 503'],
      [503, 'HTTP 503'],
    ]);
    expect(rx.got.map((r) => r.headers['vigil-event-id'])).toEqual(Array(3).fill(rx.got[0]!.headers['vigil-event-id']));
  });

  it('an acknowledged event survives the process stopping before delivery: the next host delivers it', async () => {
    const db = await createTestDatabase(database);
    cleanups.push(() => db.cleanup());
    const port = await freePort();
    const a = await start(`http://127.0.0.1:${port}/hook`, { initialBackoffMs: 60_000 }, db);
    await a.container.resolve(emitterToken).emit('emitter.thing', { n: 42 });
    await until(async () => ((await deliveries(a))[0]?.attempts ?? 0) >= 1);
    await a.stop();

    const rx = await receiver(port);
    cleanups.push(() => close(rx.server));
    const b = await start(`http://127.0.0.1:${port}/hook`, { initialBackoffMs: 60_000 }, db);
    // the pending row is due only after its backoff; a restart does not reset it, so make it due now
    await b.dataSource.query(`UPDATE webhooks_delivery SET next_attempt_at = '1970-01-01T00:00:00.000Z'`);
    b.container.resolve(webhookDispatcherToken).kick();
    await until(async () => (await deliveries(b))[0]?.status === 'delivered');
    expect(JSON.parse(rx.got[0]!.body).data).toEqual({ n: 42 });
    expect((await deliveries(b))[0]!.attemptLog.map((x) => x.status_code)).toEqual([null, 200]);
  });

  it('refuses bad endpoint config naming the field', async () => {
    await expect(start('ftp://example.com/x')).rejects.toThrow(/endpoints\[0\]\.url: must be an http\(s\) URL/);
    await expect(
      createTestHost({
        database,
        plugins: [webhooksPlugin],
        config: {
          plugins: {
            webhooks: {
              options: { endpoints: [{ id: 'a', url: 'http://127.0.0.1:1/', secretEnv: 'VIGIL_TEST_UNSET_SECRET' }] },
            },
          },
        },
      }),
    ).rejects.toThrow(/endpoints\[0\]\.secretEnv: environment variable VIGIL_TEST_UNSET_SECRET is not set/);
  });
});
