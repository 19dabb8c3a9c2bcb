import { VigilError } from '@vigil/core';
import type { DataSource } from 'typeorm';
import { WebhookAttemptEntity, type WebhookAttemptRow } from './entities/WebhookAttempt.js';
import { type DeliveryStatus, WebhookDeliveryEntity, type WebhookDeliveryRow } from './entities/WebhookDelivery.js';

export interface DeliveryQuery {
  readonly status?: DeliveryStatus;
  readonly endpoint?: string;
  readonly limit?: number;
}

export type DeliveryWithAttempts = WebhookDeliveryRow & { readonly attemptLog: readonly WebhookAttemptRow[] };

const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed'];

/** Reads the delivery log: newest first, each delivery with its attempts in order. */
export class DeliveryLog {
  constructor(private readonly ds: () => DataSource) {}

  async list(q: DeliveryQuery = {}): Promise<DeliveryWithAttempts[]> {
    if (q.status !== undefined && !STATUSES.includes(q.status)) {
      throw new VigilError(
        'VIGIL_INVALID_INPUT',
        `status must be one of ${STATUSES.join(', ')}, got ${JSON.stringify(q.status)}`,
        { issues: [{ path: 'status', message: `must be one of ${STATUSES.join(', ')}`, value: q.status }] },
      );
    }
    const limit = q.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new VigilError(
        'VIGIL_INVALID_INPUT',
        `limit must be an integer in [1, 1000], got ${JSON.stringify(q.limit)}`,
        { issues: [{ path: 'limit', message: 'must be an integer in [1, 1000]', value: q.limit }] },
      );
    const qb = this.ds()
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .orderBy('d.id', 'DESC')
      .limit(limit);
    if (q.status) qb.andWhere('d.status = :status', { status: q.status });
    if (q.endpoint) qb.andWhere('d.endpoint_id = :endpoint', { endpoint: q.endpoint });
    const rows = (await qb.getMany()).map((r) => ({
      ...r,
      id: Number(r.id),
      attempts: Number(r.attempts),
      last_status_code: r.last_status_code === null ? null : Number(r.last_status_code),
    }));
    if (rows.length === 0) return [];
    const attempts = await this.ds()
      .getRepository(WebhookAttemptEntity)
      .createQueryBuilder('a')
      .where('a.delivery_id IN (:...ids)', { ids: rows.map((r) => r.id) })
      .orderBy('a.delivery_id')
      .addOrderBy('a.attempt')
      .getMany();
    const by = new Map<number, WebhookAttemptRow[]>();
    for (const a of attempts) {
      const n = {
        ...a,
        id: Number(a.id),
        delivery_id: Number(a.delivery_id),
        attempt: Number(a.attempt),
        status_code: a.status_code === null ? null : Number(a.status_code),
        duration_ms: Number(a.duration_ms),
      };
      by.set(n.delivery_id, [...(by.get(n.delivery_id) ?? []), n]);
    }
    return rows.map((r) => ({ ...r, attemptLog: by.get(r.id) ?? [] }));
  }
}
