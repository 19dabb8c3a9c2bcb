import { createDataSource, type DatabaseConfig } from '@vigil/core';
import { makePredictions } from '@vigil/test-utils';
import { createTestDatabase, createTestHost, testDatabases } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import { migrateDatabase } from '../src/migrate.js';
import { auditPlugin } from './fixtures.js';

/** Runs raw SQL on the test database without Vigil's migrations. */
async function raw(db: DatabaseConfig, sql: string[]): Promise<unknown[][]> {
  const ds = createDataSource(db, { entities: [], migrations: [] });
  await ds.initialize();
  try {
    const out: unknown[][] = [];
    for (const q of sql) out.push(await ds.query(q));
    return out;
  } finally {
    await ds.destroy();
  }
}

const tablesSql = (db: DatabaseConfig) =>
  db.type === 'sqlite'
    ? `SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name`
    : `SELECT table_name AS name, string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) AS sql FROM information_schema.columns WHERE table_schema = current_schema() GROUP BY table_name ORDER BY table_name`;

describe.each(testDatabases())('migrations on %s', (kind) => {
  it('upgrades a database holding Phase 1 tables without touching them, and a second run changes nothing', async () => {
    const db = await createTestDatabase(kind);
    try {
      await raw(db.config, [
        'CREATE TABLE training_runs (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, accuracy double precision)',
        "INSERT INTO training_runs (id, started_at, accuracy) VALUES (1, '2025-12-01', 0.61), (2, '2025-12-08', 0.66)",
        // a Phase 2 table already made by the original Python upgrade_to_phase2_schema
        `CREATE TABLE audit_rows (id ${db.config.type === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'SERIAL PRIMARY KEY'}, prediction_id TEXT NOT NULL, kind TEXT NOT NULL)`,
        "INSERT INTO audit_rows (id, prediction_id, kind) VALUES (7, 'legacy', 'observe')",
        ...(db.config.type === 'postgres' ? ["SELECT setval('audit_rows_id_seq', 7)"] : []),
      ]);
      const config = { database: db.config, log: { level: 'silent' as const } };
      const first = await migrateDatabase({ config, plugins: [auditPlugin] });
      expect(first).toEqual([
        'HostPredictionLog1700000000000',
        'HostPredictionsByModel1700000000050',
        'AuditInit1700000000100',
      ]);
      const [schemaAfterFirst] = await raw(db.config, [tablesSql(db.config)]);

      expect(await migrateDatabase({ config, plugins: [auditPlugin] })).toEqual([]);
      const [schemaAfterSecond, runs, legacy] = await raw(db.config, [
        tablesSql(db.config),
        'SELECT id, started_at, accuracy FROM training_runs ORDER BY id',
        'SELECT id, prediction_id FROM audit_rows',
      ]);
      expect(schemaAfterSecond).toEqual(schemaAfterFirst);
      expect((runs as { accuracy: number }[]).map((r) => Number(r.accuracy))).toEqual([0.61, 0.66]);
      expect((legacy as { prediction_id: string }[]).map((r) => r.prediction_id)).toEqual(['legacy']);
      const names = (schemaAfterSecond as { name: string }[]).map((r) => r.name);
      expect(names).toEqual(
        expect.arrayContaining(['training_runs', 'audit_rows', 'vigil_predictions', 'vigil_migrations']),
      );

      // and a host over the upgraded database works with the old rows in place
      const host = await createTestHost({ database: db, plugins: [auditPlugin] });
      await host.observe(makePredictions(3));
      expect(Number((await host.dataSource.query('SELECT COUNT(*) AS n FROM audit_rows'))[0].n)).toBe(4);
      await host.dispose();
    } finally {
      await db.cleanup();
    }
  });

  it('creates no table for a disabled plugin', async () => {
    const db = await createTestDatabase(kind);
    try {
      const applied = await migrateDatabase({
        config: { database: db.config, log: { level: 'silent' }, plugins: { audit: { enabled: false } } },
        plugins: [auditPlugin],
      });
      expect(applied).toEqual(['HostPredictionLog1700000000000', 'HostPredictionsByModel1700000000050']);
      const [schema] = await raw(db.config, [tablesSql(db.config)]);
      expect((schema as { name: string }[]).map((r) => r.name)).not.toContain('audit_rows');
    } finally {
      await db.cleanup();
    }
  });
});
