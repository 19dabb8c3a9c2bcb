import { bulkInsert, dialectOf, placeholder, quoteIdent, selectIn } from '@vigil/core';
import type { EntityManager } from 'typeorm';
import type { IndexEntry } from './BufferIndex.js';
import { ERROR_REPLAY_TABLE } from './entities/ErrorReplayRow.js';
import { REPLAY_META_TABLE } from './entities/ReplayMetaRow.js';
import type { NormalizedError } from './validateErrors.js';

const T = quoteIdent(ERROR_REPLAY_TABLE);
const M = quoteIdent(REPLAY_META_TABLE);
const DAY_MS = 86_400_000;

const INSERT_COLUMNS = [
  'id',
  'symbol',
  'date',
  'regime',
  'features_json',
  'true_label',
  'predicted_label',
  'confidence',
  'error_score',
  'added_at',
  'replayed_count',
  'model_version',
  'prediction_id',
];

export async function insertErrors(
  manager: EntityManager,
  rows: readonly { id: number; e: NormalizedError }[],
  addedAt: string,
): Promise<void> {
  await bulkInsert(
    manager,
    ERROR_REPLAY_TABLE,
    INSERT_COLUMNS,
    rows.map(({ id, e }) => [
      id,
      e.symbol,
      e.timestamp,
      e.regime,
      JSON.stringify(e.features),
      e.actualLabel,
      e.predictedLabel,
      e.confidence,
      e.score,
      addedAt,
      0,
      e.modelVersion,
      e.id,
    ]),
  );
}

/** One `DELETE ... WHERE id IN (...)` per 10,000 ids (one statement for any ordinary batch). */
export async function deleteIds(manager: EntityManager, ids: readonly number[]): Promise<void> {
  const ph = placeholder(dialectOf(manager.connection));
  for (let start = 0; start < ids.length; start += 10_000) {
    const chunk = ids.slice(start, start + 10_000);
    await manager.query(
      `DELETE FROM ${T} WHERE id IN (${chunk.map((_, i) => ph(i + 1)).join(', ')})`,
      chunk as number[],
    );
  }
}

/** Every row, or one model's. */
export async function deleteAll(manager: EntityManager, model?: string): Promise<void> {
  if (model === undefined) await manager.query(`DELETE FROM ${T}`);
  else
    await manager.query(`DELETE FROM ${T} WHERE model_version = ${placeholder(dialectOf(manager.connection))(1)}`, [
      model,
    ]);
}

/** What the index needs of every row (scores missing from foreign rows are computed the spec's way); `heldOut` decides each row's side. */
export async function loadIndexEntries(
  manager: EntityManager,
  heldOut: (id: number, model: string, predictionId: string | null) => boolean,
): Promise<IndexEntry[]> {
  const rows = (await manager.query(
    `SELECT id, model_version, prediction_id, symbol, date, regime, COALESCE(error_score, CASE WHEN true_label <> predicted_label THEN confidence ELSE 0 END) AS score FROM ${T} ORDER BY id`,
  )) as {
    id: unknown;
    model_version: string;
    prediction_id: string | null;
    symbol: string;
    date: string;
    regime: string | null;
    score: unknown;
  }[];
  return rows.map((r) => {
    const t = Date.parse(r.date.length === 10 ? `${r.date}T00:00:00Z` : r.date);
    const id = Number(r.id);
    return {
      id,
      model: r.model_version,
      heldOut: heldOut(id, r.model_version, r.prediction_id ?? null),
      symbol: r.symbol,
      day: Number.isFinite(t) ? Math.floor(t / DAY_MS) : 0,
      regime: r.regime ?? null,
      score: Number(r.score),
    };
  });
}

/** A buffered row, in observe's vocabulary plus the buffer's own row id. */
export interface StoredSample {
  /** The buffer's row id (what `replayPredictions` name as `bufferId`). */
  readonly bufferId: number;
  /** The caller's prediction id; null for rows added without one (or before ids were kept). */
  readonly id: string | null;
  readonly modelVersion: string;
  readonly features: number[];
  readonly actualLabel: number;
  readonly predictedLabel: number;
  readonly confidence: number;
  readonly symbol: string;
  /** The `date` column: an ISO time (a `YYYY-MM-DD` day for rows written before it kept the time). */
  readonly timestamp: string;
  readonly regime: string | null;
}

export async function loadSamples(manager: EntityManager, ids: readonly number[]): Promise<Map<number, StoredSample>> {
  const rows = await selectIn<Record<string, unknown>>(
    manager,
    (list) =>
      `SELECT id, prediction_id, model_version, features_json, true_label, predicted_label, confidence, symbol, date, regime FROM ${T} WHERE id IN (${list})`,
    ids,
  );
  return new Map(
    rows.map((r) => {
      const bufferId = Number(r.id);
      return [
        bufferId,
        {
          bufferId,
          id: r.prediction_id === null || r.prediction_id === undefined ? null : String(r.prediction_id),
          modelVersion: String(r.model_version),
          features: JSON.parse(String(r.features_json)) as number[],
          actualLabel: Number(r.true_label),
          predictedLabel: Number(r.predicted_label),
          confidence: Number(r.confidence),
          symbol: String(r.symbol),
          timestamp: String(r.date),
          regime: (r.regime as string | null) ?? null,
        },
      ];
    }),
  );
}

/** Adds each id's draw count to its `replayed_count`: one UPDATE per distinct count. */
export async function incrementReplayed(manager: EntityManager, counts: ReadonlyMap<number, number>): Promise<void> {
  const ph = placeholder(dialectOf(manager.connection));
  const byCount = new Map<number, number[]>();
  for (const [id, k] of counts) {
    const list = byCount.get(k) ?? [];
    list.push(id);
    byCount.set(k, list);
  }
  for (const [k, ids] of byCount) {
    for (let start = 0; start < ids.length; start += 10_000) {
      const chunk = ids.slice(start, start + 10_000);
      await manager.query(
        `UPDATE ${T} SET replayed_count = COALESCE(replayed_count, 0) + ${ph(1)} WHERE id IN (${chunk.map((_, i) => ph(i + 2)).join(', ')})`,
        [k, ...chunk],
      );
    }
  }
}

export async function readMeta(manager: EntityManager): Promise<Map<string, string>> {
  const rows = (await manager.query(`SELECT key, value FROM ${M}`)) as { key: string; value: string }[];
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function writeMeta(manager: EntityManager, key: string, value: string): Promise<void> {
  const ph = placeholder(dialectOf(manager.connection));
  await manager.query(
    `INSERT INTO ${M} (key, value) VALUES (${ph(1)}, ${ph(2)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [key, value],
  );
}

/**
 * Counts write transactions on the buffer (the `generation` row of replay_meta) and returns the
 * value before this one's. The upsert takes SQLite's write lock, or the row's lock on
 * PostgreSQL, so buffer writers from different processes run one after another; a value other
 * than the one a process last saw means another process changed the table since.
 */
export async function bumpGeneration(manager: EntityManager): Promise<number> {
  const ph = placeholder(dialectOf(manager.connection));
  await manager.query(
    `INSERT INTO ${M} (key, value) VALUES (${ph(1)}, '1') ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(${M}.value AS INTEGER) + 1 AS TEXT)`,
    [GENERATION_KEY],
  );
  const [row] = (await manager.query(`SELECT value FROM ${M} WHERE key = ${ph(1)}`, [GENERATION_KEY])) as {
    value: string;
  }[];
  return Number(row?.value) - 1;
}

export const GENERATION_KEY = 'generation';

export async function deleteMeta(manager: EntityManager, key: string): Promise<void> {
  const ph = placeholder(dialectOf(manager.connection));
  await manager.query(`DELETE FROM ${M} WHERE key = ${ph(1)}`, [key]);
}

export interface StatsRows {
  readonly total: number;
  readonly avgConfidence: number | null;
  readonly highConfidence: number;
  readonly replayedErrors: number;
  readonly totalReplays: number;
  readonly byRegime: Record<string, number>;
  readonly byLabel: Record<string, number>;
}

/** One model's buffer statistics (every row when `model` is undefined: only for an empty or one-model buffer). */
export async function readStats(
  manager: EntityManager,
  highConfidence: number,
  model: string | undefined,
): Promise<StatsRows> {
  const ph = placeholder(dialectOf(manager.connection));
  // each statement's parameters: the model's condition (if any) after the ones before it
  const scoped = (before: unknown[]) => {
    const params = [...before];
    const where: string[] = [];
    if (model !== undefined) where.push(`model_version = ${ph(params.push(model))}`);
    return { params, where };
  };
  const agg = await (async () => {
    const { params, where } = scoped([highConfidence]);
    const [row] = (await manager.query(
      `SELECT COUNT(*) AS n, AVG(confidence) AS c, SUM(CASE WHEN confidence > ${ph(1)} THEN 1 ELSE 0 END) AS h,
       SUM(CASE WHEN replayed_count > 0 THEN 1 ELSE 0 END) AS r, SUM(COALESCE(replayed_count, 0)) AS rs FROM ${T}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`,
      params,
    )) as Record<string, unknown>[];
    return row;
  })();
  const { params, where } = scoped([]);
  const regimes = (await manager.query(
    `SELECT regime, COUNT(*) AS n FROM ${T}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} GROUP BY regime`,
    params,
  )) as {
    regime: string | null;
    n: unknown;
  }[];
  const labels = (await manager.query(
    `SELECT true_label AS label, COUNT(*) AS n FROM ${T}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} GROUP BY true_label`,
    params,
  )) as {
    label: unknown;
    n: unknown;
  }[];
  const total = Number(agg?.n ?? 0);
  return {
    total,
    avgConfidence: total === 0 ? null : Number(agg?.c),
    highConfidence: Number(agg?.h ?? 0),
    replayedErrors: Number(agg?.r ?? 0),
    totalReplays: Number(agg?.rs ?? 0),
    byRegime: Object.fromEntries(regimes.map((r) => [r.regime ?? '(none)', Number(r.n)])),
    byLabel: Object.fromEntries(labels.map((r) => [String(Number(r.label)), Number(r.n)])),
  };
}

/** One buffered error as the API and the CLI list it (observe's field names, plus the buffer's row id). */
export interface TopError {
  readonly bufferId: number;
  /** The caller's prediction id (null for rows added without one). */
  readonly id: string | null;
  readonly modelVersion: string;
  readonly symbol: string;
  readonly timestamp: string;
  readonly regime: string | null;
  readonly actualLabel: number;
  readonly predictedLabel: number;
  readonly confidence: number;
  readonly errorScore: number;
  readonly replayedCount: number;
}

/** The `n` worst buffered errors of one model (every row when undefined), worst first (ties by id). */
export async function readTopErrors(manager: EntityManager, n: number, model: string | undefined): Promise<TopError[]> {
  const ph = placeholder(dialectOf(manager.connection));
  const params: unknown[] = [];
  const where: string[] = [];
  if (model !== undefined) where.push(`model_version = ${ph(params.push(model))}`);
  const rows = (await manager.query(
    `SELECT id, prediction_id, model_version, symbol, date, regime, true_label, predicted_label, confidence, error_score, replayed_count FROM ${T}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY error_score DESC, id ASC LIMIT ${ph(params.push(n))}`,
    params,
  )) as Record<string, unknown>[];
  return rows.map((r) => ({
    bufferId: Number(r.id),
    id: r.prediction_id === null || r.prediction_id === undefined ? null : String(r.prediction_id),
    modelVersion: String(r.model_version),
    symbol: String(r.symbol),
    timestamp: String(r.date),
    regime: r.regime === null ? null : String(r.regime),
    actualLabel: Number(r.true_label),
    predictedLabel: Number(r.predicted_label),
    confidence: Number(r.confidence),
    errorScore: Number(r.error_score),
    replayedCount: Number(r.replayed_count),
  }));
}
