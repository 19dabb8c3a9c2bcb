import { EntitySchema } from 'typeorm';

export const DRIFT_STEPS_TABLE = 'drift_steps';

/** One closed step of one model (statistics, and values while inside the window): the monitor's recent history. */
export interface DriftStepRow {
  id: number;
  model_version: string;
  step: string;
  step_json: string;
}

export const driftStepEntity = new EntitySchema<DriftStepRow>({
  name: 'DriftStep',
  tableName: DRIFT_STEPS_TABLE,
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    model_version: { type: 'text' },
    step: { type: 'text' },
    step_json: { type: 'text' },
  },
});
