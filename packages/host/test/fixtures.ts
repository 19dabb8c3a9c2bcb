import { type PredictionRecord, bulkInsert, columnTypes, defineToken, definePlugin } from '@vigil/core';
import { EntitySchema, type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { z } from 'zod';

/** A plugin that writes one row per observed/resolved prediction into its own table. */
export const auditRows = new EntitySchema<{ id: number; prediction_id: string; kind: string }>({
  name: 'AuditRow',
  tableName: 'audit_rows',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    prediction_id: { type: 'text' },
    kind: { type: 'text' },
  },
});

export class AuditInit1700000000100 implements MigrationInterface {
  name = 'AuditInit1700000000100';
  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'audit_rows',
        columns: [
          {
            name: 'id',
            type: columnTypes.integer,
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'prediction_id', type: columnTypes.text },
          { name: 'kind', type: columnTypes.text },
        ],
      }),
      true,
    );
  }
  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('audit_rows', true);
  }
}

export const callLog: string[] = [];
export const auditToken = defineToken<{ seen: number }>('audit.state');

export const auditPlugin = definePlugin({
  id: 'audit',
  options: z.object({ failOn: z.string().optional(), kind: z.string().default('audit') }),
  entities: [auditRows],
  migrations: [AuditInit1700000000100],
  deps: {},
  init(_deps, options) {
    const state = { seen: 0 };
    return {
      provides: [[auditToken, state]],
      hooks: {
        async observe(records: readonly PredictionRecord[], { manager, afterCommit }) {
          callLog.push(`audit.observe:${records.length}`);
          await bulkInsert(
            manager,
            'audit_rows',
            ['prediction_id', 'kind'],
            records.map((r) => [r.id, 'observe']),
          );
          if (options.failOn && records.some((r) => r.id === options.failOn))
            throw new Error(`audit refuses ${options.failOn}`);
          afterCommit(() => {
            state.seen += records.length;
          });
        },
        async resolve(records, { manager }) {
          callLog.push(`audit.resolve:${records.length}`);
          await bulkInsert(
            manager,
            'audit_rows',
            ['prediction_id', 'kind'],
            records.map((r) => [r.id, r.correct ? 'right' : 'wrong']),
          );
        },
      },
    };
  },
});

/** Depends on audit; only records the order hooks run in. */
export const laterPlugin = definePlugin({
  id: 'later',
  dependsOn: ['audit'],
  deps: {},
  init: () => ({
    hooks: {
      async observe(records) {
        callLog.push(`later.observe:${records.length}`);
      },
      async resolve(records) {
        callLog.push(`later.resolve:${records.length}`);
      },
    },
  }),
});
