import { columnTypes, ensureIndex } from '@vigil/core';
import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { SHADOW_TABLE } from '../entities/ShadowRecord.js';

const { text, integer } = columnTypes;

/** The gate's shadow record: challengers observed on live traffic against the champion. */
export class GateShadow1700000004100 implements MigrationInterface {
  name = 'GateShadow1700000004100';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: SHADOW_TABLE,
        columns: [
          { name: 'id', type: integer, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'model', type: text, isNullable: false },
          { name: 'champion', type: text, isNullable: false },
          { name: 'model_path', type: text, isNullable: true },
          { name: 'since', type: text, isNullable: false },
          { name: 'until', type: text, isNullable: true },
          { name: 'started_at', type: text, isNullable: false },
          { name: 'stopped_at', type: text, isNullable: true },
          { name: 'actor', type: text, isNullable: true },
          { name: 'notes', type: text, isNullable: true },
        ],
      }),
      true,
    );
    await ensureIndex(qr, 'idx_gate_shadow_model', SHADOW_TABLE, ['model', 'id']);
    await ensureIndex(qr, 'idx_gate_shadow_path', SHADOW_TABLE, ['model_path', 'id']);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable(SHADOW_TABLE, true);
  }
}
