import { columnTypes, ensureIndex } from '@vigil/core';
import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { DRIFT_BASELINE_TABLE } from '../entities/DriftBaseline.js';
import { DRIFT_MONITORING_TABLE } from '../entities/DriftMonitoring.js';

/** The spec's drift_monitoring table (kept if it already exists) and the plugin's baseline table. */
export class DriftInit1700000001000 implements MigrationInterface {
  name = 'DriftInit1700000001000';
  async up(qr: QueryRunner): Promise<void> {
    const { integer, real, text } = columnTypes;
    await qr.createTable(
      new Table({
        name: DRIFT_MONITORING_TABLE,
        columns: [
          { name: 'id', type: integer, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'timestamp', type: text, isNullable: false },
          { name: 'drift_type', type: text, isNullable: false },
          { name: 'ks_statistic', type: real, isNullable: true },
          { name: 'drift_detected', type: integer, isNullable: true },
          { name: 'details_json', type: text, isNullable: true },
          { name: 'created_at', type: text, isNullable: true, default: 'CURRENT_TIMESTAMP' },
        ],
      }),
      true,
    );
    await ensureIndex(qr, 'idx_drift_monitoring_type_time', DRIFT_MONITORING_TABLE, ['drift_type', 'timestamp']);
    await qr.createTable(
      new Table({
        name: DRIFT_BASELINE_TABLE,
        columns: [
          { name: 'id', type: integer, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'kind', type: text, isNullable: false },
          { name: 'name', type: text, isNullable: false },
          { name: 'size', type: integer, isNullable: false },
          { name: 'values_json', type: text, isNullable: false },
          { name: 'created_at', type: text, isNullable: false },
        ],
      }),
      true,
    );
    await ensureIndex(qr, 'idx_drift_baseline_kind_name', DRIFT_BASELINE_TABLE, ['kind', 'name'], true);
  }
  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable(DRIFT_BASELINE_TABLE, true);
    await qr.dropTable(DRIFT_MONITORING_TABLE, true);
  }
}
