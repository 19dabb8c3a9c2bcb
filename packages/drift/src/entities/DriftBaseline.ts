import { EntitySchema } from 'typeorm';

export const DRIFT_BASELINE_TABLE = 'drift_baseline';

/**
 * The persisted baseline: one row per feature (raw, time-ordered values), plus rows for the
 * regimes, the predictions and the calibration, so a restart resumes with the same reference.
 */
export interface DriftBaselineRow {
  id: number;
  /** The model this baseline is for; '*' for every model without its own. */
  model_version: string;
  kind: 'feature' | 'regimes' | 'predictions' | 'calibration' | 'steps';
  name: string;
  size: number;
  values_json: string;
  created_at: string;
}

export const driftBaselineEntity = new EntitySchema<DriftBaselineRow>({
  name: 'DriftBaseline',
  tableName: DRIFT_BASELINE_TABLE,
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    model_version: { type: 'text', default: '*' },
    kind: { type: 'text' },
    name: { type: 'text' },
    size: { type: 'integer' },
    values_json: { type: 'text' },
    created_at: { type: 'text' },
  },
});
