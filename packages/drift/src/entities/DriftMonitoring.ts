import { EntitySchema } from 'typeorm';

export const DRIFT_MONITORING_TABLE = 'drift_monitoring';

/** One row of the spec's `drift_monitoring` table. */
export interface DriftMonitoringRow {
  id: number;
  timestamp: string;
  drift_type: 'feature' | 'regime' | 'prediction' | 'cusum';
  ks_statistic: number | null;
  drift_detected: number;
  details_json: string | null;
  created_at: string | null;
  /** The model the row is about (null on rows written before models were tracked). */
  model_version: string | null;
  /** The time step (trading day or bar start) the row is about. */
  step: string | null;
  /** Episode rows (drift_type 'cusum'): 'open' or 'closed', the peak's step, the first step out of drift. */
  episode_status: string | null;
  episode_peak_step: string | null;
  episode_end: string | null;
  updated_at: string | null;
}

export const driftMonitoringEntity = new EntitySchema<DriftMonitoringRow>({
  name: 'DriftMonitoring',
  tableName: DRIFT_MONITORING_TABLE,
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    timestamp: { type: 'text' },
    drift_type: { type: 'text' },
    ks_statistic: { type: 'double precision', nullable: true },
    drift_detected: { type: 'integer', nullable: true },
    details_json: { type: 'text', nullable: true },
    created_at: { type: 'text', nullable: true },
    model_version: { type: 'text', nullable: true },
    step: { type: 'text', nullable: true },
    episode_status: { type: 'text', nullable: true },
    episode_peak_step: { type: 'text', nullable: true },
    episode_end: { type: 'text', nullable: true },
    updated_at: { type: 'text', nullable: true },
  },
});
