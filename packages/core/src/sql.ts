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
  const width = columns.length;
  const sqliteTuple = `(${new Array(width).fill('?').join(', ')})`;
  for (let start = 0; start < rows.length; start += perStatement) {
    const end = Math.min(rows.length, start + perStatement);
    const params = new Array<unknown>((end - start) * width);
    const tuples = new Array<string>(end - start);
    let n = 0;
    for (let i = start; i < end; i++) {
      const row = rows[i] as readonly unknown[];
      if (row.length !== width)
        throw new RangeError(`bulkInsert into ${table}: row ${i} has ${row.length} values for ${width} columns`);
      if (dialect === 'sqlite') tuples[i - start] = sqliteTuple;
      else {
        const slots = new Array<string>(width);
        for (let c = 0; c < width; c++) slots[c] = ph(n + c + 1);
        tuples[i - start] = `(${slots.join(', ')})`;
      }
      for (let c = 0; c < width; c++) params[n++] = row[c];
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
export async function ensureIndex(
  qr: QueryRunner,
  name: string,
  table: string,
  columns: readonly string[],
  unique = false,
): Promise<void> {
  const cols = columns
    .map((c) => c.replace(/^(\w+)(\s+(ASC|DESC))?$/i, (_m, col: string, dir = '') => `${quoteIdent(col)}${dir}`))
    .join(', ');
  await qr.query(
    `CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteIdent(name)} ON ${quoteIdent(table)} (${cols})`,
  );
}
