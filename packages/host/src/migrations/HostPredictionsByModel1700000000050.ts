import { ensureIndex } from '@vigil/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PREDICTIONS_TABLE } from '../predictionLog.js';

/** The prediction log's index by model and time (made by HostPredictionsByModel1700000000050). */
export const PREDICTIONS_MODEL_TIME_INDEX = 'idx_vigil_predictions_model_time';

/**
 * The prediction log by model and data time: every read of one model's predictions over a time
 * range (a drift window rebuilt for the distribution panel, the gate's shadow comparison, the drift
 * report section, the log's per-model summaries) finds its rows through this index instead of
 * reading the whole log. Its cost is paid on every observed row (see BENCHMARKS.md).
 */
export class HostPredictionsByModel1700000000050 implements MigrationInterface {
  name = 'HostPredictionsByModel1700000000050';

  async up(qr: QueryRunner): Promise<void> {
    await ensureIndex(qr, PREDICTIONS_MODEL_TIME_INDEX, PREDICTIONS_TABLE, ['model_version', 'timestamp']);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query(`DROP INDEX IF EXISTS ${PREDICTIONS_MODEL_TIME_INDEX}`);
  }
}
