import { EntitySchema } from 'typeorm';
import type { HistoryRow } from '../historyChain.js';

export const HISTORY_TABLE = 'model_promotion_history';

/** The spec's `model_promotion_history`, plus the gate's audit columns (sha256, criteria, actor, action, model version, hash chain). */
export const ModelPromotionHistoryEntity = new EntitySchema<HistoryRow>({
  name: 'ModelPromotionHistory',
  tableName: HISTORY_TABLE,
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    model_path: { type: 'text' },
    validation_timestamp: { type: 'text' },
    approved: { type: 'integer' },
    overall_accuracy: { type: 'double precision', nullable: true },
    crash_accuracy: { type: 'double precision', nullable: true },
    min_sector_accuracy: { type: 'double precision', nullable: true },
    drift_score: { type: 'double precision', nullable: true },
    replay_improvement: { type: 'double precision', nullable: true },
    checks_passed: { type: 'text', nullable: true },
    checks_failed: { type: 'text', nullable: true },
    promoted_to_production: { type: 'integer', default: 0 },
    notes: { type: 'text', nullable: true },
    model_sha256: { type: 'text', nullable: true },
    criteria_json: { type: 'text', nullable: true },
    actor: { type: 'text', nullable: true },
    action: { type: 'text', nullable: true },
    model_version: { type: 'text', nullable: true },
    prev_hash: { type: 'text', nullable: true },
    row_hash: { type: 'text', nullable: true },
  },
});
