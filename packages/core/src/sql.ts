import type { EntityManager, QueryRunner } from 'typeorm';
import { type Dialect, dialectOf } from './datasource.js';

/** Max bound parameters per statement (SQLite 32,766; PostgreSQL 65,535), with headroom. */
const MAX_PARAMS: Record<Dialect, number> = { sqlite: 32_000, postgres: 65_000 };
const MAX_ROWS_PER_STATEMENT = 2_000;

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `?` for SQLite, `$n` for PostgreSQL. */
export function placeholder(dialect: Dialect): (n: number) => string {
  return dialect === 'postgres' ? (n) => `$${n}` : () => '?';
}

/**
 * Multi-row INSERT with bound parameters, chunked under the parameter limit. The fast path
 * for batches (TypeORM's insert builder costs ~16-20 us of JavaScript per row; this does not).
 */
export async function bulkInsert(
  manager: EntityManager,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const dialect = dialectOf(manager.connection);
  const ph = placeholder(dialect);
  const perStatement = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS[dialect] / columns.length)));
  const head = `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) VALUES `;
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples: string[] = [];
    let n = 0;
    for (const row of chunk) {
      const slots: string[] = [];
      for (const v of row) {
        params.push(v);
        slots.push(ph(++n));
      }
      tuples.push(`(${slots.join(', ')})`);
    }
    await manager.query(head + tuples.join(', '), params);
  }
}

/** `IN (...)` lookups chunked under the parameter limit. */
export async function selectIn<T>(
  manager: EntityManager,
  sql: (inList: string) => string,
  values: readonly unknown[],
): Promise<T[]> {
  const dialect = dialectOf(manager.connection);
  const ph = placeholder(dialect);
  const out: T[] = [];
  const size = 1_000;
  for (let start = 0; start < values.length; start += size) {
    const chunk = values.slice(start, start + size);
    const list = chunk.map((_, i) => ph(i + 1)).join(', ');
    out.push(...((await manager.query(sql(list), chunk as unknown[])) as T[]));
  }
  return out;
}

/** Portable column types, for migrations that run on SQLite and PostgreSQL alike. */
export const columnTypes = {
  real: 'double precision',
  integer: 'integer',
  bigint: 'bigint',
  text: 'text',
} as const;

/** `CREATE INDEX IF NOT EXISTS`: idempotent on both dialects, so migrations may meet spec tables that already exist. */
export async function ensureIndex(qr: QueryRunner, name: string, table: string, columns: readonly string[], unique = false): Promise<void> {
  const cols = columns.map((c) => c.replace(/^(\w+)(\s+(ASC|DESC))?$/i, (_m, col: string, dir = '') => `${quoteIdent(col)}${dir}`)).join(', ');
  await qr.query(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteIdent(name)} ON ${quoteIdent(table)} (${cols})`);
}
