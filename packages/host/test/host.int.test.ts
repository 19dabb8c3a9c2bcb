import {
  definePlugin,
  insertRows,
  isVigilError,
  type PredictionRecord,
  predictionLogToken,
  transactorToken,
} from '@vigil/core';
import { rowToRecord } from '../src/predictionLog.js';
import { makePredictions } from '@vigil/test-utils';
import { createTestDatabase, createTestHost, testDatabases, type TestHost } from '@vigil/host/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditPlugin, auditToken, callLog, laterPlugin } from './fixtures.js';

const count = async (h: TestHost, table: string): Promise<number> =>
  Number((await h.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

describe.each(testDatabases())('host observe/resolve on %s', (database) => {
  let host: TestHost;
  beforeEach(async () => {
    callLog.length = 0;
    host = await createTestHost({ database, plugins: [laterPlugin, auditPlugin] });
  });
  afterEach(() => host.dispose());

  it('orders plugins by dependsOn and persists a batch with every hook in one transaction', async () => {
    expect(host.plugins.map((p) => p.id)).toEqual(['audit', 'later']);
    const recs = makePredictions(250);
    await expect(host.observe(recs)).resolves.toEqual({ accepted: 250, duplicates: 0 });
    expect(await count(host, 'vigil_predictions')).toBe(250);
    expect(await count(host, 'audit_rows')).toBe(250);
    expect(callLog).toEqual(['audit.observe:250', 'later.observe:250']);
    expect(host.container.resolve(auditToken).seen).toBe(250);
    const stored = await host.getPrediction(recs[7]!.id);
    expect(stored).toMatchObject({ ...recs[7], actualLabel: null, resolvedAt: null });
  });

  it('accepts a single record as well as a batch', async () => {
    const [one] = makePredictions(1);
    await expect(host.observe(one!)).resolves.toEqual({ accepted: 1, duplicates: 0 });
  });

  it('resolves outcomes: joins them to the logged prediction, same label twice is a no-op, a different label an error', async () => {
    const recs = makePredictions(10);
    await host.observe(recs);
    const outcomes = recs.map((r, i) => ({ id: r.id, actualLabel: i % 2, resolvedAt: '2020-02-01T00:00:00Z' }));
    await expect(host.resolve(outcomes)).resolves.toEqual({ resolved: 10, unchanged: 0 });
    expect(callLog.slice(-2)).toEqual(['audit.resolve:10', 'later.resolve:10']);
    const right = recs.filter((r, i) => r.predictedLabel === i % 2).length;
    const rows = await host.dataSource.query(
      `SELECT kind, COUNT(*) AS n FROM audit_rows WHERE kind <> 'observe' GROUP BY kind ORDER BY kind`,
    );
    expect(rows.map((r: { kind: string; n: unknown }) => [r.kind, Number(r.n)])).toEqual(
      [
        ['right', right],
        ['wrong', 10 - right],
      ].filter(([, n]) => n !== 0),
    );
    expect(await host.getPrediction(recs[3]!.id)).toMatchObject({
      actualLabel: 1,
      resolvedAt: '2020-02-01T00:00:00.000Z',
    });

    await expect(host.resolve(outcomes.slice(0, 3))).resolves.toEqual({ resolved: 0, unchanged: 3 });
    const err = await host.resolve({ id: recs[0]!.id, actualLabel: 1 }).catch((e) => e);
    expect(isVigilError(err, 'VIGIL_CONFLICTING_OUTCOME')).toBe(true);
    expect(err.message).toContain(recs[0]!.id);
  });

  it('refuses outcomes for unknown ids and writes nothing from that batch', async () => {
    const recs = makePredictions(3);
    await host.observe(recs);
    const err = await host
      .resolve([
        { id: recs[0]!.id, actualLabel: 1 },
        { id: 'nope', actualLabel: 0 },
      ])
      .catch((e) => e);
    expect(isVigilError(err, 'VIGIL_UNKNOWN_PREDICTION')).toBe(true);
    expect(err.message).toContain('"nope"');
    expect((await host.getPrediction(recs[0]!.id))?.actualLabel).toBeNull();
  });

  it('rolls the whole batch back when a hook fails, in-memory state included', async () => {
    await host.stop();
    const recs = makePredictions(50);
    const failing = await createTestHost({
      database: host.db,
      plugins: [auditPlugin, laterPlugin],
      config: { plugins: { audit: { options: { failOn: recs[49]!.id } } } },
    });
    try {
      const err = await failing.observe(recs).catch((e) => e);
      expect(isVigilError(err, 'VIGIL_HOOK_FAILED')).toBe(true);
      expect(err.message).toContain("plugin 'audit'");
      expect(await count(failing, 'vigil_predictions')).toBe(0);
      expect(await count(failing, 'audit_rows')).toBe(0);
      expect(failing.container.resolve(auditToken).seen).toBe(0);
      expect(callLog).not.toContain('later.observe:50');
      // the host stays usable after a rolled-back batch
      await expect(failing.observe(recs.slice(0, 10))).resolves.toEqual({ accepted: 10, duplicates: 0 });
    } finally {
      await failing.stop();
    }
  });

  it('refuses bad records naming each field, and writes nothing', async () => {
    const good = makePredictions(4);
    const bad = [
      good[0],
      { ...good[1], features: { ...good[1]!.features, f3: Number.NaN } },
      { ...good[2], confidence: 1.5 },
      { ...good[3], symbol: undefined },
      { ...good[0], id: 'x1', predictedLabel: 7 },
    ] as unknown as PredictionRecord[];
    const err = await host.observe(bad).catch((e) => e);
    expect(isVigilError(err, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(err.issues.map((i: { path: string }) => i.path)).toEqual([
      'records[1].features.f3',
      'records[2].confidence',
      'records[3].symbol',
      'records[4].predictedLabel',
    ]);
    expect(err.message).toContain('records[1].features.f3: must be a finite number, got NaN');
    expect(err.message).toContain('records[2].confidence: must be a number in [0, 1], got 1.5');
    expect(await count(host, 'vigil_predictions')).toBe(0);
    expect(callLog).toEqual([]);
  });

  it("a hook's statements see the batch's rows, in the batch's transaction", async () => {
    await host.stop();
    const seen: number[] = [];
    // reads the log through the host's service, in the batch's transaction, before writing anything itself
    const reader = definePlugin({
      id: 'reader',
      deps: { log: predictionLogToken },
      init: ({ log }) => ({
        hooks: {
          async observe(records, { manager }) {
            seen.push((await log.counts(manager)).logged);
            const last = await log.byId(records.at(-1)!.id, manager);
            if (!last) throw new Error('the last record of the batch is not in the log yet');
          },
        },
      }),
    });
    const h = await createTestHost({ database: host.db, plugins: [reader, auditPlugin] });
    try {
      // 4,500 records of 9 columns: several INSERT statements on both databases
      await h.observe(makePredictions(4_500));
      await h.observe(makePredictions(10, { idPrefix: 'second-' }));
      expect(seen).toEqual([4_500, 4_510]);
    } finally {
      await h.stop();
    }
  });

  it('stores a batch of several INSERT statements row for row, and a failing later statement leaves nothing', async () => {
    // 4,500 records: three statements on both databases, each built while the one before runs
    const recs = makePredictions(4_500, { seed: 3 });
    await host.observe(recs);
    const stored = await host.dataSource.manager.query('SELECT * FROM vigil_predictions ORDER BY id');
    expect(stored.map(rowToRecord)).toEqual([...recs].sort((a, b) => (a.id < b.id ? -1 : 1)));
    // a batch whose third statement meets an id logged with other content: the first two statements are rolled back
    const next = makePredictions(4_500, { seed: 4, idPrefix: 'n' });
    next[4_400] = { ...recs[17]!, confidence: recs[17]!.confidence / 2 };
    const err = await host.observe(next).catch((e) => e);
    expect(isVigilError(err, 'VIGIL_DUPLICATE_PREDICTION')).toBe(true);
    expect(err.message).toContain('records[4400].id');
    expect(await count(host, 'vigil_predictions')).toBe(4_500);
    expect(await count(host, 'audit_rows')).toBe(4_500);
  });

  it('insertRows: a row that fails to build after a statement was sent rolls the transaction back', async () => {
    const tx = host.container.resolve(transactorToken);
    const columns = ['prediction_id', 'kind'];
    const fill = (i: number, p: unknown[], at: number) => {
      if (i === 20_500) throw new Error('row 20500 cannot be built');
      p[at] = `r${i}`;
      p[at + 1] = 'x';
    };
    // two columns: 2,000 rows a statement, so rows 0-19,999 are sent before row 20,500 is built
    await expect(tx.run(({ manager }) => insertRows(manager, 'audit_rows', columns, 30_000, fill))).rejects.toThrow(
      'row 20500 cannot be built',
    );
    expect(await count(host, 'audit_rows')).toBe(0);
    await tx.run(({ manager }) => insertRows(manager, 'audit_rows', columns, 2_001, (i, p, at) => fill(i, p, at)));
    expect(await count(host, 'audit_rows')).toBe(2_001);
  });

  it('treats a retried identical batch as a no-op and a changed duplicate as an error', async () => {
    const recs = makePredictions(20);
    await host.observe(recs.slice(0, 10));
    await expect(host.observe(recs)).resolves.toEqual({ accepted: 10, duplicates: 10 });
    const err = await host.observe({ ...recs[0]!, confidence: 0.51 }).catch((e) => e);
    expect(isVigilError(err, 'VIGIL_DUPLICATE_PREDICTION')).toBe(true);
    expect(await count(host, 'vigil_predictions')).toBe(20);
    expect(await count(host, 'audit_rows')).toBe(20);
  });
});

describe('host lifecycle', () => {
  it('start and stop are idempotent; a stopped host refuses writes; it can start again', async () => {
    const db = await createTestDatabase('sqlite-file');
    const host = await createTestHost({ database: db, plugins: [auditPlugin], start: false });
    expect(host.state).toBe('created');
    await host.start();
    await host.start();
    expect(host.state).toBe('started');
    await host.observe(makePredictions(3));
    await host.stop();
    await host.stop();
    expect(host.state).toBe('stopped');
    const err = await host.observe(makePredictions(1)).catch((e) => e);
    expect(isVigilError(err, 'VIGIL_HOST_STATE')).toBe(true);
    await host.start();
    expect(await count(host, 'vigil_predictions')).toBe(3);
    await host.dispose();
    await db.cleanup();
  });

  it('names the plugin whose start throws, stops those already started, and can be stopped after', async () => {
    const stopped: string[] = [];
    const ok = {
      id: 'ok',
      deps: {},
      init: () => ({
        async stop() {
          stopped.push('ok');
        },
      }),
    };
    const boom = {
      id: 'boom',
      dependsOn: ['ok'],
      deps: {},
      init: () => ({
        async start() {
          throw new Error('no market data');
        },
      }),
    };
    const host = await createTestHost({ plugins: [ok, boom], start: false });
    const err = await host.start().catch((e) => e);
    expect(isVigilError(err, 'VIGIL_PLUGIN_START_FAILED')).toBe(true);
    expect(err.message).toBe("plugin 'boom' failed to start: no market data");
    expect(err.cause.message).toBe('no market data');
    expect(host.state).toBe('failed');
    expect(stopped).toEqual(['ok']);
    await expect(host.stop()).resolves.toBeUndefined();
    expect(host.state).toBe('stopped');
  });

  it('stops plugins in reverse order and aggregates every stop error', async () => {
    const order: string[] = [];
    const mk = (id: string, dependsOn: string[], fail: boolean) => ({
      id,
      dependsOn,
      deps: {},
      init: () => ({
        async stop() {
          order.push(id);
          if (fail) throw new Error(`${id} stuck`);
        },
      }),
    });
    const host = await createTestHost({ plugins: [mk('c', ['b'], true), mk('b', ['a'], false), mk('a', [], true)] });
    const err = await host.stop().catch((e) => e);
    expect(order).toEqual(['c', 'b', 'a']);
    expect(isVigilError(err, 'VIGIL_PLUGIN_STOP_FAILED')).toBe(true);
    expect(err.message).toContain("plugin 'c' failed to stop: c stuck");
    expect(err.message).toContain("plugin 'a' failed to stop: a stuck");
  });

  it('a disabled plugin has no tables, no tokens and no hooks', async () => {
    callLog.length = 0;
    const host = await createTestHost({ plugins: [auditPlugin], config: { plugins: { audit: { enabled: false } } } });
    try {
      expect(host.plugins).toEqual([]);
      expect(host.container.isRegistered(auditToken, true)).toBe(false);
      await host.observe(makePredictions(5));
      expect(callLog).toEqual([]);
      const tables = await host.dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`);
      expect(tables.map((t: { name: string }) => t.name)).not.toContain('audit_rows');
    } finally {
      await host.dispose();
    }
  });
});
