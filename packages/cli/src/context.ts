import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import {
  type AnyPlugin,
  type DatabaseConfig,
  MIGRATIONS_TABLE,
  type VigilConfigInput,
  createDataSource,
  loadConfigFile,
  normalizeConfig,
  redactUrl,
} from '@vigil/core';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { type VigilHost, createHost } from '@vigil/host';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';
import { webhooksPlugin } from '@vigil/webhooks';
import { usageError } from './commands/cliSupport.js';

/** The first-party plugins every `vigil` command installs; config enables or disables each. */
export const firstPartyPlugins: readonly AnyPlugin[] = [
  driftPlugin,
  replayPlugin,
  sectorsPlugin,
  gatePlugin,
  webhooksPlugin,
];

export interface GlobalOptions {
  readonly config?: string;
  readonly db?: string;
  readonly json?: boolean;
  readonly logLevel?: string;
}

const DEFAULT_FILES = ['vigil.yaml', 'vigil.yml', 'vigil.json'];

/** `--db`: a postgres:// URL or an SQLite path; empty values and other URL schemes are refused (a typo must not become a file). */
function dbOption(db: string): DatabaseConfig | { type: 'sqlite'; path: string } | { type: 'postgres'; url: string } {
  if (db.trim() === '') throw usageError('--db must not be empty: give an SQLite file path or a postgres:// URL');
  if (/^postgres(ql)?:\/\//i.test(db)) return { type: 'postgres', url: db };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(db)?.[1];
  // a one-letter "scheme" is a Windows drive (C:\vigil.db)
  if (scheme && scheme.length > 1)
    throw usageError(
      `--db: unsupported database URL scheme '${scheme}:' in ${redactUrl(db)}; use an SQLite file path or a postgres:// URL`,
    );
  return { type: 'sqlite', path: db };
}

/** Config from `--config`, else ./vigil.yaml|yml|json if present, else defaults; `--db` overrides the database. */
export function loadCliConfig(g: GlobalOptions): VigilConfigInput {
  const file = g.config ?? DEFAULT_FILES.find((f) => existsSync(f));
  const config: VigilConfigInput = file ? loadConfigFile(file) : {};
  const db = g.db !== undefined ? dbOption(g.db) : config.database;
  const level = (g.logLevel ?? config.log?.level ?? 'warn') as 'warn';
  return { ...config, ...(db ? { database: db } : {}), log: { level } };
}

const SQLITE_HEADER = 'SQLite format 3\0';

/**
 * Refuses, before anything is opened (opening would create the file and its directories), an
 * SQLite path that holds no Vigil database: missing, empty, a directory, not SQLite, or SQLite
 * without Vigil's migration log. Only `vigil migrate` creates a database.
 */
export async function requireVigilDatabase(db: DatabaseConfig): Promise<void> {
  if (db.type !== 'sqlite' || db.path === ':memory:') return;
  const howTo = `create one with \`vigil migrate --db ${db.path}\` (it keeps any tables already there)`;
  let size: number;
  try {
    const s = statSync(db.path);
    if (s.isDirectory()) throw usageError(`--db ${db.path} is a directory, not an SQLite database file`);
    size = s.size;
  } catch (e) {
    if ((e as { usage?: boolean }).usage) throw e;
    throw usageError(
      `no Vigil database at ${db.path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ${howTo}`,
    );
  }
  if (size === 0) throw usageError(`no Vigil database at ${db.path} (the file is empty); ${howTo}`);
  const head = Buffer.alloc(16);
  const fd = openSync(db.path, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== SQLITE_HEADER)
    throw usageError(`--db ${db.path} is not an SQLite database (SQLITE_NOTADB: its header is not "SQLite format 3")`);
  const ds = createDataSource({ ...db, wal: false }, { entities: [], migrations: [] });
  await ds.initialize();
  try {
    const [row] = (await ds.query(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?`, [
      MIGRATIONS_TABLE,
    ])) as { n: number }[];
    if (!Number(row?.n))
      throw usageError(`no Vigil database at ${db.path} (an SQLite file without Vigil's tables); ${howTo}`);
  } finally {
    await ds.destroy();
  }
}

/** Errors meaning "this PostgreSQL URL does not lead to a database you may use": input, not a bug. */
const PG_CONNECT = new Set([
  '28P01',
  '28000',
  '3D000',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
]);

/** Starts a host over the configured database (which must exist: see `requireVigilDatabase`), runs `fn`, and always stops it. */
export async function withHost<T>(
  g: GlobalOptions,
  fn: (host: VigilHost) => Promise<T>,
  plugins: readonly AnyPlugin[] = firstPartyPlugins,
): Promise<T> {
  const config = normalizeConfig(loadCliConfig(g), plugins);
  await requireVigilDatabase(config.database);
  const host = createHost({ config, plugins });
  try {
    await host.start();
  } catch (e) {
    const code =
      (e as { code?: string }).code ?? ((e as { cause?: { code?: string } }).cause?.code as string | undefined);
    if (config.database.type === 'postgres' && code && PG_CONNECT.has(code)) {
      const u = new URL(config.database.url);
      throw Object.assign(
        usageError(
          `cannot connect to postgres at ${u.hostname}:${u.port || 5432} (${redactUrl(config.database.url)}): ${(e as Error).message}`,
        ),
        { cause: e },
      );
    }
    throw e;
  }
  try {
    return await fn(host);
  } finally {
    await host.stop();
  }
}
