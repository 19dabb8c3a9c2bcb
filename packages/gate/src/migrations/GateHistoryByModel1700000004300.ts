import { ensureIndex } from '@vigil/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { HISTORY_TABLE } from '../entities/ModelPromotionHistory.js';

/** The index the newest decision of one model is read by (made by GateHistoryByModel1700000004300). */
export const HISTORY_MODEL_INDEX = 'idx_model_promotion_history_model';

/**
 * `model_promotion_history` by (model_version, id): `GET /api/gate/latest?model=` reads one model's
 * newest validation or override by index, not by walking the history back from its newest row. A
 * history row is written once per promotion attempt, so the index costs nothing on a hot path.
 */
export class GateHistoryByModel1700000004300 implements MigrationInterface {
  name = 'GateHistoryByModel1700000004300';

  async up(qr: QueryRunner): Promise<void> {
    await ensureIndex(qr, HISTORY_MODEL_INDEX, HISTORY_TABLE, ['model_version', 'id']);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query(`DROP INDEX IF EXISTS ${HISTORY_MODEL_INDEX}`);
  }
}
