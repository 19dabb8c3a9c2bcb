import { randomUUID } from 'node:crypto';
import type { Logger, Transactor, TxContext, VigilEvent } from '@vigil/core';
import type { DataSource } from 'typeorm';
import { type WebhooksOptions, backoffMs, eventMatches } from './config.js';
import { WebhookAttemptEntity, type WebhookAttemptRow } from './entities/WebhookAttempt.js';
import { WebhookDeliveryEntity, type WebhookDeliveryRow } from './entities/WebhookDelivery.js';
import { signPayload } from './signature.js';

export interface ResolvedEndpoint {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly secret: string;
}

export interface DispatcherDeps {
  readonly dataSource: DataSource;
  readonly transactor: Transactor;
  readonly logger: Logger;
  readonly options: WebhooksOptions;
  readonly endpoints: readonly ResolvedEndpoint[];
  /** Wall-clock milliseconds (retry scheduling is operational time, not data time). */
  readonly now?: () => number;
}

const BATCH = 50;
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * A transactional outbox. `enqueue` runs inside the emitting transaction and writes one
 * `webhooks_delivery` row per matching endpoint, so an event that committed is never lost (a
 * crash before delivery leaves the row pending; the next start delivers it) and an event that
 * rolled back is never sent. Delivery happens after commit, outside any transaction: POST the
 * stored body, signed afresh per attempt, then log the attempt and the new state in a short
 * transaction of its own. Failures retry with exponential backoff until `maxAttempts`.
 */
export class WebhookDispatcher {
  readonly #d: DispatcherDeps;
  readonly #now: () => number;
  #running = false;
  #loop: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(deps: DispatcherDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** The event subscriber: outbox rows in the caller's transaction, a delivery pass after its commit. */
  readonly enqueue = async (event: VigilEvent, tx: TxContext): Promise<void> => {
    const targets = this.#d.endpoints.filter((e) => e.events.some((p) => eventMatches(p, event.type)));
    if (targets.length === 0) return;
    const eventId = randomUUID();
    const now = iso(this.#now());
    const body = JSON.stringify({
      id: eventId,
      type: event.type,
      occurredAt: event.occurredAt,
      createdAt: now,
      data: event.data,
    });
    const rows = targets.map((e) => ({
      event_id: eventId,
      event_type: event.type,
      endpoint_id: e.id,
      url: e.url,
      payload_json: body,
      status: 'pending' as const,
      attempts: 0,
      next_attempt_at: now,
      last_status_code: null,
      last_error: null,
      created_at: now,
      delivered_at: null,
    }));
    await tx.manager.getRepository(WebhookDeliveryEntity).insert(rows);
    tx.afterCommit(() => this.kick());
  };

  start(): void {
    this.#running = true;
    this.kick();
  }

  /**
   * Stops scheduling. A pass in flight finishes its batch, one attempt per row and none after an
   * endpoint's first failure (each bounded by `timeoutMs`); rows still pending wait for the next start.
   */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#loop;
  }

  /** Starts a delivery pass now (or right after the running one). */
  kick(): void {
    if (!this.#running) return;
    if (this.#loop) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#loop = this.#drain()
      .catch((e: unknown) => this.#d.logger.error('webhook delivery pass failed', { error: String(e) }))
      .finally(() => {
        this.#loop = null;
        if (this.#again) {
          this.#again = false;
          this.kick();
        } else void this.#scheduleNext();
      });
  }

  /** Resolves once nothing is due now and no pass is running (tests, and `vigil webhooks flush`). */
  async idle(): Promise<void> {
    while (this.#loop) await this.#loop;
  }

  async #drain(): Promise<void> {
    for (;;) {
      this.#again = false;
      const due = await this.#d.dataSource
        .getRepository(WebhookDeliveryEntity)
        .createQueryBuilder('d')
        .where('d.status = :s AND d.next_attempt_at <= :now', { s: 'pending', now: iso(this.#now()) })
        .orderBy('d.id', 'ASC')
        .limit(BATCH)
        .getMany();
      // a pass that `stop` finds running finishes its batch (so a short-lived CLI process delivers what it just
      // committed), but tries each endpoint that fails only once, and does not start another batch
      const down = new Set<string>();
      for (const row of due) {
        if (!this.#running && down.has(row.endpoint_id)) continue;
        if (!(await this.#attempt(row))) down.add(row.endpoint_id);
      }
      // a commit kicked during this pass (its rows may have been invisible to this pass's query): one more pass, even
      // when stopping, so what committed before `stop` is still delivered
      if (this.#again) continue;
      if (!this.#running || due.length < BATCH) return;
    }
  }

  async #scheduleNext(): Promise<void> {
    if (!this.#running) return;
    const next = await this.#d.dataSource
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .select('MIN(d.next_attempt_at)', 'at')
      .where('d.status = :s', { s: 'pending' })
      .getRawOne<{ at: string | null }>()
      .catch(() => undefined);
    if (!this.#running || !next?.at || this.#loop) return;
    const wait = Math.max(0, Date.parse(next.at) - this.#now());
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        this.kick();
      },
      Math.min(wait, 2 ** 31 - 1),
    );
    this.#timer.unref?.();
  }

  /** Claims the row (another process may be delivering from the same database), POSTs, logs. */
  async #attempt(row: WebhookDeliveryRow): Promise<boolean> {
    const o = this.#d.options;
    const lease = iso(this.#now() + o.timeoutMs + 5_000);
    const claimed = await this.#d.transactor.run(async (t) => {
      const r = await t.manager
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({ next_attempt_at: lease })
        .where('id = :id AND status = :s AND next_attempt_at = :at', {
          id: row.id,
          s: 'pending',
          at: row.next_attempt_at,
        })
        .execute();
      return (r.affected ?? 0) > 0;
    });
    if (!claimed) return true;
    const endpoint = this.#d.endpoints.find((e) => e.id === row.endpoint_id);
    const attempt = row.attempts + 1;
    const started = this.#now();
    let status: number | null = null;
    let error: string | null = null;
    if (!endpoint) error = `endpoint '${row.endpoint_id}' is no longer configured`;
    else {
      try {
        const res = await fetch(row.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'vigil-webhooks/0.1',
            'vigil-event-id': row.event_id,
            'vigil-event-type': row.event_type,
            'vigil-delivery-attempt': String(attempt),
            'vigil-signature': signPayload(endpoint.secret, row.payload_json, Math.floor(this.#now() / 1000)),
          },
          body: row.payload_json,
          redirect: 'manual',
          signal: AbortSignal.timeout(o.timeoutMs),
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
        if (status < 200 || status >= 300) error = `HTTP ${status}`;
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        error = cause?.code ?? cause?.message ?? (e as Error).message ?? String(e);
      }
    }
    const ended = this.#now();
    const ok = error === null;
    const final = !ok && (attempt >= o.maxAttempts || !endpoint);
    await this.#d.transactor.run(async (t) => {
      const log: Omit<WebhookAttemptRow, 'id'> = {
        delivery_id: row.id,
        attempt,
        attempted_at: iso(started),
        status_code: status,
        error,
        duration_ms: Math.max(0, ended - started),
      };
      await t.manager.getRepository(WebhookAttemptEntity).insert(log);
      await t.manager
        .createQueryBuilder()
        .update(WebhookDeliveryEntity)
        .set({
          attempts: attempt,
          status: ok ? 'delivered' : final ? 'failed' : 'pending',
          next_attempt_at: ok || final ? iso(ended) : iso(ended + backoffMs(attempt, o)),
          last_status_code: status,
          last_error: error,
          delivered_at: ok ? iso(ended) : null,
        })
        .where('id = :id', { id: row.id })
        .execute();
    });
    if (ok) this.#d.logger.debug('webhook delivered', { endpoint: row.endpoint_id, event: row.event_type, attempt });
    else
      this.#d.logger.warn(final ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry', {
        endpoint: row.endpoint_id,
        event: row.event_type,
        eventId: row.event_id,
        attempt,
        error,
      });
    return ok;
  }
}
