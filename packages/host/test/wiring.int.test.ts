import {
  type PredictionLog,
  dataSourceToken,
  defineCriterion,
  definePlugin,
  defineToken,
  isVigilError,
  loggerToken,
  predictionLogToken,
  transactorToken,
} from '@vigil/core';
import { makePredictions } from '@vigil/test-utils';
import { describe, expect, it } from 'vitest';
import { createTestHost, testDatabases } from '../src/testing/testHost.js';

const pass = (id: string) =>
  defineCriterion({
    id,
    description: id,
    requiredByDefault: false,
    evaluate: async () => ({ status: 'pass', message: 'ok' }),
  });
const counterToken = defineToken<{ n: number }>('counter.state');

describe.each(testDatabases())('plugin wiring on %s', (database) => {
  it('init gets the core services it declares, with the data source open and migrated', async () => {
    let seen: { open: boolean; tables: number; logged: number; tagged: boolean } | undefined;
    const probe = definePlugin({
      id: 'probe',
      deps: { ds: dataSourceToken, tx: transactorToken, log: predictionLogToken, logger: loggerToken },
      async init({ ds, tx, log, logger }) {
        const tables = (await ds.query(
          ds.options.type === 'postgres'
            ? "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'vigil_predictions' AND table_schema = current_schema()"
            : "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'vigil_predictions'",
        )) as { n: unknown }[];
        logger.info('probing');
        seen = {
          open: ds.isInitialized,
          tables: Number(tables[0]?.n),
          logged: (await log.counts()).logged,
          tagged: typeof tx.run === 'function',
        };
        return {};
      },
    });
    const host = await createTestHost({ database, plugins: [probe] });
    try {
      expect(seen).toEqual({ open: true, tables: 1, logged: 0, tagged: true });
      expect(host.memoryLogger?.lines.find((e) => e.msg === 'probing')?.ctx).toMatchObject({ plugin: 'probe' });
    } finally {
      await host.dispose();
    }
  });

  it("hands a plugin another plugin's service, initialised first by dependsOn", async () => {
    const counter = definePlugin({ id: 'counter', deps: {}, init: () => ({ provides: [[counterToken, { n: 41 }]] }) });
    let got: number | undefined;
    const reader = definePlugin({
      id: 'reader',
      dependsOn: ['counter'],
      deps: { c: counterToken },
      init: ({ c }) => {
        got = c.n + 1;
        return {};
      },
    });
    const host = await createTestHost({ database, plugins: [reader, counter] });
    try {
      expect(got).toBe(42);
    } finally {
      await host.dispose();
    }
  });

  it('fails start naming the plugin, the dependency and the fix when a declared dependency has no provider', async () => {
    const reader = definePlugin({ id: 'reader', deps: { c: counterToken }, init: () => ({}) });
    const host = await createTestHost({ database, plugins: [reader], start: false });
    const err = await host.start().catch((e) => e);
    expect(isVigilError(err, 'VIGIL_PLUGIN_WIRING')).toBe(true);
    expect(err.message).toBe(
      "plugin 'reader': deps.c asks for 'counter.state', which no core service or enabled plugin initialised before it provides; enable the plugin that provides it and list it in dependsOn",
    );
    expect(host.state).toBe('failed');
    await host.dispose();
  });

  it('fails start when two plugins provide one token, or register one criterion id, or a plugin returns criteria it did not declare', async () => {
    const a = definePlugin({
      id: 'a',
      deps: {},
      init: () => ({ provides: [[counterToken, { n: 1 }]], criteria: [pass('a.x')] }),
    });
    const b = definePlugin({ id: 'b', deps: {}, init: () => ({ provides: [[counterToken, { n: 2 }]] }) });
    const twice = await createTestHost({ database, plugins: [a, b], start: false });
    const e1 = await twice.start().catch((e) => e);
    expect(e1.message).toBe(
      "plugin 'b': provides 'counter.state', which plugin 'a' already provides; a token has one provider",
    );
    await twice.dispose();

    const c = definePlugin({ id: 'c', deps: {}, init: () => ({ criteria: [pass('a.x')] }) });
    const dup = await createTestHost({ database, plugins: [a, c], start: false });
    const e2 = await dup.start().catch((e) => e);
    expect(isVigilError(e2, 'VIGIL_DUPLICATE_CRITERION')).toBe(true);
    expect(e2.message).toContain("plugin 'c': gate criterion 'a.x' is already registered by plugin 'a'");
    await dup.dispose();

    const liar = definePlugin({
      id: 'liar',
      criterionIds: ['liar.one'],
      deps: {},
      init: () => ({ criteria: [pass('liar.two')] }),
    });
    const mismatch = await createTestHost({ database, plugins: [liar], start: false });
    const e3 = await mismatch.start().catch((e) => e);
    expect(e3.message).toBe(
      "plugin 'liar': declares criterionIds [liar.one] but init returned criteria [liar.two]; make them match",
    );
    await mismatch.dispose();
  });

  it('restarts cleanly: stop unbinds what init bound, start binds it afresh', async () => {
    let inits = 0;
    const counter = definePlugin({
      id: 'counter',
      deps: {},
      init: () => ({ provides: [[counterToken, { n: ++inits }]], criteria: [pass('counter.ok')] }),
    });
    const host = await createTestHost({ database, plugins: [counter] });
    try {
      expect(host.container.resolve(counterToken).n).toBe(1);
      await host.stop();
      expect(host.container.isRegistered(counterToken, true)).toBe(false);
      await host.start();
      expect(host.container.resolve(counterToken).n).toBe(2);
    } finally {
      await host.dispose();
    }
  });

  it('the prediction log service reads the log: recent, by id, by time range, counts', async () => {
    const host = await createTestHost({ database, plugins: [] });
    try {
      const recs = makePredictions(30, { symbols: ['AAPL'] });
      await host.observe(recs.slice(0, 20));
      await host.observe(recs.slice(20));
      await host.resolve([{ id: recs[3]!.id, actualLabel: 1 }]);
      const log: PredictionLog = host.container.resolve(predictionLogToken);
      expect((await log.recent(5)).map((p) => p.id)).toEqual(recs.slice(25).map((r) => r.id));
      expect(await log.byId(recs[3]!.id)).toMatchObject({ ...recs[3], actualLabel: 1 });
      expect(await log.byId('nope')).toBeUndefined();
      const range = await log.range({ from: recs[10]!.timestamp, to: recs[15]!.timestamp });
      expect(range.map((p) => p.id)).toEqual(recs.slice(10, 15).map((r) => r.id));
      expect(await log.counts()).toEqual({ logged: 30, resolved: 1 });
      // outcomes: one model's resolved rows in [from, to), oldest first, labels only (no features)
      await host.resolve([12, 11, 14, 16].map((i) => ({ id: recs[i]!.id, actualLabel: i % 2 })));
      const other = makePredictions(3, { symbols: ['AAPL'], idPrefix: 'other-', modelVersion: 'other' });
      await host.observe(other);
      await host.resolve(other.map((r) => ({ id: r.id, actualLabel: 1 })));
      const model = recs[0]!.modelVersion;
      const outcomes = await log.outcomes({ modelVersion: model, from: recs[10]!.timestamp, to: recs[16]!.timestamp });
      expect(outcomes).toEqual(
        [11, 12, 14].map((i) => ({
          id: recs[i]!.id,
          symbol: 'AAPL',
          timestamp: recs[i]!.timestamp,
          predictedLabel: recs[i]!.predictedLabel,
          actualLabel: i % 2,
        })),
      );
      expect((await log.outcomes({ modelVersion: model })).map((o) => o.id)).toEqual(
        [3, 11, 12, 14, 16].map((i) => recs[i]!.id),
      );
      expect((await log.outcomes({ modelVersion: 'other' })).map((o) => o.id)).toEqual(other.map((r) => r.id));
    } finally {
      await host.dispose();
    }
  });
});
