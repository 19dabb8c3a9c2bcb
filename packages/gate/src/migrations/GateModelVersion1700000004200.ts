import { columnTypes } from '@vigil/core';
import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { HISTORY_TABLE } from '../entities/ModelPromotionHistory.js';

const { text } = columnTypes;

/**
 * `model_promotion_history.model_version`: the `modelVersion` a promoted (overridden, rolled
 * back, validated) model's predictions carry, so "which model is live" names what predictions
 * carry, not a file. Rows written before it stay null and read as an unknown model version; the
 * hash chain covers the column only when it is set, so their hashes still verify.
 */
export class GateModelVersion1700000004200 implements MigrationInterface {
  name = 'GateModelVersion1700000004200';

  async up(qr: QueryRunner): Promise<void> {
    if (!(await qr.hasColumn(HISTORY_TABLE, 'model_version')))
      await qr.addColumn(HISTORY_TABLE, new TableColumn({ name: 'model_version', type: text, isNullable: true }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn(HISTORY_TABLE, 'model_version');
  }
}
