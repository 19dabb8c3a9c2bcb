import {
  type LoggedOutcome,
  type LoggedPrediction,
  type ModelSummary,
  type PredictionLog,
  dialectOf,
  placeholder,
} from '@vigil/core';
import type { DataSource, EntityManager } from 'typeorm';
import { PREDICTIONS_TABLE, type PredictionRow, loadPredictions, rowToRecord } from './predictionLog.js';

const toLogged = (row: PredictionRow): LoggedPrediction => ({
  ...rowToRecord(row),
  observedAt: row.observed_at,
  actualLabel: row.actual_label === null || row.actual_label === undefined ? null : Number(row.actual_label),
  resolvedAt: row.resolved_at ?? null,
});

/** The grouping expressions `outcomeCounts` may put in SQL (timestamps are normalized ISO text, UTC). */
const GROUP_KEY = { symbol: 'symbol', regime: 'regime', day: 'SUBSTR(timestamp, 1, 10)' } as const;

/** The host's read side of `vigil_predictions`, bound as `predictionLogToken` before any plugin's init. */
export class PredictionLogService implements PredictionLog {
  constructor(private readonly ds: DataSource) {}

  async byId(id: string, manager: EntityManager = this.ds.manager): Promise<LoggedPrediction | undefined> {
    const [row] = await loadPredictions(manager, [id]);
    return row ? toLogged(row) : undefined;
  }

  async recent(limit: number, manager: EntityManager = this.ds.manager): Promise<LoggedPrediction[]> {
    if (!(Number.isInteger(limit) && limit > 0)) return [];
    const ph = placeholder(dialectOf(manager.connection));
    const rows = (await manager.query(
      `SELECT * FROM ${PREDICTIONS_TABLE} ORDER BY observed_at DESC, id DESC LIMIT ${ph(1)}`,
      [limit],
    )) as PredictionRow[];
    return rows.reverse().map(toLogged);
  }

  async range(
    q: { from?: string; to?: string; limit?: number; regime?: string; modelVersion?: string; resolved?: boolean },
    manager: EntityManager = this.ds.manager,
  ): Promise<LoggedPrediction[]> {
    const ph = placeholder(dialectOf(manager.connection));
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.from !== undefined) where.push(`timestamp >= ${ph(params.push(q.from))}`);
    if (q.to !== undefined) where.push(`timestamp < ${ph(params.push(q.to))}`);
    if (q.regime !== undefined) where.push(`regime = ${ph(params.push(q.regime))}`);
    if (q.modelVersion !== undefined) where.push(`model_version = ${ph(params.push(q.modelVersion))}`);
    if (q.resolved !== undefined) where.push(q.resolved ? 'actual_label IS NOT NULL' : 'actual_label IS NULL');
    const limit = q.limit === undefined ? '' : ` LIMIT ${ph(params.push(q.limit))}`;
    const sql = `SELECT * FROM ${PREDICTIONS_TABLE}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY timestamp ASC, id ASC${limit}`;
    return ((await manager.query(sql, params)) as PredictionRow[]).map(toLogged);
  }

  async outcomes(
    q: { modelVersion: string; from?: string; to?: string },
    manager: EntityManager = this.ds.manager,
  ): Promise<LoggedOutcome[]> {
    const ph = placeholder(dialectOf(manager.connection));
    const params: unknown[] = [q.modelVersion];
    const where = [`model_version = ${ph(1)}`];
    if (q.from !== undefined) where.push(`timestamp >= ${ph(params.push(q.from))}`);
    if (q.to !== undefined) where.push(`timestamp < ${ph(params.push(q.to))}`);
    where.push('actual_label IS NOT NULL');
    const rows = (await manager.query(
      `SELECT id, symbol, timestamp, predicted_label, actual_label FROM ${PREDICTIONS_TABLE} WHERE ${where.join(' AND ')} ORDER BY timestamp ASC, id ASC`,
      params,
    )) as Pick<PredictionRow, 'id' | 'symbol' | 'timestamp' | 'predicted_label' | 'actual_label'>[];
    return rows.map((r) => ({
      id: r.id,
      symbol: r.symbol,
      timestamp: r.timestamp,
      predictedLabel: Number(r.predicted_label),
      actualLabel: Number(r.actual_label),
    }));
  }

  async modelSummary(
    q: { from?: string; to?: string; modelVersion?: string },
    manager: EntityManager = this.ds.manager,
  ): Promise<ModelSummary[]> {
    const ph = placeholder(dialectOf(manager.connection));
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.from !== undefined) where.push(`timestamp >= ${ph(params.push(q.from))}`);
    if (q.to !== undefined) where.push(`timestamp < ${ph(params.push(q.to))}`);
    if (q.modelVersion !== undefined) where.push(`model_version = ${ph(params.push(q.modelVersion))}`);
    const rows = (await manager.query(
      `SELECT model_version AS m, COUNT(*) AS n, COUNT(actual_label) AS r,
        SUM(CASE WHEN actual_label = predicted_label THEN 1 ELSE 0 END) AS c, MIN(timestamp) AS f, MAX(timestamp) AS l
       FROM ${PREDICTIONS_TABLE}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
       GROUP BY model_version ORDER BY model_version`,
      params,
    )) as { m: string; n: unknown; r: unknown; c: unknown; f: string | null; l: string | null }[];
    return rows.map((r) => ({
      modelVersion: r.m,
      logged: Number(r.n),
      resolved: Number(r.r),
      correct: Number(r.c ?? 0),
      first: r.f ?? null,
      last: r.l ?? null,
    }));
  }

  async outcomeCounts(
    q: { from?: string; to?: string; modelVersion?: string },
    by: 'symbol' | 'regime' | 'day',
    manager: EntityManager = this.ds.manager,
  ): Promise<{ key: string; resolved: number; correct: number }[]> {
    const ph = placeholder(dialectOf(manager.connection));
    const where = ['actual_label IS NOT NULL'];
    const params: unknown[] = [];
    if (q.from !== undefined) where.push(`timestamp >= ${ph(params.push(q.from))}`);
    if (q.to !== undefined) where.push(`timestamp < ${ph(params.push(q.to))}`);
    if (q.modelVersion !== undefined) where.push(`model_version = ${ph(params.push(q.modelVersion))}`);
    const rows = (await manager.query(
      `SELECT ${GROUP_KEY[by]} AS k, COUNT(*) AS n, SUM(CASE WHEN actual_label = predicted_label THEN 1 ELSE 0 END) AS c
       FROM ${PREDICTIONS_TABLE} WHERE ${where.join(' AND ')} GROUP BY ${GROUP_KEY[by]} ORDER BY ${GROUP_KEY[by]}`,
      params,
    )) as { k: string; n: unknown; c: unknown }[];
    return rows.map((r) => ({ key: String(r.k), resolved: Number(r.n), correct: Number(r.c ?? 0) }));
  }

  async counts(manager: EntityManager = this.ds.manager): Promise<{ logged: number; resolved: number }> {
    const [r] = (await manager.query(`SELECT COUNT(*) AS n, COUNT(actual_label) AS r FROM ${PREDICTIONS_TABLE}`)) as {
      n: unknown;
      r: unknown;
    }[];
    return { logged: Number(r?.n ?? 0), resolved: Number(r?.r ?? 0) };
  }
}
