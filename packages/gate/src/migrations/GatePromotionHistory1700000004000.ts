import { columnTypes, ensureIndex } from '@vigil/core';
import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { HISTORY_TABLE } from '../entities/ModelPromotionHistory.js';

const { text, integer, real } = columnTypes;

/** The gate's audit columns; added one by one when the spec's table already exists without them. */
const AUDIT_COLUMNS = ['model_sha256', 'criteria_json', 'actor', 'action', 'prev_hash', 'row_hash'] as const;

/** The spec's `model_promotion_history` (Module 10.2) with the gate's audit columns. */
export class GatePromotionHistory1700000004000 implements MigrationInterface {
  name = 'GatePromotionHistory1700000004000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: HISTORY_TABLE,
        columns: [
          { name: 'id', type: integer, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'model_path', type: text, isNullable: false },
          { name: 'validation_timestamp', type: text, isNullable: false },
          { name: 'approved', type: integer, isNullable: false },
          { name: 'overall_accuracy', type: real, isNullable: true },
          { name: 'crash_accuracy', type: real, isNullable: true },
          { name: 'min_sector_accuracy', type: real, isNullable: true },
          { name: 'drift_score', type: real, isNullable: true },
          { name: 'replay_improvement', type: real, isNullable: true },
          { name: 'checks_passed', type: text, isNullable: true },
          { name: 'checks_failed', type: text, isNullable: true },
          { name: 'promoted_to_production', type: integer, isNullable: true, default: 0 },
          { name: 'notes', type: text, isNullable: true },
          ...AUDIT_COLUMNS.map((name) => ({ name, type: text, isNullable: true })),
        ],
      }),
      true,
    );
    for (const name of AUDIT_COLUMNS) {
      if (!(await qr.hasColumn(HISTORY_TABLE, name)))
        await qr.addColumn(HISTORY_TABLE, new TableColumn({ name, type: text, isNullable: true }));
    }
    await ensureIndex(qr, 'idx_model_promotion_history_sha', HISTORY_TABLE, ['model_sha256', 'id']);
    await ensureIndex(qr, 'idx_model_promotion_history_action', HISTORY_TABLE, ['action', 'id']);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable(HISTORY_TABLE, true);
  }
}
