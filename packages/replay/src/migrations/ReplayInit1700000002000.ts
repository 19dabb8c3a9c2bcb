import { columnTypes, ensureIndex } from '@vigil/core';
import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { ERROR_REPLAY_TABLE } from '../entities/ErrorReplayRow.js';
import { REPLAY_META_TABLE } from '../entities/ReplayMetaRow.js';

/** The spec's `error_replay_buffer` table and indexes (idempotent), plus `replay_meta`. */
export class ReplayInit1700000002000 implements MigrationInterface {
  name = 'ReplayInit1700000002000';

  async up(qr: QueryRunner): Promise<void> {
    const { text, integer, real } = columnTypes;
    await qr.createTable(
      new Table({
        name: ERROR_REPLAY_TABLE,
        columns: [
          { name: 'id', type: integer, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'symbol', type: text, isNullable: false },
          { name: 'date', type: text, isNullable: false },
          { name: 'regime', type: text, isNullable: true },
          { name: 'features_json', type: text, isNullable: false },
          { name: 'true_label', type: integer, isNullable: false },
          { name: 'predicted_label', type: integer, isNullable: false },
          { name: 'confidence', type: real, isNullable: false },
          { name: 'error_score', type: real, isNullable: true },
          { name: 'added_at', type: text, isNullable: true, default: 'CURRENT_TIMESTAMP' },
          { name: 'replayed_count', type: integer, isNullable: true, default: 0 },
        ],
      }),
      true,
    );
    await ensureIndex(qr, 'idx_error_score', ERROR_REPLAY_TABLE, ['error_score DESC']);
    await ensureIndex(qr, 'idx_regime', ERROR_REPLAY_TABLE, ['regime']);
    await qr.createTable(
      new Table({
        name: REPLAY_META_TABLE,
        columns: [
          { name: 'key', type: text, isPrimary: true },
          { name: 'value', type: text, isNullable: false },
        ],
      }),
      true,
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable(REPLAY_META_TABLE, true);
    await qr.dropTable(ERROR_REPLAY_TABLE, true);
  }
}
