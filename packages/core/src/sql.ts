import type { EntityManager, QueryRunner } from 'typeorm';
import { type Dialect, dialectOf } from './datasource.js';
import { runCachedWrite } from './preparedStatements.js';

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
export function bulkInsert(
  manager: EntityManager,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  const width = columns.length;
  return insertRows(manager, table, columns, rows.length, (i, params, at) => {
    const row = rows[i] as readonly unknown[];
    if (row.length !== width)
      throw new RangeError(`bulkInsert into ${table}: row ${i} has ${row.length} values for ${width} columns`);
    for (let c = 0; c < width; c++) params[at + c] = row[c];
  });
}

/** VALUES lists of full-size statements, by dialect and shape: a batch's statements repeat them. */
const fullLists = new Map<string, string>();
function valuesList(dialect: Dialect, rows: number, width: number, full: boolean): string {
  const key = `${dialect} ${rows}x${width}`;
  const cached = full ? fullLists.get(key) : undefined;
  if (cached !== undefined) return cached;
  const ph = placeholder(dialect);
  const tuples = new Array<string>(rows);
  const slots = new Array<string>(width);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) slots[c] = ph(r * width + c + 1);
    tuples[r] = `(${slots.join(', ')})`;
  }
  const list = tuples.join(', ');
  if (full && fullLists.size < 32) fullLists.set(key, list);
  return list;
}

/**
 * `bulkInsert` without the rows built first: `fill(i, params, at)` writes row `i`'s values, in
 * `columns` order, to `params[at..at + columns.length)`. Only one statement's rows are built at a
 * time (a big batch's rows never all live at once), and the next statement's are built while the
 * database runs the current one; statements still run one after another, in row order. On SQLite
 * each statement shape is compiled once per connection and reused (`runCachedWrite`).
 */
export async function insertRows(
  manager: EntityManager,
  table: string,
  columns: readonly string[],
  count: number,
  fill: (i: number, params: unknown[], at: number) => void,
): Promise<void> {
  if (count === 0) return;
  const dialect = dialectOf(manager.connection);
  const width = columns.length;
  const perStatement = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS[dialect] / width)));
  const head = `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) VALUES `;
  const build = (start: number): unknown[] => {
    const end = Math.min(count, start + perStatement);
    const params = new Array<unknown>((end - start) * width);
    for (let i = start, at = 0; i < end; i++, at += width) fill(i, params, at);
    return params;
  };
  let params = build(0);
  for (let start = 0; start < count; start += perStatement) {
    const rows = params.length / width;
    const running = runCachedWrite(manager, head + valuesList(dialect, rows, width, rows === perStatement), params);
    running.catch(() => undefined); // handled below (awaited), not an unhandled rejection while the next is built
    const next = start + perStatement;
    if (next < count) {
      try {
        // the driver sends the statement a few microtasks after query(); let it go before building the next
        await new Promise<void>((resolve) => setImmediate(resolve));
        params = build(next);
      } catch (e) {
        await running.catch(() => undefined);
        throw e;
      }
    }
    await running;
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
