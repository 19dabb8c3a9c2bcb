import { columnTypes, ensureIndex } from '@vigil/core';
import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { ATTEMPT_TABLE } from '../entities/WebhookAttempt.js';
import { DELIVERY_TABLE } from '../entities/WebhookDelivery.js';

/** The outbox/delivery table and the attempt log. */
export class WebhooksInit1700000009000 implements MigrationInterface {
  name = 'WebhooksInit1700000009000';

  async up(qr: QueryRunner): Promise<void> {
    const { text, integer } = columnTypes;
    const id = {
      name: 'id',
      type: integer,
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment' as const,
    };
    await qr.createTable(
      new Table({
        name: DELIVERY_TABLE,
        columns: [
          id,
          { name: 'event_id', type: text },
          { name: 'event_type', type: text },
          { name: 'endpoint_id', type: text },
          { name: 'url', type: text },
          { name: 'payload_json', type: text },
          { name: 'status', type: text },
          { name: 'attempts', type: integer, default: 0 },
          { name: 'next_attempt_at', type: text },
          { name: 'last_status_code', type: integer, isNullable: true },
          { name: 'last_error', type: text, isNullable: true },
          { name: 'created_at', type: text },
          { name: 'delivered_at', type: text, isNullable: true },
        ],
      }),
      true,
    );
    await ensureIndex(qr, 'idx_webhooks_delivery_due', DELIVERY_TABLE, ['status', 'next_attempt_at']);
    await ensureIndex(qr, 'idx_webhooks_delivery_event', DELIVERY_TABLE, ['event_id', 'endpoint_id'], true);
    await qr.createTable(
      new Table({
        name: ATTEMPT_TABLE,
        columns: [
          id,
          { name: 'delivery_id', type: integer },
          { name: 'attempt', type: integer },
          { name: 'attempted_at', type: text },
          { name: 'status_code', type: integer, isNullable: true },
          { name: 'error', type: text, isNullable: true },
          { name: 'duration_ms', type: integer },
        ],
      }),
      true,
    );
    await ensureIndex(qr, 'idx_webhooks_attempt_delivery', ATTEMPT_TABLE, ['delivery_id', 'attempt']);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable(ATTEMPT_TABLE, true);
    await qr.dropTable(DELIVERY_TABLE, true);
  }
}
