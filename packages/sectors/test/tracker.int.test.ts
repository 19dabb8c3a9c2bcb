import { definePlugin, gateCriterionToken, isVigilError } from '@vigil/core';
import { makePredictions } from '@vigil/test-utils';
import { createTestDatabase, createTestHost, testDatabases, type TestHost } from '@vigil/host/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { sectorsPlugin } from '../src/plugin.js';
import { sectorMapToken, sectorTrackerToken } from '../src/tokens.js';
import { wilsonInterval } from '../src/wilson.js';
import { fromTracker, groupBy, rowCount } from './helpers.js';

const failOn = { id: '' };
const failing = definePlugin({
  id: 'failing',
  dependsOn: ['sectors'],
  deps: {},
  init: () => ({
    hooks: {
      async observe(records) {
        if (records.some((r) => r.id === failOn.id)) throw new Error(`refusing ${failOn.id}`);
      },
    },
  }),
});

describe.each(testDatabases())('sectors plugin on %s', (database) => {
  let host: TestHost | undefined;
  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it('tracks a prediction when observed and scores it only when its outcome resolves', async () => {
    host = await createTestHost({ database, plugins: [sectorsPlugin] });
    const recs = makePredictions(40, { symbols: ['AAPL', 'XOM', 'brk-b', 'GOOGL'], regimes: ['normal', 'crash'] });
    await host.observe(recs);
    const t = host.container.resolve(sectorTrackerToken);
    expect(await rowCount(host)).toBe(40);
    const tech = t.getSectorPerformance('Information Technology');
    expect(tech).toMatchObject({
      tracked: 10,
      total: 0,
      pending: 10,
      accuracy: null,
      interval: { lower: 0, upper: 1 },
    });
    // BRK-B is stored in canonical form under Financials; GOOGL under Communication Services.
    expect(Object.keys(t.getSectorPerformance())).toEqual([
      'Communication Services',
      'Energy',
      'Financials',
      'Information Technology',
    ]);
    expect(t.getSymbolPerformance('BRK.B')).toMatchObject({ tracked: 10, sectors: ['Financials'] });

    const resolved = recs.slice(0, 30);
    await host.resolve(
      resolved.map((r, i) => ({ id: r.id, actualLabel: i % 3 === 0 ? 1 - r.predictedLabel : r.predictedLabel })),
    );
    const want = (symbol: string) => {
      const rs = resolved.filter((r) => r.symbol === symbol);
      const correct = rs.filter((r) => resolved.indexOf(r) % 3 !== 0).length;
      return {
        total: rs.length,
        correct,
        accuracy: correct / rs.length,
        tracked: 10,
        pending: 10 - rs.length,
        interval: wilsonInterval(correct, rs.length),
      };
    };
    expect(t.getSectorPerformance('Information Technology')).toMatchObject(want('AAPL'));
    expect(t.getSymbolPerformance('brk.b')).toMatchObject(want('brk-b'));
    expect(await groupBy(host, 'sector')).toEqual(fromTracker(host, 'sector'));
    const stored = await host.dataSource.query(
      'SELECT prediction_id, symbol, sector, correct, actual_label, timestamp FROM sector_performance WHERE prediction_id = $1'.replace(
        '$1',
        database === 'postgres' ? '$1' : '?',
      ),
      [recs[2]!.id],
    );
    expect(stored).toEqual([
      {
        prediction_id: recs[2]!.id,
        symbol: 'BRK.B',
        sector: 'Financials',
        correct: 1,
        actual_label: recs[2]!.predictedLabel,
        timestamp: recs[2]!.timestamp,
      },
    ]);
  });

  it('reports by_regime per sector and best_regime per symbol', async () => {
    host = await createTestHost({ database, plugins: [sectorsPlugin] });
    const t = host.container.resolve(sectorTrackerToken);
    const mk = (symbol: string, regime: string, n: number, right: number) =>
      Array.from({ length: n }, (_, i) => ({
        symbol,
        regime,
        predictedLabel: 1,
        actualLabel: i < right ? 1 : 0,
        confidence: 0.6,
      }));
    await t.trackPredictions([
      ...mk('AAPL', 'normal', 100, 70),
      ...mk('AAPL', 'crash', 2, 2),
      ...mk('MSFT', 'crash', 50, 20),
    ]);
    const tech = t.getSectorPerformance('Information Technology');
    expect(tech.accuracy).toBeCloseTo(92 / 152, 12);
    expect(tech.by_regime.crash).toMatchObject({ total: 52, correct: 22 });
    expect(tech.by_regime.normal).toMatchObject({ total: 100, correct: 70 });
    // 2/2 in crash has a higher point accuracy than 70/100, but far less evidence.
    expect(t.getSymbolPerformance('AAPL').best_regime).toBe('normal');
    expect(t.getSymbolPerformance('MSFT').best_regime).toBe('crash');
    expect(t.getSymbolPerformance('NVDA')).toMatchObject({ tracked: 0, best_regime: null, accuracy: null });
  });

  it('ranks weakest sectors by evidence: the 3-prediction sector with 0% is reported, not ranked', async () => {
    host = await createTestHost({
      database,
      plugins: [sectorsPlugin],
      config: { plugins: { sectors: { options: { minResolved: 30 } } } },
    });
    const t = host.container.resolve(sectorTrackerToken);
    const mk = (symbol: string, n: number, right: number) =>
      Array.from({ length: n }, (_, i) => ({
        symbol,
        regime: 'normal',
        predictedLabel: 1,
        actualLabel: i < right ? 1 : 0,
        confidence: 0.6,
      }));
    await t.trackPredictions([
      ...mk('XOM', 3, 0),
      ...mk('JPM', 300, 171),
      ...mk('JNJ', 40, 22),
      ...mk('AAPL', 200, 150),
      ...mk('NEE', 60, 42),
    ]);
    const w = t.getWeakestSectors(2);
    expect(w.sectors.map((s) => [s.sector, s.total, s.correct])).toEqual([
      ['Financials', 300, 171],
      ['Health Care', 40, 22],
    ]);
    expect(w.insufficientEvidence).toContainEqual({ sector: 'Energy', total: 3 });
    expect(t.getSectorPerformance('Energy').accuracy).toBe(0);
    expect(t.getWeakestSectors(5, { minResolved: 1000 }).sectors).toEqual([]);
  });

  it('leaves the aggregates untouched when another plugin rolls the batch back', async () => {
    host = await createTestHost({ database, plugins: [sectorsPlugin, failing] });
    const recs = makePredictions(20);
    await host.observe(recs.slice(0, 10));
    failOn.id = recs[15]!.id;
    try {
      expect(isVigilError(await host.observe(recs.slice(10)).catch((e) => e), 'VIGIL_HOOK_FAILED')).toBe(true);
    } finally {
      failOn.id = '';
    }
    expect(await rowCount(host)).toBe(10);
    expect(await groupBy(host, 'symbol')).toEqual(fromTracker(host, 'symbol'));
  });

  it('refuses bad direct input naming each field, and writes nothing', async () => {
    host = await createTestHost({
      database,
      plugins: [sectorsPlugin],
      config: { regimes: ['normal', 'crash'], labels: [0, 1] },
    });
    const t = host.container.resolve(sectorTrackerToken);
    const good = { symbol: 'AAPL', regime: 'normal', predictedLabel: 1, confidence: 0.7 };
    const err = await t
      .trackPredictions([
        good,
        { ...good, symbol: '  ' },
        { ...good, regime: 'bubble' },
        { ...good, predictedLabel: 2 },
        { ...good, actualLabel: -1 },
        { ...good, confidence: 1.01 },
        { ...good, confidence: Number.NaN },
      ])
      .catch((e) => e);
    expect(isVigilError(err, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(err.issues.map((i: { path: string }) => i.path)).toEqual([
      'predictions[1].symbol',
      'predictions[2].regime',
      'predictions[3].predictedLabel',
      'predictions[4].actualLabel',
      'predictions[5].confidence',
      'predictions[6].confidence',
    ]);
    expect(err.message).toContain('must be one of the configured regimes [normal, crash], got "bubble"');
    expect(await rowCount(host)).toBe(0);
    expect(t.getSectorPerformance()).toEqual({});
    const bad = await t.resolvePredictions([{ id: 'x', actualLabel: 5 }]).catch((e) => e);
    expect(isVigilError(bad, 'VIGIL_INVALID_INPUT')).toBe(true);
  });

  // Found by packages/reliability's fuzz on PostgreSQL: a NUL reached the driver as a QueryFailedError.
  it('refuses text PostgreSQL cannot store (NUL, unpaired surrogates) naming the field, and writes nothing', async () => {
    host = await createTestHost({ database, plugins: [sectorsPlugin] });
    const t = host.container.resolve(sectorTrackerToken);
    const good = { symbol: 'AAPL', regime: 'normal', predictedLabel: 1, confidence: 0.7 };
    const err = await t
      .trackPredictions([
        { ...good, symbol: 'AA\u0000PL' },
        { ...good, regime: 'norm\ud800' },
        { ...good, id: 'p\u0000' },
      ])
      .catch((e) => e);
    expect(isVigilError(err, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(err.issues.map((i: { path: string }) => i.path)).toEqual([
      'predictions[0].symbol',
      'predictions[1].regime',
      'predictions[2].id',
    ]);
    expect(await rowCount(host)).toBe(0);
  });

  it("under 'reject', an unknown symbol refuses the whole host batch, naming it", async () => {
    host = await createTestHost({
      database,
      plugins: [sectorsPlugin],
      config: {
        plugins: {
          sectors: { options: { unknownSymbols: 'reject', symbols: { 'SHOP.TO': 'Information Technology' } } },
        },
      },
    });
    const recs = makePredictions(6, { symbols: ['AAPL', 'ZZZQ', 'shop-to'] });
    const err = await host.observe(recs).catch((e) => e);
    expect(isVigilError(err, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(err.message).toContain('records[1].symbol: no sector is known for symbol "ZZZQ"');
    expect(err.issues.map((i: { path: string }) => i.path)).toEqual(['records[1].symbol', 'records[4].symbol']);
    expect(await rowCount(host)).toBe(0);
    expect(await rowCount(host, 'vigil_predictions')).toBe(0);
    await host.observe(recs.filter((r) => r.symbol !== 'ZZZQ'));
    expect(host.container.resolve(sectorTrackerToken).getSymbolPerformance('SHOP.TO')).toMatchObject({
      tracked: 2,
      sectors: ['Information Technology'],
    });
  });

  it("under 'track' (the default), unknown symbols go under Unknown with one warning each", async () => {
    host = await createTestHost({ database, plugins: [sectorsPlugin] });
    await host.observe(makePredictions(9, { symbols: ['AAPL', 'ZZZQ', 'YYYQ'] }));
    const t = host.container.resolve(sectorTrackerToken);
    expect(t.getSectorPerformance('Unknown').tracked).toBe(6);
    expect([...t.unknownSymbols()]).toEqual([
      ['ZZZQ', 3],
      ['YYYQ', 3],
    ]);
    const warnings = host.memoryLogger!.lines.filter((l) => l.level === 'warn' && l.ctx.plugin === 'sectors');
    expect(warnings.map((w) => w.ctx.symbol)).toEqual(['ZZZQ', 'YYYQ']);
    expect(t.getWeakestSectors(3, { minResolved: 0 }).sectors.map((s) => s.sector)).not.toContain('Unknown');
  });

  it('contributes both gate criteria, judged on candidate predictions without touching the table', async () => {
    host = await createTestHost({
      database,
      plugins: [sectorsPlugin],
      config: { plugins: { sectors: { options: { minCrashSamples: 20 } } } },
    });
    const criteria = host.container.resolveAll(gateCriterionToken);
    expect(criteria.map((c) => c.id).sort()).toEqual(['sectors.crash_accuracy', 'sectors.min_sector_accuracy']);
    const predictions = Array.from({ length: 60 }, (_, i) => ({
      symbol: i % 2 ? 'XOM' : 'JPM',
      regime: i < 12 ? 'crash' : 'normal',
      predictedLabel: 1,
      actualLabel: i % 2 ? 1 : i % 4 === 0 ? 1 : 0,
      confidence: 0.7,
    }));
    const ctx = {
      modelPath: 'm.pkl',
      validation: { predictions },
      threshold: undefined,
      container: host.container,
      now: new Date(),
    };
    const crash = criteria.find((c) => c.id === 'sectors.crash_accuracy')!;
    expect(await crash.evaluate(ctx)).toMatchObject({
      status: 'insufficient',
      details: { minSamples: 20, evidence: [{ source: 'validation.predictions', samples: 12 }] },
    });
    const sector = criteria.find((c) => c.id === 'sectors.min_sector_accuracy')!;
    const r = await sector.evaluate(ctx);
    expect(r).toMatchObject({ status: 'fail', value: 0.5, threshold: 0.55 });
    expect((r.details as { below: { sector: string }[] }).below.map((b) => b.sector)).toEqual(['Financials']);
    expect(await rowCount(host)).toBe(0);
    expect(host.container.resolve(sectorMapToken).policy).toBe('track');
  });

  it('ignores outcomes of predictions observed before the plugin was enabled', async () => {
    const db = await createTestDatabase(database);
    try {
      const before = await createTestHost({
        database: db,
        plugins: [sectorsPlugin],
        config: { plugins: { sectors: { enabled: false } } },
      });
      const early = makePredictions(5, { idPrefix: 'early-' });
      await before.observe(early);
      await before.stop();
      host = await createTestHost({ database: db, plugins: [sectorsPlugin] });
      const late = makePredictions(5, { idPrefix: 'late-' });
      await host.observe(late);
      await host.resolve([...early, ...late].map((r) => ({ id: r.id, actualLabel: r.predictedLabel })));
      const t = host.container.resolve(sectorTrackerToken);
      expect(Object.values(t.getSectorPerformance()).reduce((n, p) => n + p.total, 0)).toBe(5);
      expect(await groupBy(host, 'symbol')).toEqual(fromTracker(host, 'symbol'));
    } finally {
      await host?.stop();
      host = undefined;
      await db.cleanup();
    }
  });

  it('refuses bad options before anything starts, and an unreadable sector CSV at start', async () => {
    const db = await createTestDatabase(database);
    try {
      const err = await createTestHost({
        database: db,
        plugins: [sectorsPlugin],
        config: { plugins: { sectors: { options: { symbols: { NVDA: 'Technology' }, minResolved: 0 } } } },
      }).catch((e) => e);
      expect(isVigilError(err, 'VIGIL_CONFIG_INVALID')).toBe(true);
      expect(err.message).toContain('plugins.sectors.options.symbols.NVDA');
      expect(err.message).toContain("'Technology' is not a GICS sector");
      expect(err.message).toContain('plugins.sectors.options.minResolved');
      const bad = await createTestHost({
        database: db,
        plugins: [sectorsPlugin],
        config: { plugins: { sectors: { options: { symbolsCsv: '/no/such/sectors.csv' } } } },
      }).catch((e) => e);
      expect(isVigilError(bad, 'VIGIL_PLUGIN_START_FAILED')).toBe(true);
      expect(bad.message).toContain('/no/such/sectors.csv');
    } finally {
      await db.cleanup();
    }
  });

  it('meets a spec table that already exists: keeps its rows, adds prediction_id, model_version and the indexes', async () => {
    const db = typeof database === 'string' ? await createTestDatabase(database) : database;
    const boot = await createTestHost({ database: db, plugins: [], start: true });
    await boot.observe(makePredictions(2, { symbols: ['XOM'], idPrefix: 'old-', modelVersion: 'm0' }));
    await boot.dataSource.query(
      `CREATE TABLE sector_performance (id ${database === 'postgres' ? 'SERIAL' : 'INTEGER'} PRIMARY KEY, symbol TEXT NOT NULL, sector TEXT NOT NULL, regime TEXT NOT NULL, predicted_label INTEGER NOT NULL, actual_label INTEGER, confidence REAL NOT NULL, correct INTEGER, timestamp TEXT DEFAULT CURRENT_TIMESTAMP, prediction_id TEXT)`,
    );
    // two rows join to logged predictions of model m0; the rest have no logged prediction
    await boot.dataSource.query(
      `INSERT INTO sector_performance (symbol, sector, regime, predicted_label, actual_label, confidence, correct, prediction_id) VALUES ('XOM', 'Energy', 'normal', 1, 1, 0.8, 1, NULL), ('XOM', 'Energy', 'normal', 1, 0, 0.8, 0, 'gone-1'), ('XOM', 'Energy', 'crash', 0, NULL, 0.6, NULL, NULL), ('XOM', 'Energy', 'normal', 1, 1, 0.7, 1, 'old-000000000'), ('XOM', 'Energy', 'normal', 0, NULL, 0.7, NULL, 'old-000000001')`,
    );
    await boot.stop();
    try {
      host = await createTestHost({ database: db, plugins: [sectorsPlugin] });
      const t = host.container.resolve(sectorTrackerToken);
      expect(t.models()).toEqual(['m0', 'unknown']);
      expect(t.getSectorPerformance('Energy', { model: 'unknown' })).toMatchObject({
        tracked: 3,
        total: 2,
        correct: 1,
        pending: 1,
      });
      expect(t.getSectorPerformance('Energy', { model: 'm0' })).toMatchObject({ tracked: 2, total: 1, correct: 1 });
      expect(() => t.getSectorPerformance('Energy')).toThrow(/2 models \(m0, unknown\)/);
      const recs = makePredictions(4, { symbols: ['XOM'], modelVersion: 'm0' });
      await host.observe(recs);
      await host.resolve(recs.map((r) => ({ id: r.id, actualLabel: r.predictedLabel })));
      expect(t.getSectorPerformance('Energy', { model: 'm0' })).toMatchObject({ tracked: 6, total: 5, correct: 5 });
      expect(t.getSectorPerformance('Energy', { model: 'unknown' })).toMatchObject({ tracked: 3, total: 2 });
      expect(await groupBy(host, 'sector')).toEqual(fromTracker(host, 'sector'));
      const indexes = (await host.dataSource.query(
        database === 'postgres'
          ? `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'sector_performance'`
          : `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sector_performance'`,
      )) as { name: string }[];
      expect(indexes.map((i) => i.name)).toEqual(
        expect.arrayContaining([
          'idx_sector_performance',
          'idx_symbol_performance',
          'idx_sector_performance_prediction_id',
        ]),
      );
    } finally {
      await host?.stop();
      host = undefined;
      await db.cleanup();
    }
  });
});
