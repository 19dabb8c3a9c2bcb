import { columnTypes } from '@vigil/core';
import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** acme's own table, prefixed with its plugin id. */
export class AcmeTurnover1800000000000 implements MigrationInterface {
  name = 'AcmeTurnover1800000000000';
  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'acme_turnover',
        columns: [
          { name: 'model_version', type: columnTypes.text, isPrimary: true },
          { name: 'flips', type: columnTypes.integer },
          { name: 'total', type: columnTypes.integer },
        ],
      }),
      true,
    );
  }
  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('acme_turnover', true);
  }
}
