import { type PredictionRecord, definePlugin, isVigilError } from '@vigil/core';
import { makePredictions } from '@vigil/test-utils';
import { createTestDatabase, createTestHost, type TestHost, testDatabases } from '@vigil/host/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorReplayBuffer } from '../src/ErrorReplayBuffer.js';
import { replayPlugin } from '../src/plugin.js';
import type { ErrorInput } from '../src/validateErrors.js';
import { bufferOf, randomErrors, startReplayHost, tableRows } from './helpers.js';

const err = (o: Partial<ErrorInput> = {}): ErrorInput => ({
  features: [0.1, 0.2, 0.3],
  actualLabel: 0,
  predictedLabel: 1,
  confidence: 0.9,
  symbol: 'AAPL',
  timestamp: '2020-03-02',
  regime: 'normal',
  ...o,
});

describe.each(testDatabases())('error replay buffer on %s', (database) => {
  let host: TestHost;
  afterEach(async () => host?.dispose());

  // Found by packages/reliability's fuzz on PostgreSQL: a NUL reached the driver as a QueryFailedError.
  it('refuses text PostgreSQL cannot store (NUL, unpaired surrogates) naming the field', async () => {
    host = await startReplayHost(database, { symbolWindowDays: 0 });
    const buffer = bufferOf(host);
    const e = await buffer.addErrors([err({ symbol: 'A\u0000' }), err({ regime: '\udc00x' })]).catch((x) => x);
    expect(isVigilError(e, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(e.issues.map((i: { path: string }) => i.path)).toEqual(['errors[0].symbol', 'errors[1].regime']);
    expect(await tableRows(host)).toEqual([]);
  });

  it('refuses bad input naming each field, and leaves the table untouched', async () => {
    host = await startReplayHost(database, { symbolWindowDays: 0 });
    const buffer = bufferOf(host);
    await buffer.addError(err());
    const before = await tableRows(host);
    const bad = [
      err({ symbol: 'OK' }),
      err({ features: [1, 2] }),
      err({ features: [1, Number.NaN, 3] }),
      err({ confidence: 1.5 }),
      err({ actualLabel: 7 }),
      err({ predictedLabel: 0.5 }),
      err({ timestamp: 'yesterday' }),
      err({ symbol: '' }),
    ];
    const e = await buffer.addErrors(bad).catch((x) => x);
    expect(isVigilError(e, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(e.issues.map((i: { path: string }) => i.path)).toEqual([
      'errors[1].features',
      'errors[2].features[1]',
      'errors[3].confidence',
      'errors[4].actualLabel',
      'errors[5].predictedLabel',
      'errors[6].timestamp',
      'errors[7].symbol',
    ]);
    expect(e.message).toContain("errors[1].features: must have 3 features (the buffer's feature length), got 2");
    expect(e.message).toContain('errors[2].features[1]: must be a finite number, got NaN');
    expect(e.message).toContain('errors[4].actualLabel: must be one of the configured labels [0, 1], got 7');
    expect(await tableRows(host)).toEqual(before);
    expect(buffer.size).toBe(1);
  });

  it('fixes the feature length with the first write, even for calls made concurrently', async () => {
    host = await startReplayHost(database, { symbolWindowDays: 0 });
    const buffer = bufferOf(host);
    const [a, b] = await Promise.allSettled([
      buffer.addError(err({ features: [1, 2] })),
      buffer.addError(err({ symbol: 'B', features: [1, 2, 3] })),
    ]);
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect(isVigilError((b as PromiseRejectedResult).reason, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect((await tableRows(host)).map((r) => r.features)).toEqual([[1, 2]]);
  });

  it('refuses maxSize < 1 from config and from code', async () => {
    const e = await startReplayHost(database, { maxSize: 0 }).catch((x) => x);
    expect(isVigilError(e, 'VIGIL_CONFIG_INVALID')).toBe(true);
    expect(e.message).toContain('plugins.replay.options.maxSize');
    host = await startReplayHost(database);
    const deps = {
      dataSource: host.dataSource,
      transactor: {
        run: async () => {
          throw new Error('no write expected');
        },
      },
      clock: { now: () => new Date() },
    };
    const direct = (() => {
      try {
        return new ErrorReplayBuffer(deps, { ...bufferOf(host).options, maxSize: 0 });
      } catch (x) {
        return x;
      }
    })();
    expect(isVigilError(direct, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect((direct as Error).message).toContain('maxSize: must be an integer >= 1, got 0');
  });

  it('scores errors by confidence, skips correct predictions and reports what happened to each', async () => {
    host = await startReplayHost(database, { maxSize: 2, symbolWindowDays: 0 });
    const buffer = bufferOf(host);
    const r = await buffer.addErrors([
      err({ symbol: 'A', confidence: 0.6 }),
      err({ symbol: 'B', predictedLabel: 0, confidence: 0.99 }),
      err({ symbol: 'C', confidence: 0.7 }),
      err({ symbol: 'D', confidence: 0.95 }),
      err({ symbol: 'E', confidence: 0.5 }),
    ]);
    expect(r.stored).toBe(2);
    expect(r.evicted).toBe(0);
    expect(r.rejected).toEqual({ correct: 1, superseded: 1, 'below-top-n': 1 });
    expect(r.outcomes.map((o) => ('id' in o ? 'id' : o.reason))).toEqual([
      'superseded',
      'correct',
      'id',
      'id',
      'below-top-n',
    ]);
    const rows = await tableRows(host);
    expect(rows.map((x) => [x.symbol, x.score, x.confidence, x.actualLabel, x.predictedLabel])).toEqual([
      ['D', 0.95, 0.95, 0, 1],
      ['C', 0.7, 0.7, 0, 1],
    ]);
    const r2 = await buffer.addError(err({ symbol: 'F', confidence: 0.8 }));
    expect(r2).toMatchObject({ stored: 1, evicted: 1 });
    expect((await tableRows(host)).map((x) => x.symbol)).toEqual(['D', 'F']);
  });

  it('keeps only the worst error per symbol inside the window, and honours regime quotas', async () => {
    host = await startReplayHost(database, { symbolWindowDays: 5, regimeQuotas: { crash: 2 } });
    const buffer = bufferOf(host);
    await buffer.addErrors([
      err({ symbol: 'XOM', timestamp: '2020-03-02', confidence: 0.7 }),
      err({ symbol: 'XOM', timestamp: '2020-03-03', confidence: 0.9 }),
      err({ symbol: 'XOM', timestamp: '2020-03-04', confidence: 0.8 }),
      err({ symbol: 'XOM', timestamp: '2020-03-09', confidence: 0.6 }),
      err({ symbol: 'JPM', timestamp: '2020-03-03', confidence: 0.65 }),
    ]);
    expect((await tableRows(host)).map((r) => [r.symbol, r.timestamp.slice(0, 10), r.score])).toEqual([
      ['XOM', '2020-03-03', 0.9],
      ['JPM', '2020-03-03', 0.65],
      ['XOM', '2020-03-09', 0.6],
    ]);
    await buffer.addErrors([
      err({ symbol: 'A', regime: 'crash', confidence: 0.7 }),
      err({ symbol: 'B', regime: 'crash', confidence: 0.9 }),
      err({ symbol: 'C', regime: 'crash', confidence: 0.6 }),
      err({ symbol: 'D', regime: 'crash', confidence: 0.8 }),
    ]);
    const crash = (await tableRows(host)).filter((r) => r.regime === 'crash');
    expect(crash.map((r) => [r.symbol, r.score])).toEqual([
      ['B', 0.9],
      ['D', 0.8],
    ]);
  });

  it('puts wrong resolved predictions in the buffer from the resolve hook, features as logged', async () => {
    host = await startReplayHost(database, { symbolWindowDays: 0 });
    const recs = makePredictions(40, { features: 4 });
    await host.observe(recs);
    const outcomes = recs.map((r, i) => ({
      id: r.id,
      actualLabel: i % 3 === 0 ? r.predictedLabel : 1 - r.predictedLabel,
    }));
    await host.resolve(outcomes);
    const wrong = recs.filter((_, i) => i % 3 !== 0);
    const rows = await tableRows(host);
    expect(rows).toHaveLength(wrong.length);
    const bySymbolScore = [...wrong].sort((a, b) => b.confidence - a.confidence || a.id.localeCompare(b.id));
    expect(rows.map((r) => r.score)).toEqual(bySymbolScore.map((r) => r.confidence));
    const first = bySymbolScore[0] as PredictionRecord;
    expect(rows[0]).toMatchObject({
      predictionId: first.id,
      model: first.modelVersion,
      symbol: first.symbol,
      timestamp: first.timestamp,
      regime: first.regime,
      actualLabel: 1 - first.predictedLabel,
      predictedLabel: first.predictedLabel,
      features: ['f0', 'f1', 'f2', 'f3'].map((k) => first.features[k]),
    });
    expect(bufferOf(host).featureLayout.names).toEqual(['f0', 'f1', 'f2', 'f3']);
    // a prediction with another feature set is refused when logged, not when it resolves
    const other = makePredictions(1, { features: 5, idPrefix: 'q' });
    const e = await host.observe(other).catch((x) => x);
    expect(isVigilError(e, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(e.message).toContain('records[0].features: must have 4 features');
  });

  it('with captureResolved off, the hooks neither fill the buffer nor check features', async () => {
    host = await startReplayHost(database, { captureResolved: false });
    await host.observe([...makePredictions(3, { features: 2 }), ...makePredictions(2, { features: 6, idPrefix: 'q' })]);
    const r = await host.resolve(
      makePredictions(3, { features: 2 }).map((p) => ({ id: p.id, actualLabel: 1 - p.predictedLabel })),
    );
    expect(r.resolved).toBe(3);
    expect(await tableRows(host)).toEqual([]);
    expect(bufferOf(host).featureLayout.established).toBe(false);
  });

  it('a rolled-back resolve batch leaves the table and the in-memory index untouched', async () => {
    const failing = definePlugin({
      id: 'failing',
      dependsOn: ['replay'],
      deps: {},
      init: () => ({
        hooks: {
          async resolve() {
            throw new Error('downstream refuses');
          },
        },
      }),
    });
    host = await createTestHost({
      database,
      plugins: [replayPlugin, failing],
      config: { plugins: { replay: { options: { symbolWindowDays: 0 } } } },
    });
    const recs = makePredictions(10, { features: 3 });
    await host.observe(recs);
    const e = await host.resolve(recs.map((r) => ({ id: r.id, actualLabel: 1 - r.predictedLabel }))).catch((x) => x);
    expect(isVigilError(e, 'VIGIL_HOOK_FAILED')).toBe(true);
    expect(await tableRows(host)).toEqual([]);
    expect(bufferOf(host).size).toBe(0);
    // the next batch still gets consistent ids and a consistent index
    await bufferOf(host).addErrors([err({ features: { f0: 1, f1: 2, f2: 3 } })]);
    expect(
      bufferOf(host)
        .ranking()
        .map((r) => r.id),
    ).toEqual((await tableRows(host)).map((r) => r.id));
  });

  it('samples by priority with a seed, increments replayed_count and reports stats', async () => {
    host = await startReplayHost(database, { symbolWindowDays: 0, maxSize: 500 });
    const buffer = bufferOf(host);
    await buffer.addErrors(randomErrors(2_000, 3).map((e) => ({ ...e, features: [1, 2] })));
    const a = await buffer.getReplaySamples(300, { seed: 7 });
    const b = await buffer.getReplaySamples(300, { seed: 7 });
    expect(b.bufferIds).toEqual(a.bufferIds);
    expect(a.features).toHaveLength(300);
    expect(a.labels).toHaveLength(300);
    expect(Math.max(...a.weights)).toBeLessThanOrEqual(1);
    const rows = await tableRows(host);
    expect(rows.reduce((s, r) => s + r.replayed, 0)).toBe(600);
    const drawn = new Map<number, number>();
    for (const id of [...a.bufferIds, ...b.bufferIds]) drawn.set(id, (drawn.get(id) ?? 0) + 1);
    for (const r of rows) expect(r.replayed).toBe(drawn.get(r.id) ?? 0);
    const stats = await buffer.getErrorStats();
    expect(stats.totalErrors).toBe(500);
    expect(stats.totalReplays).toBe(600);
    expect(stats.replayedErrors).toBe(drawn.size);
    expect(stats.highConfidenceErrors).toBe(rows.filter((r) => r.confidence > 0.8).length);
    expect(stats.avgConfidence).toBeCloseTo(rows.reduce((s, r) => s + r.confidence, 0) / 500, 10);
    expect(Object.values(stats.byRegime).reduce((s, n) => s + n, 0)).toBe(500);
    expect(stats.byLabel).toEqual({
      '0': rows.filter((r) => r.actualLabel === 0).length,
      '1': rows.filter((r) => r.actualLabel === 1).length,
    });
  });

  it('mixes replay into a training batch at 20% with 3x (IS-scaled) weight', async () => {
    host = await startReplayHost(database, { symbolWindowDays: 0 });
    const buffer = bufferOf(host);
    const batch = {
      features: Array.from({ length: 80 }, (_, i) => [i, -i]),
      labels: Array.from({ length: 80 }, (_, i) => i % 2),
    };
    const empty = await buffer.buildTrainingMix(batch);
    expect(empty.labels).toHaveLength(80);
    expect(empty.weights.every((w) => w === 1)).toBe(true);
    await buffer.addErrors(randomErrors(100, 4));
    const mix = await buffer.buildTrainingMix(batch, { seed: 1 });
    expect(mix.labels).toHaveLength(100);
    expect(mix.isReplay.filter(Boolean)).toHaveLength(20);
    const replayWeights = mix.weights.slice(80);
    expect(Math.max(...replayWeights)).toBeLessThanOrEqual(3);
    expect(Math.min(...replayWeights)).toBeGreaterThan(0);
    const e = await buffer.buildTrainingMix({ features: [[1, 2, 3]], labels: [1] }).catch((x) => x);
    expect(e.message).toContain("batch.features[0]: must have 2 features (the buffer's feature length), got 3");
  });

  it('keeps the top 100 errors of a validation fold', async () => {
    host = await startReplayHost(database, { symbolWindowDays: 0 });
    const buffer = bufferOf(host);
    const fold = randomErrors(1_000, 8);
    const r = await buffer.recordValidationFold(fold);
    const wrong = fold.filter((e) => e.actualLabel !== e.predictedLabel && e.confidence > 0);
    expect(r.foldErrors).toBe(wrong.length);
    expect(r.offered).toBe(100);
    expect(r.stored).toBe(100);
    const expected = wrong
      .map((e, i) => ({ e, i }))
      .sort((a, b) => b.e.confidence - a.e.confidence || a.i - b.i)
      .slice(0, 100)
      .map((x) => x.e.symbol);
    expect((await tableRows(host)).map((x) => x.symbol)).toEqual(expected);
  });

  it('clearBuffer empties the table and the index and releases the feature layout', async () => {
    const db = await createTestDatabase(database);
    host = await startReplayHost(db, { symbolWindowDays: 0 });
    const buffer = bufferOf(host);
    await buffer.addErrors(randomErrors(50, 2));
    const lastId = Math.max(...(await tableRows(host)).map((r) => r.id));
    await buffer.clearBuffer();
    expect(await tableRows(host)).toEqual([]);
    expect(buffer.size).toBe(0);
    expect(buffer.featureLayout.established).toBe(false);
    await buffer.addError(err({ features: [1, 2, 3, 4] }));
    await host.stop();
    host = await startReplayHost(db, { symbolWindowDays: 0 });
    const rows = await tableRows(host);
    expect(rows[0]?.id).toBeGreaterThan(lastId);
    expect(bufferOf(host).featureLayout.dim).toBe(4);
    await host.dispose();
    await db.cleanup();
  });
});
