import { readFileSync } from 'node:fs';
import { testDatabases } from '@vigil/host/testing';
import { makePredictions } from '@vigil/test-utils';
import type { DataSource } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_VALIDATION, type Served, post, serve, writeModel } from './helpers.js';

/**
 * Flat cost at any table size: every statement the hot paths run (observe, resolve, each
 * plugin's hooks, the gate's reads, every documented GET route) is recorded from a real
 * workload, then explained (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL) with its
 * own parameters at a small and at a large table. A full scan of a big table fails the test.
 *
 * Statements are recorded, not listed by hand, so a new query on a hot path is checked the day
 * it is written. SQLite plans without statistics do not depend on the table size, but they do
 * depend on the statement's size (a 1,000-row VALUES list flips a join to a scan), so the
 * workload uses batches of 1, 100 and 2,500; SQLite is also checked after `ANALYZE` (a user who
 * runs `PRAGMA optimize`). PostgreSQL plans follow the statistics, so it is checked after
 * `ANALYZE` of the large tables.
 */

/** Rows each table is grown to for the "large" check. */
const LARGE = 60_000;
/** A table at least this big must never be read in full. */
const BIG = 10_000;

/**
 * Reads of a whole table that are allowed, each with the reason it does not grow with traffic.
 * Matched against the statement text.
 */
const ALLOWED_FULL_SCANS: readonly { table: string; sql: RegExp; why: string }[] = [
  {
    table: 'model_promotion_history',
    sql: /FROM "?model_promotion_history"?\s*(ORDER BY|$)/i,
    why: 'verify reads the whole hash chain; one row per promotion attempt',
  },
  {
    table: 'drift_baseline',
    sql: /^DELETE FROM "?drift_baseline"?$/,
    why: 'setBaseline replaces the one stored baseline (not a per-prediction path)',
  },
  {
    table: 'drift_state',
    sql: /^SELECT model_version FROM "?drift_state"? ORDER BY model_version$/,
    why: "the drift view's model list: one row per model the monitor watches",
  },
  {
    table: 'vigil_predictions',
    sql: /^SELECT \* FROM vigil_predictions WHERE timestamp >= \S+ AND timestamp < \S+ AND model_version = /,
    why: "GET /api/drift/distribution rebuilds one window check's values: an on-demand read (a click), not a page load or a per-prediction path; the log keeps one index (observed_at) so observe stays fast",
  },
  {
    table: 'sector_performance',
    sql: /^SELECT SUBSTR\(timestamp, 1, 10\) AS step, \w+ AS k, COUNT\(\*\) AS n, SUM\(correct\) AS c FROM "?sector_performance"?/,
    why: "GET /api/sectors/rolling, the dashboard's accuracy chart: one grouped read of the resolved rows per chart; the table keeps no timestamp index so that observe stays fast",
  },
  {
    table: 'vigil_predictions',
    sql: /^SELECT (model_version AS m|symbol AS k|regime AS k|SUBSTR\(timestamp, 1, 10\) AS k), COUNT\(\*\) AS n/,
    why: 'GET /api/report (vigil report) aggregates every prediction in its range by model, symbol, regime and day: an on-demand audit document holding one row per group, not a page load or a per-prediction path',
  },
  {
    table: 'error_replay_buffer',
    sql: /^SELECT (regime|true_label AS label|COUNT\(\*\) AS n, AVG\(confidence\))/,
    why: "the dashboard's buffer summary; the buffer never holds more than replay.maxSize rows (default 1,000)",
  },
];

const apiDoc = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
const documentedGets = [...new Set([...apiDoc.matchAll(/`GET (\/api\/[a-z/:]+)/g)].map((m) => m[1] as string))];

interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** Records every statement the data source runs while `fn` runs. */
async function record(ds: DataSource, fn: () => Promise<void>): Promise<Statement[]> {
  const seen = new Map<string, Statement>();
  const logger = ds.logger;
  const original = logger.logQuery.bind(logger);
  logger.logQuery = (sql, params, qr) => {
    if (/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql) && !seen.has(sql))
      seen.set(sql, { sql, params: params ?? [] });
    return original(sql, params, qr);
  };
  try {
    await fn();
  } finally {
    logger.logQuery = original;
  }
  return [...seen.values()];
}

async function workload(s: Served, tag: string): Promise<void> {
  const { host, app } = s;
  let next = 0;
  for (const size of [1, 100, 2_500, 1]) {
    const records = makePredictions(size, { seed: next + 7, idPrefix: `${tag}${next}-` });
    next++;
    await host.observe(records);
    await host.resolve(
      records.map((r, i) => ({ id: r.id, actualLabel: i % 3 === 0 ? 1 - r.predictedLabel : r.predictedLabel })),
    );
  }
  const modelPath = writeModel(s, 'cand.json', '{"weights":[1]}');
  expect((await post(app, '/api/gate/validate', { modelPath, validation: GOOD_VALIDATION })).statusCode).toBe(200);
  expect((await post(app, '/api/gate/promote', { modelPath, modelVersion: 'm1' })).statusCode).toBe(200);
  for (const route of documentedGets) {
    const urls = route.includes(':sector')
      ? [route.replace(':sector', encodeURIComponent('Information Technology'))]
      : route === '/api/drift'
        ? ['/api/drift', ...['cusum', 'feature', 'regime', 'prediction'].map((t) => `/api/drift?type=${t}&limit=50`)]
        : [route];
    for (const url of urls) expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
  }
}

const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

async function tables(ds: DataSource, pg: boolean): Promise<string[]> {
  const rows: { name: string }[] = await ds.query(
    pg
      ? `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
      : `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
  );
  return rows.map((r) => r.name).filter((n) => n !== 'vigil_migrations');
}

/** Columns of `table` that are in some index: [name, unique, integer primary key]. */
async function indexedColumns(
  ds: DataSource,
  pg: boolean,
  table: string,
): Promise<Map<string, { unique: boolean; rowid: boolean }>> {
  const out = new Map<string, { unique: boolean; rowid: boolean }>();
  const add = (c: string, unique: boolean, rowid = false): void => {
    const prev = out.get(c);
    out.set(c, { unique: unique || (prev?.unique ?? false), rowid: rowid || (prev?.rowid ?? false) });
  };
  if (pg) {
    const rows: { col: string; uniq: boolean; serial: boolean }[] = await ds.query(
      `SELECT a.attname AS col, i.indisunique AS uniq, (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval%') AS serial
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE i.indrelid = $1::regclass`,
      [ident(table)],
    );
    for (const r of rows) add(r.col, r.uniq, r.serial === true);
    return out;
  }
  for (const c of (await ds.query(`PRAGMA table_info(${ident(table)})`)) as {
    name: string;
    type: string;
    pk: number;
  }[]) {
    if (c.pk > 0) add(c.name, true, /^integer$/i.test(c.type));
  }
  for (const ix of (await ds.query(`PRAGMA index_list(${ident(table)})`)) as { name: string; unique: number }[]) {
    for (const c of (await ds.query(`PRAGMA index_info(${ident(ix.name)})`)) as { name: string }[])
      add(c.name, ix.unique === 1);
  }
  return out;
}

/**
 * Grows every table to `LARGE` rows by copying one of its rows: unique integer keys are numbered
 * from 1e9 (past the workload's own ids), unique text keys get a row number, other indexed text columns spread over a
 * thousand values (so the workload's own values stay selective in PostgreSQL's statistics).
 */
async function grow(ds: DataSource, pg: boolean): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const table of await tables(ds, pg)) {
    const have = Number((await ds.query(`SELECT COUNT(*) AS n FROM ${ident(table)}`))[0].n);
    const cols: { name: string; type: string }[] = pg
      ? await ds.query(
          `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
          [table],
        )
      : await ds.query(`PRAGMA table_info(${ident(table)})`);
    const indexed = await indexedColumns(ds, pg, table);
    const add = LARGE - have;
    if (have === 0 || add <= 0) {
      sizes.set(table, have);
      continue;
    }
    const names: string[] = [];
    const exprs: string[] = [];
    for (const c of cols) {
      const ix = indexed.get(c.name);
      const text = /char|text|clob/i.test(c.type);
      const col = `r.${ident(c.name)}`;
      names.push(ident(c.name));
      if (ix?.unique && text) exprs.push(`${col} || '~' || CAST(s.n AS TEXT)`);
      else if (ix?.unique) exprs.push(`${1_000_000_000} + s.n`);
      else if (ix && text) exprs.push(`${col} || '~' || CAST(s.n % 1000 AS TEXT)`);
      else exprs.push(col);
    }
    await ds.query(
      `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${add}) ` +
        `INSERT INTO ${ident(table)} (${names.join(', ')}) SELECT ${exprs.join(', ')} FROM s CROSS JOIN (SELECT * FROM ${ident(table)} LIMIT 1) r`,
    );
    sizes.set(table, LARGE);
  }
  return sizes;
}

interface FullScan {
  readonly table: string;
  readonly sql: string;
  readonly plan: string;
}

/** The big tables each statement's plan reads in full. */
async function fullScans(
  ds: DataSource,
  pg: boolean,
  statements: readonly Statement[],
  sizes: Map<string, number>,
): Promise<FullScan[]> {
  const out: FullScan[] = [];
  for (const st of statements) {
    let lines: string[];
    if (pg) {
      const rows: Record<string, string>[] = await ds.query(`EXPLAIN ${st.sql}`, [...st.params]);
      lines = rows.map((r) => r['QUERY PLAN'] as string);
    } else {
      const rows: { detail: string }[] = await ds.query(`EXPLAIN QUERY PLAN ${st.sql}`, [...st.params]);
      lines = rows.map((r) => r.detail);
    }
    const plan = lines.join('\n');
    // An ordered read under a LIMIT (no sort step: rows come in index or rowid order) stops
    // after LIMIT rows: SQLite prints it as `SCAN t` (rowid) or `SCAN t USING INDEX i`.
    const ordered =
      /\bORDER BY\b[^()]*\bLIMIT\b/i.test(st.sql) && !lines.some((l) => /TEMP B-TREE FOR ORDER BY/.test(l));
    for (const line of lines) {
      // SQLite: `SCAN t`, `SCAN t USING [COVERING] INDEX i` (the whole table or index).
      // PostgreSQL: `Seq Scan on t`.
      const m = pg ? /Seq Scan on (\w+)/.exec(line) : /^SCAN (\w+)( USING (COVERING )?INDEX)?/.exec(line);
      if (!m) continue;
      const table = m[1] as string;
      if (!pg && !m[3] && ordered) continue;
      if ((sizes.get(table) ?? 0) < BIG) continue;
      if (ALLOWED_FULL_SCANS.some((a) => a.table === table && a.sql.test(st.sql))) continue;
      out.push({ table, sql: st.sql.length > 400 ? `${st.sql.slice(0, 400)}...` : st.sql, plan });
    }
  }
  return out;
}

describe.each(testDatabases())('query plans on %s', (database) => {
  let s: Served | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('reads no big table in full on any hot path, at a small and at a large table', async () => {
    s = await serve(database, { drift: { baselineSteps: 8, windowSteps: 5 } });
    const ds = s.host.dataSource;
    const pg = database === 'postgres';
    const small = await record(ds, () => workload(s as Served, 'a'));
    expect(small.length).toBeGreaterThan(20);
    // Touches every table the workload wrote and the big prediction-log paths.
    expect(small.some((st) => /vigil_predictions/.test(st.sql))).toBe(true);
    expect(small.some((st) => /sector_performance/.test(st.sql) && /^\s*WITH|UPDATE/i.test(st.sql))).toBe(true);

    const sizes = await grow(ds, pg);
    expect(sizes.get('vigil_predictions')).toBe(LARGE);
    expect(sizes.get('sector_performance')).toBe(LARGE);
    // The same statements against large tables, plus whatever the workload runs now they are large.
    const large = [...small, ...(await record(ds, () => workload(s as Served, 'b')))];
    if (pg) await ds.query('ANALYZE');
    expect(await fullScans(ds, pg, large, sizes)).toEqual([]);
    if (!pg) {
      await ds.query('ANALYZE');
      expect(await fullScans(ds, pg, large, sizes)).toEqual([]);
    }
  });

  it('the check itself flags a full scan of a big table', async () => {
    s = await serve(database);
    const ds = s.host.dataSource;
    const pg = database === 'postgres';
    await s.host.observe(makePredictions(3));
    const sizes = await grow(ds, pg);
    if (pg) await ds.query('ANALYZE');
    const scans = await fullScans(
      ds,
      pg,
      [{ sql: 'SELECT COUNT(*) AS n FROM vigil_predictions WHERE confidence > 0.9', params: [] }],
      sizes,
    );
    expect(scans.map((x) => x.table)).toEqual(['vigil_predictions']);
  });
});
