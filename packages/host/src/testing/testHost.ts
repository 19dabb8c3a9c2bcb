import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AnyPlugin,
  type Clock,
  type DatabaseConfig,
  type Logger,
  MemoryLogger,
  type VigilConfigInput,
} from '@vigil/core';
import { type VigilHost, createHost } from '../createHost.js';
import pg from 'pg';

export type TestDatabase = 'sqlite-memory' | 'sqlite-file' | 'postgres';

/** The PostgreSQL URL tests may use (CI sets it); undefined means PostgreSQL tests skip. */
export const postgresUrl = (): string | undefined =>
  process.env.VIGIL_TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;

/** The databases a suite should run on here: SQLite always, PostgreSQL when a URL is set. */
export const testDatabases = (): TestDatabase[] => (postgresUrl() ? ['sqlite-file', 'postgres'] : ['sqlite-file']);

export interface TestDatabaseHandle {
  readonly config: DatabaseConfig;
  /** Removes the file or drops the schema. */
  cleanup(): Promise<void>;
}

/** A fresh, isolated database: a temp SQLite file, or a new PostgreSQL schema (via search_path). */
export async function createTestDatabase(kind: TestDatabase = 'sqlite-file'): Promise<TestDatabaseHandle> {
  if (kind === 'sqlite-memory')
    return { config: { type: 'sqlite', path: ':memory:', wal: false, busyTimeoutMs: 10_000 }, cleanup: async () => {} };
  if (kind === 'sqlite-file') {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-test-'));
    return {
      config: { type: 'sqlite', path: join(dir, 'vigil.db'), wal: true, busyTimeoutMs: 10_000 },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = postgresUrl();
  if (!url)
    throw new Error('postgres test database requested but neither VIGIL_TEST_DATABASE_URL nor DATABASE_URL is set');
  const schema = `t_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    config: { type: 'postgres', url: u.toString(), poolSize: 4 },
    cleanup: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}

export interface TestHostOptions {
  readonly plugins: readonly AnyPlugin[];
  readonly config?: Omit<VigilConfigInput, 'database'>;
  readonly database?: TestDatabase | TestDatabaseHandle;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Start the host before returning (default true). */
  readonly start?: boolean;
}

export interface TestHost extends VigilHost {
  readonly memoryLogger: MemoryLogger | undefined;
  readonly db: TestDatabaseHandle;
  /** Stops the host and removes its database. */
  dispose(): Promise<void>;
}

/** A real host over a real database for integration tests. */
export async function createTestHost(o: TestHostOptions): Promise<TestHost> {
  const db = typeof o.database === 'object' ? o.database : await createTestDatabase(o.database ?? 'sqlite-memory');
  const memoryLogger = o.logger ? undefined : new MemoryLogger();
  const host = createHost({
    config: { ...o.config, database: db.config },
    plugins: o.plugins,
    logger: o.logger ?? memoryLogger,
    ...(o.clock ? { clock: o.clock } : {}),
  });
  if (o.start ?? true) await host.start();
  const dispose = async (): Promise<void> => {
    await host.stop().catch(() => undefined);
    if (typeof o.database !== 'object') await db.cleanup();
  };
  // Delegate to the host itself so its live getters (state, dataSource) stay live.
  return new Proxy(host, {
    get(target, key, receiver) {
      if (key === 'memoryLogger') return memoryLogger;
      if (key === 'db') return db;
      if (key === 'dispose') return dispose;
      return Reflect.get(target, key, receiver);
    },
  }) as TestHost;
}
