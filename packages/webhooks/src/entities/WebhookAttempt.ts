import { EntitySchema } from 'typeorm';

export const ATTEMPT_TABLE = 'webhooks_attempt';

/** One HTTP attempt of a delivery: the log an operator reads when a receiver was down. */
export interface WebhookAttemptRow {
  id: number;
  delivery_id: number;
  attempt: number;
  attempted_at: string;
  /** The receiver's HTTP status; null when no response arrived (refused, timed out). */
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export const WebhookAttemptEntity = new EntitySchema<WebhookAttemptRow>({
  name: 'WebhookAttempt',
  tableName: ATTEMPT_TABLE,
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    delivery_id: { type: 'integer' },
    attempt: { type: 'integer' },
    attempted_at: { type: 'text' },
    status_code: { type: 'integer', nullable: true },
    error: { type: 'text', nullable: true },
    duration_ms: { type: 'integer' },
  },
});
