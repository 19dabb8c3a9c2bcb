import { columnTypes, ensureIndex } from '@vigil/core';
import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { DRIFT_BASELINE_TABLE } from '../entities/DriftBaseline.js';
import { DRIFT_MONITORING_TABLE } from '../entities/DriftMonitoring.js';
import { DRIFT_STATE_TABLE } from '../entities/DriftState.js';
import { DRIFT_STEPS_TABLE } from '../entities/DriftStep.js';

/**
 * Models, steps and episodes: drift_monitoring keeps the spec's columns and gains the model, the
 * step and an episode's status, peak and end (one row per episode, updated while it lasts); the
 * baseline is kept per model; drift_state and drift_steps hold each model's monitor state so a
 * restart resumes exactly where the last committed batch left it.
 */
export class DriftEpisodes1700000001100 implements MigrationInterface {
  name = 'DriftEpisodes1700000001100';
  async up(qr: QueryRunner): Promise<void> {
    const { integer, text } = columnTypes;
    for (const name of ['model_version', 'step', 'episode_status', 'episode_peak_step', 'episode_end', 'updated_at']) {
      if (!(await qr.hasColumn(DRIFT_MONITORING_TABLE, name)))
        await qr.addColumn(DRIFT_MONITORING_TABLE, new TableColumn({ name, type: text, isNullable: true }));
    }
    await ensureIndex(qr, 'idx_drift_monitoring_model_type_step', DRIFT_MONITORING_TABLE, [
      'model_version',
      'drift_type',
      'step',
    ]);
    if (!(await qr.hasColumn(DRIFT_BASELINE_TABLE, 'model_version'))) {
      await qr.addColumn(
        DRIFT_BASELINE_TABLE,
        new TableColumn({ name: 'model_version', type: text, isNullable: false, default: "'*'" }),
      );
    }
    await qr.query('DROP INDEX IF EXISTS idx_drift_baseline_kind_name');
    await ensureIndex(
      qr,
      'idx_drift_baseline_model_kind_name',
      DRIFT_BASELINE_TABLE,
      ['model_version', 'kind', 'name'],
      true,
    );
    await qr.createTable(
      new Table({
        name: DRIFT_STATE_TABLE,
        columns: [
          { name: 'model_version', type: text, isPrimary: true },
          { name: 'state_json', type: text, isNullable: false },
          { name: 'updated_at', type: text, isNullable: false },
        ],
      }),
      true,
    );
    await qr.createTable(
      new Table({
        name: DRIFT_STEPS_TABLE,
        columns: [
          { name: 'id', type: integer, isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'model_version', type: text, isNullable: false },
          { name: 'step', type: text, isNullable: false },
          { name: 'step_json', type: text, isNullable: false },
        ],
      }),
      true,
    );
    await ensureIndex(qr, 'idx_drift_steps_model_id', DRIFT_STEPS_TABLE, ['model_version', 'id']);
  }
  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable(DRIFT_STEPS_TABLE, true);
    await qr.dropTable(DRIFT_STATE_TABLE, true);
    await qr.query('DROP INDEX IF EXISTS idx_drift_baseline_model_kind_name');
    await qr.query('DROP INDEX IF EXISTS idx_drift_monitoring_model_type_step');
    await qr.dropColumn(DRIFT_BASELINE_TABLE, 'model_version');
    await ensureIndex(qr, 'idx_drift_baseline_kind_name', DRIFT_BASELINE_TABLE, ['kind', 'name'], true);
    for (const name of ['updated_at', 'episode_end', 'episode_peak_step', 'episode_status', 'step', 'model_version'])
      await qr.dropColumn(DRIFT_MONITORING_TABLE, name);
  }
}
