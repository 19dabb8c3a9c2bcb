import { bulkInsert, dialectOf, placeholder, quoteIdent } from '@vigil/core';
import type { EntityManager } from 'typeorm';
import { HISTORY_TABLE } from './entities/ModelPromotionHistory.js';
import { GENESIS_HASH, type HistoryAction, type HistoryRow, normalizeRow, rowHash } from './historyChain.js';

export type NewHistoryRow = Omit<HistoryRow, 'id' | 'prev_hash' | 'row_hash'>;

const COLUMNS = [
  'id',
  'model_path',
  'validation_timestamp',
  'approved',
  'overall_accuracy',
  'crash_accuracy',
  'min_sector_accuracy',
  'drift_score',
  'replay_improvement',
  'checks_passed',
  'checks_failed',
  'promoted_to_production',
  'notes',
  'model_sha256',
  'criteria_json',
  'actor',
  'action',
  'model_version',
  'prev_hash',
  'row_hash',
] as const satisfies readonly (keyof HistoryRow)[];

const T = quoteIdent(HISTORY_TABLE);
const SELECT = `SELECT ${COLUMNS.map(quoteIdent).join(', ')} FROM ${T}`;

/**
 * Appends one row, linked to the row before it. Must run inside a transaction: on PostgreSQL
 * the table is locked against other writers until commit, so two processes cannot both claim
 * the same id or the same predecessor (SQLite's single writer gives the same guarantee).
 * With `key`, the row is hashed with HMAC-SHA256 under it (see `rowHash`).
 */
export async function appendHistory(manager: EntityManager, row: NewHistoryRow, key?: Uint8Array): Promise<HistoryRow> {
  if (dialectOf(manager.connection) === 'postgres') await manager.query(`LOCK TABLE ${T} IN SHARE ROW EXCLUSIVE MODE`);
  const [last] = (await manager.query(
    `SELECT ${quoteIdent('id')}, ${quoteIdent('row_hash')} FROM ${T} ORDER BY ${quoteIdent('id')} DESC LIMIT 1`,
  )) as { id: unknown; row_hash: string | null }[];
  const base = { ...row, id: last ? Number(last.id) + 1 : 1, prev_hash: last?.row_hash ?? GENESIS_HASH };
  const full: HistoryRow = { ...base, row_hash: rowHash(base, key) };
  await bulkInsert(manager, HISTORY_TABLE, COLUMNS, [COLUMNS.map((c) => full[c])]);
  return full;
}

export async function countHistory(manager: EntityManager): Promise<number> {
  const [r] = (await manager.query(`SELECT COUNT(*) AS n FROM ${T}`)) as { n: unknown }[];
  return Number(r?.n ?? 0);
}

/** Newest first, for the dashboard. */
export async function readHistory(manager: EntityManager, limit: number, offset: number): Promise<HistoryRow[]> {
  const ph = placeholder(dialectOf(manager.connection));
  const rows = (await manager.query(`${SELECT} ORDER BY ${quoteIdent('id')} DESC LIMIT ${ph(1)} OFFSET ${ph(2)}`, [
    limit,
    offset,
  ])) as Record<string, unknown>[];
  return rows.map(normalizeRow);
}

/** Every row in id order, for chain verification. */
export async function readAllHistory(manager: EntityManager): Promise<HistoryRow[]> {
  const rows = (await manager.query(`${SELECT} ORDER BY ${quoteIdent('id')} ASC`)) as Record<string, unknown>[];
  return rows.map(normalizeRow);
}

/**
 * The newest row with one of `actions`, optionally for one model SHA-256 and for one
 * `model_version` (null: rows that name none), through idx_model_promotion_history_model.
 */
export async function latestHistory(
  manager: EntityManager,
  actions: readonly HistoryAction[],
  sha256?: string,
  modelVersion?: string | null,
): Promise<HistoryRow | undefined> {
  const ph = placeholder(dialectOf(manager.connection));
  const params: unknown[] = [...actions];
  const inList = actions.map((_, i) => ph(i + 1)).join(', ');
  let where = `${quoteIdent('action')} IN (${inList})`;
  if (sha256 !== undefined) {
    params.push(sha256);
    where += ` AND ${quoteIdent('model_sha256')} = ${ph(params.length)}`;
  }
  if (modelVersion === null) where += ` AND ${quoteIdent('model_version')} IS NULL`;
  else if (modelVersion !== undefined) {
    params.push(modelVersion);
    where += ` AND ${quoteIdent('model_version')} = ${ph(params.length)}`;
  }
  const [row] = (await manager.query(
    `${SELECT} WHERE ${where} ORDER BY ${quoteIdent('id')} DESC LIMIT 1`,
    params,
  )) as Record<string, unknown>[];
  return row ? normalizeRow(row) : undefined;
}

/** One row by id (the primary key). */
export async function historyById(manager: EntityManager, id: number): Promise<HistoryRow | undefined> {
  const ph = placeholder(dialectOf(manager.connection));
  const [row] = (await manager.query(`${SELECT} WHERE ${quoteIdent('id')} = ${ph(1)}`, [id])) as Record<
    string,
    unknown
  >[];
  return row ? normalizeRow(row) : undefined;
}

/** The newest row that put a model into production (promote, override, rollback that went through). */
export async function latestProductionRow(manager: EntityManager): Promise<HistoryRow | undefined> {
  const ph = placeholder(dialectOf(manager.connection));
  const [row] = (await manager.query(
    `${SELECT} WHERE ${quoteIdent('action')} IN (${ph(1)}, ${ph(2)}, ${ph(3)}) AND ${quoteIdent('promoted_to_production')} = 1 ORDER BY ${quoteIdent('id')} DESC LIMIT 1`,
    ['promote', 'override', 'rollback'],
  )) as Record<string, unknown>[];
  return row ? normalizeRow(row) : undefined;
}

/** The newest row that named a `modelVersion` for these bytes (any action), for a rollback to restore it with. */
export async function latestVersionOf(manager: EntityManager, sha256: string): Promise<HistoryRow | null> {
  const ph = placeholder(dialectOf(manager.connection));
  const [row] = (await manager.query(
    `${SELECT} WHERE ${quoteIdent('model_sha256')} = ${ph(1)} AND ${quoteIdent('model_version')} IS NOT NULL ORDER BY ${quoteIdent('id')} DESC LIMIT 1`,
    [sha256],
  )) as Record<string, unknown>[];
  return row ? normalizeRow(row) : null;
}

/** A row that put a model into production, as "which model is live at a data time" reads it. */
export interface ProductionChange {
  readonly id: number;
  readonly modelVersion: string | null;
  /** The data time it speaks for (its as-of), else when it was recorded. */
  readonly effective: string;
}

/** Every row that put a model into production (promote, override, rollback that went through), oldest first. */
export async function productionChanges(manager: EntityManager): Promise<ProductionChange[]> {
  const ph = placeholder(dialectOf(manager.connection));
  const rows = (await manager.query(
    `SELECT ${['id', 'model_version', 'validation_timestamp', 'criteria_json'].map(quoteIdent).join(', ')} FROM ${T} WHERE ${quoteIdent('action')} IN (${ph(1)}, ${ph(2)}, ${ph(3)}) AND ${quoteIdent('promoted_to_production')} = 1 ORDER BY ${quoteIdent('id')} ASC`,
    ['promote', 'override', 'rollback'],
  )) as { id: unknown; model_version: unknown; validation_timestamp: unknown; criteria_json: unknown }[];
  return rows.map((r) => {
    let asOf: unknown = null;
    try {
      asOf = (JSON.parse(String(r.criteria_json ?? 'null')) as { asOf?: unknown } | null)?.asOf;
    } catch {
      asOf = null;
    }
    return {
      id: Number(r.id),
      modelVersion: r.model_version === null || r.model_version === undefined ? null : String(r.model_version),
      effective: typeof asOf === 'string' ? asOf : String(r.validation_timestamp),
    };
  });
}
