import { quoteIdent } from '@vigil/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SECTOR_PERFORMANCE_TABLE } from '../entities/SectorPerformanceEntity.js';

/** The host's prediction log, read once here to label rows written before this migration. */
const PREDICTION_LOG = 'vigil_predictions';

/**
 * Figures per model: `sector_performance` keeps the spec's columns and gains `model_version`
 * (the observed record's `modelVersion`). Rows already there take the model of their logged
 * prediction (joined by `prediction_id`, a one-off read of the host's log at upgrade); rows that
 * cannot be joined (tracked directly without an id, or whose prediction was pruned) get
 * 'unknown'. No index is added: per-model reads are served from the in-memory aggregates, and an
 * index on this table is paid on every observed prediction.
 */
export class SectorModels1700000003100 implements MigrationInterface {
  name = 'SectorModels1700000003100';

  async up(qr: QueryRunner): Promise<void> {
    const t = quoteIdent(SECTOR_PERFORMANCE_TABLE);
    if (await qr.hasColumn(SECTOR_PERFORMANCE_TABLE, 'model_version')) return;
    // A plain ADD COLUMN on both databases (TypeORM's SQLite addColumn would copy the table).
    await qr.query(`ALTER TABLE ${t} ADD COLUMN model_version text NOT NULL DEFAULT 'unknown'`);
    if (await qr.hasTable(PREDICTION_LOG)) {
      const p = quoteIdent(PREDICTION_LOG);
      await qr.query(
        `UPDATE ${t} SET model_version = (SELECT l.model_version FROM ${p} l WHERE l.id = ${t}.prediction_id) ` +
          `WHERE ${t}.prediction_id IS NOT NULL AND EXISTS (SELECT 1 FROM ${p} l WHERE l.id = ${t}.prediction_id)`,
      );
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    if (await qr.hasColumn(SECTOR_PERFORMANCE_TABLE, 'model_version'))
      await qr.query(`ALTER TABLE ${quoteIdent(SECTOR_PERFORMANCE_TABLE)} DROP COLUMN model_version`);
  }
}
