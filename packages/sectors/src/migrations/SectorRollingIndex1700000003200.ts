import { quoteIdent } from '@vigil/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SECTOR_PERFORMANCE_TABLE } from '../entities/SectorPerformanceEntity.js';

/** The index `GET /api/sectors/rolling` reads resolved rows by (made by SectorRollingIndex1700000003200). */
export const RESOLVED_MODEL_TIME_INDEX = 'idx_sector_performance_resolved_model_time';

/**
 * Resolved rows by model and data time, for the rolling accuracy chart: it reads one model's (or
 * each model's) resolved rows over the chart's date range and its window before it, instead of
 * the whole table. A partial index (`WHERE correct IS NOT NULL`, on SQLite and PostgreSQL): an
 * observed prediction's row is unresolved, so observe pays nothing for it; a row enters it when
 * its outcome arrives (the resolve pays one index insert).
 */
export class SectorRollingIndex1700000003200 implements MigrationInterface {
  name = 'SectorRollingIndex1700000003200';

  async up(qr: QueryRunner): Promise<void> {
    await qr.query(
      `CREATE INDEX IF NOT EXISTS ${quoteIdent(RESOLVED_MODEL_TIME_INDEX)} ON ${quoteIdent(SECTOR_PERFORMANCE_TABLE)} (${quoteIdent('model_version')}, ${quoteIdent('timestamp')}) WHERE ${quoteIdent('correct')} IS NOT NULL`,
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query(`DROP INDEX IF EXISTS ${quoteIdent(RESOLVED_MODEL_TIME_INDEX)}`);
  }
}
