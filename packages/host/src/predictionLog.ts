import {
  dialectOf,
  insertRows,
  placeholder,
  type NormalizedOutcome,
  type PredictionRecord,
  type ResolvedPrediction,
  selectIn,
} from '@vigil/core';
import { type EntityManager, EntitySchema } from 'typeorm';

/** The prediction log's table; only the host names it (plugins use `predictionLogToken`). */
export const PREDICTIONS_TABLE = 'vigil_predictions';

/** A row of the prediction log, as stored. */
export interface PredictionRow {
  id: string;
  timestamp: string;
  symbol: string;
  regime: string;
  features_json: string;
  predicted_label: number;
  confidence: number;
  model_version: string;
  observed_at: string;
  actual_label: number | null;
  resolved_at: string | null;
}

export const PredictionLogEntity = new EntitySchema<PredictionRow>({
  name: 'VigilPrediction',
  tableName: PREDICTIONS_TABLE,
  columns: {
    id: { type: 'text', primary: true },
    timestamp: { type: 'text' },
    symbol: { type: 'text' },
    regime: { type: 'text' },
    features_json: { type: 'text' },
    predicted_label: { type: 'integer' },
    confidence: { type: 'double precision' },
    model_version: { type: 'text' },
    observed_at: { type: 'text' },
    actual_label: { type: 'integer', nullable: true },
    resolved_at: { type: 'text', nullable: true },
  },
});

const COLUMNS = [
  'id',
  'timestamp',
  'symbol',
  'regime',
  'features_json',
  'predicted_label',
  'confidence',
  'model_version',
  'observed_at',
] as const;

/** Writes a validated batch; each row's values go straight into its statement's parameters. */
export function insertPredictions(
  m: EntityManager,
  records: readonly PredictionRecord[],
  observedAt: string,
): Promise<void> {
  return insertRows(m, PREDICTIONS_TABLE, COLUMNS, records.length, (i, p, at) => {
    const r = records[i] as PredictionRecord;
    p[at] = r.id;
    p[at + 1] = r.timestamp;
    p[at + 2] = r.symbol;
    p[at + 3] = r.regime;
    p[at + 4] = JSON.stringify(r.features);
    p[at + 5] = r.predictedLabel;
    p[at + 6] = r.confidence;
    p[at + 7] = r.modelVersion;
    p[at + 8] = observedAt;
  });
}

export function rowToRecord(row: PredictionRow): PredictionRecord {
  return {
    id: row.id,
    timestamp: row.timestamp,
    symbol: row.symbol,
    regime: row.regime,
    features: JSON.parse(row.features_json) as Record<string, number>,
    predictedLabel: Number(row.predicted_label),
    confidence: Number(row.confidence),
    modelVersion: row.model_version,
  };
}

export function loadPredictions(m: EntityManager, ids: readonly string[]): Promise<PredictionRow[]> {
  return selectIn<PredictionRow>(m, (list) => `SELECT * FROM ${PREDICTIONS_TABLE} WHERE id IN (${list})`, ids);
}

/** True when a stored row holds exactly this record (a retried batch), so re-observing it is a no-op. */
export function sameRecord(row: PredictionRow, r: PredictionRecord): boolean {
  return (
    row.timestamp === r.timestamp &&
    row.symbol === r.symbol &&
    row.regime === r.regime &&
    row.features_json === JSON.stringify(r.features) &&
    Number(row.predicted_label) === r.predictedLabel &&
    Number(row.confidence) === r.confidence &&
    row.model_version === r.modelVersion
  );
}

/** Records outcomes with one statement per chunk (CASE on id), portable across dialects. */
export async function markResolved(m: EntityManager, resolved: readonly ResolvedPrediction[]): Promise<void> {
  const ph = placeholder(dialectOf(m.connection));
  const size = 500;
  for (let start = 0; start < resolved.length; start += size) {
    const chunk = resolved.slice(start, start + size);
    const params: unknown[] = [];
    const bind = (v: unknown): string => {
      params.push(v);
      return ph(params.length);
    };
    const label = chunk.map((r) => `WHEN ${bind(r.id)} THEN CAST(${bind(r.actualLabel)} AS INTEGER)`).join(' ');
    const at = chunk.map((r) => `WHEN ${bind(r.id)} THEN CAST(${bind(r.resolvedAt)} AS TEXT)`).join(' ');
    const ids = chunk.map((r) => bind(r.id)).join(', ');
    await m.query(
      `UPDATE ${PREDICTIONS_TABLE} SET actual_label = CASE id ${label} END, resolved_at = CASE id ${at} END WHERE id IN (${ids})`,
      params,
    );
  }
}

export type { NormalizedOutcome };
