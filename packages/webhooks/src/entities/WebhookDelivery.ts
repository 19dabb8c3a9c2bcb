import { EntitySchema } from 'typeorm';

export const DELIVERY_TABLE = 'webhooks_delivery';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event for one endpoint: the outbox row (written in the event's transaction) and its delivery state. */
export interface WebhookDeliveryRow {
  id: number;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  url: string;
  /** The exact body sent (and signed) on every attempt. */
  payload_json: string;
  status: DeliveryStatus;
  attempts: number;
  /** Wall-clock ISO time the next attempt is due (a claim pushes it out while an attempt runs). */
  next_attempt_at: string;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export const WebhookDeliveryEntity = new EntitySchema<WebhookDeliveryRow>({
  name: 'WebhookDelivery',
  tableName: DELIVERY_TABLE,
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    event_id: { type: 'text' },
    event_type: { type: 'text' },
    endpoint_id: { type: 'text' },
    url: { type: 'text' },
    payload_json: { type: 'text' },
    status: { type: 'text' },
    attempts: { type: 'integer' },
    next_attempt_at: { type: 'text' },
    last_status_code: { type: 'integer', nullable: true },
    last_error: { type: 'text', nullable: true },
    created_at: { type: 'text' },
    delivered_at: { type: 'text', nullable: true },
  },
});
