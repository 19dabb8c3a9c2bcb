import { type PredictionRecord, bulkInsert, dialectOf, insertRows, placeholder, quoteIdent } from '@vigil/core';
import type { EntityManager } from 'typeorm';
import { SECTOR_PERFORMANCE_TABLE } from './entities/SectorPerformanceEntity.js';
import type { AggregateRow } from './SectorAggregates.js';

const T = quoteIdent(SECTOR_PERFORMANCE_TABLE);
const COLUMNS = [
  'prediction_id',
  'symbol',
  'sector',
  'regime',
  'predicted_label',
  'actual_label',
  'confidence',
  'correct',
  'timestamp',
  'model_version',
] as const;

/** A row to insert, in `COLUMNS` order. */
export type TrackedRow = readonly [
  id: string | null,
  symbol: string,
  sector: string,
  regime: string,
  predictedLabel: number,
  actualLabel: number | null,
  confidence: number,
  correct: 0 | 1 | null,
  timestamp: string,
  modelVersion: string,
];

const PENDING_COLUMNS = [
  'prediction_id',
  'symbol',
  'sector',
  'regime',
  'predicted_label',
  'confidence',
  'timestamp',
  'model_version',
] as const;

/**
 * The observe hook's rows: predictions just logged, pending (actual_label and correct left to
 * their NULL default), each row's values put straight into its statement's parameters.
 * `symbols` and `sectors` are the records' canonical symbols and sectors, by index.
 */
export function insertPending(
  m: EntityManager,
  records: readonly PredictionRecord[],
  symbols: readonly string[],
  sectors: readonly string[],
): Promise<void> {
  return insertRows(m, SECTOR_PERFORMANCE_TABLE, PENDING_COLUMNS, records.length, (i, p, at) => {
    const r = records[i] as PredictionRecord;
    p[at] = r.id;
    p[at + 1] = symbols[i];
    p[at + 2] = sectors[i];
    p[at + 3] = r.regime;
    p[at + 4] = r.predictedLabel;
    p[at + 5] = r.confidence;
    p[at + 6] = r.timestamp;
    p[at + 7] = r.modelVersion;
  });
}

/** One multi-row insert per chunk; a batch with no outcomes leaves actual_label/correct to their NULL default (fewer bound parameters on the hot path). */
export function insertTracked(m: EntityManager, rows: readonly TrackedRow[]): Promise<void> {
  if (rows.every((r) => r[5] === null)) {
    return bulkInsert(
      m,
      SECTOR_PERFORMANCE_TABLE,
      PENDING_COLUMNS,
      rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[6], r[8], r[9]]),
    );
  }
  return bulkInsert(m, SECTOR_PERFORMANCE_TABLE, COLUMNS, rows);
}

/** A row an outcome changed: what the in-memory aggregates need. */
export interface ResolvedCell {
  readonly model: string;
  readonly sector: string;
  readonly symbol: string;
  readonly regime: string;
  readonly correct: number;
}

/**
 * Scores pending rows by prediction id: one UPDATE ... WHERE IN (VALUES ...) RETURNING per chunk,
 * nothing per row. Rows already resolved, or never tracked, are left alone and not returned,
 * so the caller counts exactly the transitions the database made. The statement starts with
 * WITH so TypeORM's SQLite runner fetches the RETURNING rows (it `run`s statements starting
 * with UPDATE and drops their rows); PostgreSQL returns [rows, count] for an UPDATE.
 */
export async function resolveTracked(
  m: EntityManager,
  outcomes: readonly { readonly id: string; readonly actualLabel: number }[],
): Promise<ResolvedCell[]> {
  const ph = placeholder(dialectOf(m.connection));
  const out: ResolvedCell[] = [];
  const size = 1_000;
  for (let start = 0; start < outcomes.length; start += size) {
    const chunk = outcomes.slice(start, start + size);
    const params: unknown[] = [];
    let n = 0;
    const values = chunk
      .map((o) => {
        params.push(o.id, o.actualLabel);
        return `(CAST(${ph(++n)} AS TEXT), CAST(${ph(++n)} AS INTEGER))`;
      })
      .join(', ');
    // Not `UPDATE ... FROM v WHERE prediction_id = v.pid`: SQLite without sqlite_stat1 plans
    // that join, once the VALUES list has ~500+ rows, as a SCAN of the whole table plus an
    // automatic index on v (186 ms per 2,000 outcomes at 1M rows, against 20 ms by index),
    // and INDEXED BY only turns it into a scan of the whole index. `prediction_id IN (SELECT
    // pid FROM v)` is planned as one index lookup per outcome at any size, on SQLite with or
    // without statistics and on PostgreSQL (packages/server/test/queryPlans.int.test.ts).
    const label = `(SELECT v.label FROM v WHERE v.pid = ${T}.prediction_id)`;
    const sql =
      `WITH v (pid, label) AS (VALUES ${values}) ` +
      `UPDATE ${T} SET actual_label = ${label}, correct = CASE WHEN ${T}.predicted_label = ${label} THEN 1 ELSE 0 END ` +
      `WHERE ${T}.prediction_id IN (SELECT pid FROM v) AND ${T}.actual_label IS NULL ` +
      'RETURNING model_version, sector, symbol, regime, correct';
    const raw = (await m.query(sql, params)) as unknown[];
    const rows = (Array.isArray(raw[0]) ? raw[0] : raw) as {
      model_version: string;
      sector: string;
      symbol: string;
      regime: string;
      correct: unknown;
    }[];
    for (const r of rows)
      out.push({
        model: r.model_version,
        sector: r.sector,
        symbol: r.symbol,
        regime: r.regime,
        correct: Number(r.correct),
      });
  }
  return out;
}

/** The full GROUP BY the aggregates are rebuilt from (and must always equal). */
export async function queryAggregateRows(m: EntityManager): Promise<AggregateRow[]> {
  const rows = (await m.query(
    `SELECT model_version, sector, symbol, regime, COUNT(*) AS tracked, COUNT(actual_label) AS resolved, ` +
      `SUM(CASE WHEN actual_label IS NOT NULL AND correct = 1 THEN 1 ELSE 0 END) AS correct ` +
      `FROM ${T} GROUP BY model_version, sector, symbol, regime`,
  )) as {
    model_version: string;
    sector: string;
    symbol: string;
    regime: string;
    tracked: unknown;
    resolved: unknown;
    correct: unknown;
  }[];
  return rows.map((r) => ({
    model: r.model_version,
    sector: r.sector,
    symbol: r.symbol,
    regime: r.regime,
    tracked: Number(r.tracked),
    resolved: Number(r.resolved),
    correct: Number(r.correct),
  }));
}

/** The model of the newest row (by id: the last tracked), or null for an empty table. */
export async function queryLatestModel(m: EntityManager): Promise<string | null> {
  const rows = (await m.query(`SELECT model_version FROM ${T} ORDER BY id DESC LIMIT 1`)) as {
    model_version: string;
  }[];
  return rows[0]?.model_version ?? null;
}
