import { EntitySchema } from 'typeorm';

export const DRIFT_STATE_TABLE = 'drift_state';

/** One model's monitor state (open step, per-symbol last values, CUSUM sums, open episode), after the last committed batch. */
export interface DriftStateRow {
  model_version: string;
  state_json: string;
  updated_at: string;
}

export const driftStateEntity = new EntitySchema<DriftStateRow>({
  name: 'DriftState',
  tableName: DRIFT_STATE_TABLE,
  columns: {
    model_version: { type: 'text', primary: true },
    state_json: { type: 'text' },
    updated_at: { type: 'text' },
  },
});
