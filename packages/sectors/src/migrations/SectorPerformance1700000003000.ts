import { columnTypes, ensureIndex } from '@vigil/core';
import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { PREDICTION_ID_INDEX, SECTOR_PERFORMANCE_TABLE } from '../entities/SectorPerformanceEntity.js';

/**
 * The spec's `sector_performance` table and its two indexes, plus a unique `prediction_id`
 * (added to a spec table that already exists) so a resolve batch finds its rows by index.
 */
export class SectorPerformance1700000003000 implements MigrationInterface {
  name = 'SectorPerformance1700000003000';

  async up(qr: QueryRunner): Promise<void> {
    const { text, integer, real } = columnTypes;
    // SQLite: a plain INTEGER PRIMARY KEY (the rowid) still numbers rows by itself; AUTOINCREMENT
    // only adds a sqlite_sequence update per insert (measured at ~35% of the observe insert cost)
    // to guarantee ids of deleted rows are never reused, and rows here are never deleted.
    const generated = qr.connection.options.type === 'postgres';
    await qr.createTable(
      new Table({
        name: SECTOR_PERFORMANCE_TABLE,
        columns: [
          {
            name: 'id',
            type: integer,
            isPrimary: true,
            ...(generated ? { isGenerated: true, generationStrategy: 'increment' as const } : {}),
          },
          { name: 'symbol', type: text, isNullable: false },
          { name: 'sector', type: text, isNullable: false },
          { name: 'regime', type: text, isNullable: false },
          { name: 'predicted_label', type: integer, isNullable: false },
          { name: 'actual_label', type: integer, isNullable: true },
          { name: 'confidence', type: real, isNullable: false },
          { name: 'correct', type: integer, isNullable: true },
          { name: 'timestamp', type: text, isNullable: true, default: 'CURRENT_TIMESTAMP' },
          { name: 'prediction_id', type: text, isNullable: true },
        ],
      }),
      true,
    );
    if (!(await qr.hasColumn(SECTOR_PERFORMANCE_TABLE, 'prediction_id'))) {
      await qr.addColumn(
        SECTOR_PERFORMANCE_TABLE,
        new TableColumn({ name: 'prediction_id', type: text, isNullable: true }),
      );
    }
    await ensureIndex(qr, 'idx_sector_performance', SECTOR_PERFORMANCE_TABLE, ['sector', 'regime']);
    await ensureIndex(qr, 'idx_symbol_performance', SECTOR_PERFORMANCE_TABLE, ['symbol', 'regime']);
    await ensureIndex(qr, PREDICTION_ID_INDEX, SECTOR_PERFORMANCE_TABLE, ['prediction_id'], true);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable(SECTOR_PERFORMANCE_TABLE, true);
  }
}
