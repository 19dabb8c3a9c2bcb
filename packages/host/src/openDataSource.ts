import { type AnyPlugin, type Logger, type NormalizedConfig, createDataSource, tuneDataSource } from '@vigil/core';
import type { DataSource } from 'typeorm';
import { HostPredictionLog1700000000000 } from './migrations/HostPredictionLog1700000000000.js';
import { PredictionLogEntity } from './predictionLog.js';

/**
 * Opens the one data source over the host's and the enabled plugins' entities and brings the
 * schema up to date. Migrations only create what is missing (`IF NOT EXISTS`), so a database
 * that already holds Phase 1 tables, or Phase 2 tables made by the original Python schema
 * script, keeps its rows; TypeORM's migration log makes a second run a no-op.
 */
export async function openDataSource(config: NormalizedConfig, plugins: readonly AnyPlugin[], logger: Logger): Promise<{ ds: DataSource; applied: string[] }> {
  const ds = createDataSource(config.database, {
    entities: [PredictionLogEntity, ...plugins.flatMap((p) => (p.entities ?? []) as never[])],
    migrations: [HostPredictionLog1700000000000, ...plugins.flatMap((p) => p.migrations ?? [])],
  });
  await ds.initialize();
  try {
    await tuneDataSource(ds, config.database);
    const ran = await ds.runMigrations({ transaction: 'each' });
    const applied = ran.map((m) => m.name);
    if (applied.length) logger.info('migrations applied', { migrations: applied });
    return { ds, applied };
  } catch (e) {
    await ds.destroy().catch(() => undefined);
    throw e;
  }
}
