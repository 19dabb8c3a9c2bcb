import { createRequire } from 'node:module';
import { DataSource, type DataSourceOptions, type MixedList } from 'typeorm';
import type { DatabaseConfig } from './config.js';
import type { EntityDefinition, MigrationClass } from './plugin.js';

const require = createRequire(import.meta.url);

let quietSqlite3: unknown;
/**
 * sqlite3 without `verbose()`: TypeORM calls it on the driver it is given, and verbose mode
 * wraps every statement call to capture a stack trace -- the largest single cost in an observe
 * profile. Error messages still carry the SQL and the driver's code.
 */
function sqlite3Driver(): unknown {
  if (!quietSqlite3) {
    const sqlite3 = require('sqlite3') as object;
    const quiet: Record<string, unknown> = Object.create(sqlite3);
    quiet.verbose = () => quiet;
    quietSqlite3 = quiet;
  }
  return quietSqlite3;
}

export interface DataSourceParts {
  readonly entities: MixedList<EntityDefinition>;
  readonly migrations: readonly MigrationClass[];
}

/** The one table TypeORM keeps its migration log in. */
export const MIGRATIONS_TABLE = 'vigil_migrations';

/**
 * Builds (does not initialize) the TypeORM data source for a database config. Drivers are
 * loaded here and passed explicitly, so TypeORM never has to find them on its own.
 */
export function createDataSource(db: DatabaseConfig, parts: DataSourceParts): DataSource {
  const common = {
    entities: parts.entities as DataSourceOptions['entities'],
    migrations: [...parts.migrations] as DataSourceOptions['migrations'],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (db.type === 'sqlite') {
    const memory = db.path === ':memory:';
    return new DataSource({
      ...common,
      type: 'sqlite',
      database: db.path,
      driver: sqlite3Driver(),
      enableWAL: db.wal && !memory,
      busyTimeout: db.busyTimeoutMs,
    });
  }
  return new DataSource({
    ...common,
    type: 'postgres',
    url: db.url,
    driver: require('pg'),
    poolSize: db.poolSize,
  });
}

/** Per-connection settings that make SQLite fast and safe for this workload. */
export async function tuneDataSource(ds: DataSource, db: DatabaseConfig): Promise<void> {
  if (db.type !== 'sqlite') return;
  // WAL + NORMAL is durable across process crashes (only an OS crash can lose the last commits).
  await ds.query('PRAGMA synchronous = NORMAL');
  await ds.query('PRAGMA cache_size = -16000');
  await ds.query('PRAGMA foreign_keys = ON');
}

export type Dialect = 'sqlite' | 'postgres';

export const dialectOf = (ds: { options: { type: string } }): Dialect =>
  ds.options.type === 'postgres' ? 'postgres' : 'sqlite';
