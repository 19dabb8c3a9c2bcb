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
 * workload uses batches of 1, 100 and 2,500. Both databases are checked without statistics
 * (PostgreSQL's autovacuum is off for the test's tables, so none are gathered behind its back)
 * and after `ANALYZE` (on SQLite, a user who runs `PRAGMA optimize`; PostgreSQL plans follow the
 * statistics). The prediction log and `sector_performance` grow as one model's
 * long history (`HISTORIES`), so the reads of one model over a date range (a drift window rebuilt
 * for the distribution panel, the shadow comparison, the rolling accuracy chart) must find their
 * rows by time as well as by model; the workload sends them the parameters the dashboard sends.
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
    table: 'gate_shadow',
    sql: /^SELECT DISTINCT model FROM gate_shadow WHERE since <= \S+ AND \(until IS NULL OR until > \S+\) ORDER BY model$/,
    why: 'which challengers are in shadow at a data time (GET /api/models/live, drift at an episode onset): one row per shadow observation, a few per retraining, not per prediction',
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
    table: 'sector_performance',
    // no lower time bound: the chart without a date range
    sql: /^SELECT SUBSTR\(timestamp, 1, 10\) AS step, \w+ AS k, COUNT\(\*\) AS n, SUM\(correct\) AS c FROM "?sector_performance"? WHERE correct IS NOT NULL AND timestamp IS NOT NULL AND model_version IN \([^)]*\)( AND timestamp < \S+)? GROUP BY/,
    why: "GET /api/sectors/rolling without `from` charts the model's whole history, so it reads every resolved row of that model (by index; in full when, as here, one model is the whole table); with a date range it reads the range and its window's lookback only, which this test holds to the index",
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
  // a challenger (m2) on the same symbols and days, resolved, in shadow of m1: the comparison reads
  // both models' resolved rows by model and time
  const challenger = makePredictions(400, { seed: next + 70, idPrefix: `${tag}c-`, modelVersion: 'm2' });
  await host.observe(challenger);
  await host.resolve(
    challenger.map((r, i) => ({ id: r.id, actualLabel: i % 4 === 0 ? 1 - r.predictedLabel : r.predictedLabel })),
  );
  if (tag === 'a')
    expect(
      (await post(app, '/api/gate/shadows/start', { model: 'm2', champion: 'm1', since: '2020-01-01T00:00:00Z' }))
        .statusCode,
    ).toBe(200);
  const modelPath = writeModel(s, 'cand.json', '{"weights":[1]}');
  expect(
    (await post(app, '/api/gate/validate', { modelPath, validation: GOOD_VALIDATION, modelVersion: 'm1' })).statusCode,
  ).toBe(200);
  expect((await post(app, '/api/gate/promote', { modelPath, modelVersion: 'm1' })).statusCode).toBe(200);
  for (const route of documentedGets) {
    const urls = route.includes(':sector')
      ? [route.replace(':sector', encodeURIComponent('Information Technology'))]
      : route === '/api/drift'
        ? ['/api/drift', ...['cusum', 'feature', 'regime', 'prediction'].map((t) => `/api/drift?type=${t}&limit=50`)]
        : [route];
    for (const url of urls) {
      const res = await app.inject({ method: 'GET', url });
      // with two models, a per-model read names one (a 400 that lists them otherwise; the drift
      // distribution's default, the challenger's latest check, compared nothing yet: a 404)
      const named = `${url}${url.includes('?') ? '&' : '?'}model=m1`;
      if ((res.statusCode === 400 || res.statusCode === 404) && /model/.test(res.body))
        expect((await app.inject({ method: 'GET', url: named })).statusCode, named).toBe(200);
      else expect(res.statusCode, url).toBe(200);
    }
  }
  // the analysis reads with the parameters the dashboard sends: a model, a date range, a check's step
  for (const url of [
    '/api/sectors/rolling?by=sector&model=m1&window=20&from=2020-06-01&to=2020-07-31',
    '/api/sectors/rolling?by=regime&model=m1&window=5&from=2020-06-01',
    '/api/sectors/rolling?by=model&window=20&from=2020-06-01&to=2020-07-31',
    // the dashboard's default without a start date: the last 250 trading days, found from the newest row
    '/api/sectors/rolling?by=sector&model=m1&window=20&steps=250',
    '/api/sectors/rolling?by=model&window=20&steps=250',
    '/api/drift/distribution?model=m1&step=2020-06-15',
    '/api/drift/distribution?model=m1&feature=f3',
    '/api/gate/shadows/compare?model=m2',
    '/api/gate/latest?model=m1',
  ]) {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode, url).toBe(200);
    expect(res.body, url).not.toBe('null');
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
 * Tables grown as one model's long history: their `timestamp` runs an hour a row from 2010 (years
 * before the workload's 2020 data) and `model_version` stays the copied row's, so a read of one
 * model's rows over a date range must be bounded by time, not only by model.
 */
const HISTORIES = new Set(['vigil_predictions', 'sector_performance']);

/**
 * Grows every table to `LARGE` rows by copying one of its rows: unique integer keys are numbered
 * from 1e9 (past the workload's own ids), unique text keys get a row number, other indexed text columns spread over a
 * thousand values (so the workload's own values stay selective in PostgreSQL's statistics), except
 * in `HISTORIES`.
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
      if (HISTORIES.has(table) && c.name === 'timestamp')
        exprs.push(
          pg
            ? `to_char(TIMESTAMP '2010-01-01' + s.n * INTERVAL '1 hour', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
            : `strftime('%Y-%m-%dT%H:%M:%fZ', '2010-01-01', '+' || s.n || ' hours')`,
        );
      else if (HISTORIES.has(table) && c.name === 'model_version') exprs.push(col);
      else if (ix?.unique && text) exprs.push(`${col} || '~' || CAST(s.n AS TEXT)`);
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
    s = await serve(database, { drift: { baselineSteps: 10, windowSteps: 5 } });
    const ds = s.host.dataSource;
    const pg = database === 'postgres';
    // no background ANALYZE: the first check below is the planner without statistics
    if (pg)
      for (const table of await tables(ds, pg))
        await ds.query(`ALTER TABLE ${ident(table)} SET (autovacuum_enabled = false)`);
    const small = await record(ds, () => workload(s as Served, 'a'));
    expect(small.length).toBeGreaterThan(20);
    // Touches every table the workload wrote and the big prediction-log paths.
    expect(small.some((st) => /vigil_predictions/.test(st.sql))).toBe(true);
    expect(small.some((st) => /sector_performance/.test(st.sql) && /^\s*WITH|UPDATE/i.test(st.sql))).toBe(true);

    const sizes = await grow(ds, pg);
    expect(sizes.get('vigil_predictions')).toBe(LARGE);
    expect(sizes.get('sector_performance')).toBe(LARGE);
    // the reads by model and time range were recorded (the check below is not vacuous for them)
    for (const [what, re] of [
      ['rolling accuracy over a date range', /FROM "?sector_performance"? WHERE .*model_version IN .*timestamp >= /],
      [
        "the rolling chart's newest day (its default range)",
        /^SELECT timestamp FROM "?sector_performance"? WHERE .*model_version IN \(\S+\) ORDER BY timestamp DESC LIMIT 1$/,
      ],
      [
        'a drift window rebuilt from the log',
        /FROM vigil_predictions WHERE timestamp >= \S+ AND timestamp < \S+ AND model_version = /,
      ],
      ['the latest decision of one model', /FROM "?model_promotion_history"? WHERE .*"?model_version"? = /],
      // by model and time, and only the columns it pairs on (never features_json)
      [
        'the shadow comparison',
        /^SELECT id, symbol, timestamp, predicted_label, actual_label FROM vigil_predictions WHERE model_version = \S+ AND timestamp >= \S+ AND actual_label IS NOT NULL/,
      ],
    ] as const)
      expect(
        small.some((st) => re.test(st.sql)),
        what,
      ).toBe(true);
    // The same statements against large tables, plus whatever the workload runs now they are large.
    const large = [...small, ...(await record(ds, () => workload(s as Served, 'b')))];
    // without statistics (on PostgreSQL, autovacuum is off for these tables, so none were gathered),
    // then with them (`ANALYZE`; on SQLite what `PRAGMA optimize` gathers)
    expect(await fullScans(ds, pg, large, sizes), 'without ANALYZE').toEqual([]);
    await ds.query('ANALYZE');
    expect(await fullScans(ds, pg, large, sizes), 'after ANALYZE').toEqual([]);
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
