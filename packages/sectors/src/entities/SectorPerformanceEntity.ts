import { EntitySchema } from 'typeorm';

export const SECTOR_PERFORMANCE_TABLE = 'sector_performance';
/** The unique index a resolve finds its rows by (made by SectorPerformance1700000003000). */
export const PREDICTION_ID_INDEX = 'idx_sector_performance_prediction_id';

/** A row of the spec's `sector_performance` table, plus `prediction_id` so outcomes find their row. */
export interface SectorPerformanceRow {
  id: number;
  symbol: string;
  sector: string;
  regime: string;
  predicted_label: number;
  actual_label: number | null;
  confidence: number;
  /** 0 or 1; null until resolved. */
  correct: number | null;
  timestamp: string | null;
  prediction_id: string | null;
  /** The model that made the prediction (the observed record's `modelVersion`). */
  model_version: string;
}

export const SectorPerformanceEntity = new EntitySchema<SectorPerformanceRow>({
  name: 'SectorPerformance',
  tableName: SECTOR_PERFORMANCE_TABLE,
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    symbol: { type: 'text' },
    sector: { type: 'text' },
    regime: { type: 'text' },
    predicted_label: { type: 'integer' },
    actual_label: { type: 'integer', nullable: true },
    confidence: { type: 'double precision' },
    correct: { type: 'integer', nullable: true },
    timestamp: { type: 'text', nullable: true },
    prediction_id: { type: 'text', nullable: true },
    model_version: { type: 'text', default: 'unknown' },
  },
});
