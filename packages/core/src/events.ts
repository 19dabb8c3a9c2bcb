import { VigilError } from './errors.js';
import type { TxContext } from './transactor.js';

/**
 * Something a plugin announces to the outside world: a drift episode's onset or end, a gate
 * decision, a promotion. `type` is `<pluginId>.<name>` (`drift.episode.onset`); `data` is plain JSON.
 */
export interface VigilEvent {
  readonly type: string;
  /** Data time the event is about (the step, the decision's time), ISO-8601. */
  readonly occurredAt: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Called inside the emitting transaction: a subscriber that writes (an outbox row) writes
 * atomically with the event's own rows, and delivers after commit (`tx.afterCommit`), never
 * inside the transaction. A throwing subscriber rolls the emitter's write back.
 */
export type EventSubscriber = (event: VigilEvent, tx: TxContext) => Promise<void>;

/**
 * The core-level event channel: plugins emit, integrations (webhooks) subscribe; neither
 * names the other, and no subscriber reads the emitter's tables.
 */
export interface EventBus {
  emit(tx: TxContext, event: VigilEvent): Promise<void>;
  subscribe(subscriber: EventSubscriber): () => void;
  /** Event types emitters have declared (for config checks and docs). */
  readonly types: ReadonlySet<string>;
  declare(...types: string[]): void;
}

const EVENT_TYPE = /^[a-z][a-z0-9-]*(\.[a-z][a-zA-Z0-9-]*)+$/;

export class TransactionalEventBus implements EventBus {
  readonly #subs = new Set<EventSubscriber>();
  readonly #types = new Set<string>();

  get types(): ReadonlySet<string> {
    return this.#types;
  }

  declare(...types: string[]): void {
    for (const t of types) {
      if (!EVENT_TYPE.test(t))
        throw new VigilError(
          'VIGIL_INVALID_PLUGIN',
          `event type ${JSON.stringify(t)} must look like '<pluginId>.<name>'`,
        );
      this.#types.add(t);
    }
  }

  subscribe(subscriber: EventSubscriber): () => void {
    this.#subs.add(subscriber);
    return () => void this.#subs.delete(subscriber);
  }

  async emit(tx: TxContext, event: VigilEvent): Promise<void> {
    if (!EVENT_TYPE.test(event.type))
      throw new VigilError(
        'VIGIL_INVALID_INPUT',
        `event type ${JSON.stringify(event.type)} must look like '<pluginId>.<name>'`,
      );
    for (const s of [...this.#subs]) await s(event, tx);
  }
}
