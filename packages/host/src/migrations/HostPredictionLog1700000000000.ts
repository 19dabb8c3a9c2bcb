import { columnTypes, ensureIndex } from '@vigil/core';
import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { PREDICTIONS_TABLE } from '../predictionLog.js';

/** The host's prediction log: every observed prediction, later joined with its outcome. */
export class HostPredictionLog1700000000000 implements MigrationInterface {
  name = 'HostPredictionLog1700000000000';

  async up(qr: QueryRunner): Promise<void> {
    const { text, integer, real } = columnTypes;
    await qr.createTable(
      new Table({
        name: PREDICTIONS_TABLE,
        columns: [
          { name: 'id', type: text, isPrimary: true },
          { name: 'timestamp', type: text, isNullable: false },
          { name: 'symbol', type: text, isNullable: false },
          { name: 'regime', type: text, isNullable: false },
          { name: 'features_json', type: text, isNullable: false },
          { name: 'predicted_label', type: integer, isNullable: false },
          { name: 'confidence', type: real, isNullable: false },
          { name: 'model_version', type: text, isNullable: false },
          { name: 'observed_at', type: text, isNullable: false },
          { name: 'actual_label', type: integer, isNullable: true },
          { name: 'resolved_at', type: text, isNullable: true },
        ],
      }),
      true,
    );
    // One secondary index only: each index is paid on every observed row. Restarted plugins
    // read the most recent observations back in arrival order.
    await ensureIndex(qr, 'idx_vigil_predictions_observed', PREDICTIONS_TABLE, ['observed_at']);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable(PREDICTIONS_TABLE, true);
  }
}
