import { EntitySchema } from 'typeorm';

export const ERROR_REPLAY_TABLE = 'error_replay_buffer';

/** One row of the spec's `error_replay_buffer` table, plus `model_version` and `prediction_id`. */
export interface ErrorReplayRow {
  id: number;
  symbol: string;
  date: string;
  regime: string | null;
  features_json: string;
  true_label: number;
  predicted_label: number;
  confidence: number;
  error_score: number | null;
  added_at: string;
  replayed_count: number;
  /** The model whose error this is (each model keeps its own N worst). */
  model_version: string;
  /** The caller's prediction id, so an exported row joins back; null when added without one. */
  prediction_id: string | null;
}

export const errorReplayEntity = new EntitySchema<ErrorReplayRow>({
  name: 'ErrorReplayRow',
  tableName: ERROR_REPLAY_TABLE,
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    symbol: { type: 'text' },
    date: { type: 'text' },
    regime: { type: 'text', nullable: true },
    features_json: { type: 'text' },
    true_label: { type: 'integer' },
    predicted_label: { type: 'integer' },
    confidence: { type: 'double precision' },
    error_score: { type: 'double precision', nullable: true },
    added_at: { type: 'text', default: () => 'CURRENT_TIMESTAMP' },
    replayed_count: { type: 'integer', default: 0 },
    model_version: { type: 'text', default: 'unknown' },
    prediction_id: { type: 'text', nullable: true },
  },
});
