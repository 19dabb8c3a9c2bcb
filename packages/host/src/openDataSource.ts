import {
  type AnyPlugin,
  type Logger,
  type NormalizedConfig,
  createDataSource,
  dialectOf,
  tuneDataSource,
} from '@vigil/core';
import type { DataSource } from 'typeorm';
import { HostPredictionLog1700000000000 } from './migrations/HostPredictionLog1700000000000.js';
import { HostPredictionsByModel1700000000050 } from './migrations/HostPredictionsByModel1700000000050.js';
import { PredictionLogEntity } from './predictionLog.js';

/**
 * Opens the one data source over the host's and the enabled plugins' entities and brings the
 * schema up to date. Migrations only create what is missing (`IF NOT EXISTS`), so a database
 * that already holds Phase 1 tables, or Phase 2 tables made by the original Python schema
 * script, keeps its rows; TypeORM's migration log makes a second run a no-op.
 */
export async function openDataSource(
  config: NormalizedConfig,
  plugins: readonly AnyPlugin[],
  logger: Logger,
): Promise<{ ds: DataSource; applied: string[] }> {
  const ds = createDataSource(config.database, {
    entities: [PredictionLogEntity, ...plugins.flatMap((p) => (p.entities ?? []) as never[])],
    migrations: [
      HostPredictionLog1700000000000,
      HostPredictionsByModel1700000000050,
      ...plugins.flatMap((p) => p.migrations ?? []),
    ],
  });
  await ds.initialize();
  try {
    await tuneDataSource(ds, config.database);
    const applied = await runMigrationsExclusively(ds);
    if (applied.length) logger.info('migrations applied', { migrations: applied });
    return { ds, applied };
  } catch (e) {
    await ds.destroy().catch(() => undefined);
    throw e;
  }
}

/** The PostgreSQL advisory lock key migrations run under ("Vigi"). */
const MIGRATION_LOCK = 0x56696769;

/**
 * Runs pending migrations so that processes starting together on one database take turns:
 * concurrent `CREATE TABLE IF NOT EXISTS` fails on PostgreSQL (a unique violation in its
 * catalog), and on SQLite a deferred transaction that reads and then writes gets SQLITE_BUSY
 * at once, past the busy timeout. PostgreSQL: a session advisory lock held on its own
 * connection; SQLite: one IMMEDIATE transaction (which waits out the busy timeout) around all
 * migrations. Whoever goes second finds them applied.
 */
async function runMigrationsExclusively(ds: DataSource): Promise<string[]> {
  if (dialectOf(ds) === 'postgres') {
    const lock = ds.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        return (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name);
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    } finally {
      await lock.release();
    }
  }
  await ds.query('BEGIN IMMEDIATE');
  try {
    const ran = await ds.runMigrations({ transaction: 'none' });
    await ds.query('COMMIT');
    return ran.map((m) => m.name);
  } catch (e) {
    await ds.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
