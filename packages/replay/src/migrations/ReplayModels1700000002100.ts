import { ensureIndex, quoteIdent } from '@vigil/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ERROR_REPLAY_TABLE } from '../entities/ErrorReplayRow.js';

/**
 * Per-model replay: `error_replay_buffer` keeps the spec's columns and gains `model_version`
 * (each model keeps its own N worst errors) and `prediction_id` (the caller's id, so an export
 * joins back). Rows already there cannot be joined to a logged prediction (the buffer kept no
 * id), so they get model 'unknown' and no id. The index serves one model's worst errors.
 */
export class ReplayModels1700000002100 implements MigrationInterface {
  name = 'ReplayModels1700000002100';

  async up(qr: QueryRunner): Promise<void> {
    const t = quoteIdent(ERROR_REPLAY_TABLE);
    // plain ADD COLUMN on both databases (TypeORM's SQLite addColumn would copy the table)
    if (!(await qr.hasColumn(ERROR_REPLAY_TABLE, 'model_version')))
      await qr.query(`ALTER TABLE ${t} ADD COLUMN model_version text NOT NULL DEFAULT 'unknown'`);
    if (!(await qr.hasColumn(ERROR_REPLAY_TABLE, 'prediction_id')))
      await qr.query(`ALTER TABLE ${t} ADD COLUMN prediction_id text`);
    await ensureIndex(qr, 'idx_error_replay_model_score', ERROR_REPLAY_TABLE, ['model_version', 'error_score DESC']);
  }

  async down(qr: QueryRunner): Promise<void> {
    const t = quoteIdent(ERROR_REPLAY_TABLE);
    await qr.query('DROP INDEX IF EXISTS idx_error_replay_model_score');
    await qr.query(`ALTER TABLE ${t} DROP COLUMN prediction_id`);
    await qr.query(`ALTER TABLE ${t} DROP COLUMN model_version`);
  }
}
