import { type EventBus, type Logger, type Transactor, type TxContext, describeValue } from '@vigil/core';
import { type NewHistoryRow, appendHistory } from './PromotionHistory.js';
import type { AttemptOptions } from './gateTypes.js';
import type { HistoryAction, HistoryRow } from './historyChain.js';
import { emitHistoryEvents } from './historyEvents.js';
import { MAX_TEXT, errorJson, figuresOf, refusedVersion, storableText } from './historyRows.js';
import type { ConfinedModel } from './paths.js';

/**
 * The one way the gate writes `model_promotion_history`: every row is appended here (keyed when
 * a history key is set), announced on the event bus, and its new head logged once committed.
 */
export class HistoryWriter {
  readonly #tx: Transactor;
  readonly #log: Logger;
  readonly #events: EventBus | undefined;
  /** The history's HMAC key (kept outside the database), if one is configured. */
  readonly #key: Buffer | undefined;

  constructor(o: { transactor: Transactor; logger: Logger; events?: EventBus; key: Buffer | undefined }) {
    this.#tx = o.transactor;
    this.#log = o.logger;
    this.#events = o.events;
    this.#key = o.key;
  }

  /** Appends a history row (keyed when a key is set) and, once committed, logs the new head for auditors to keep. */
  async append(t: TxContext, row: NewHistoryRow): Promise<HistoryRow> {
    const r = await appendHistory(t.manager, row, this.#key);
    await emitHistoryEvents(this.#events, t, r);
    t.afterCommit(() =>
      this.#log.info('promotion history head', {
        id: r.id,
        action: r.action,
        approved: r.approved === 1,
        promoted: r.promoted_to_production === 1,
        head: r.row_hash,
      }),
    );
    return r;
  }

  /** Logs a refused attempt as a rejected row (as far as it got), never masking the refusal. */
  async logRefusal(
    action: HistoryAction,
    given: unknown,
    model: ConfinedModel | undefined,
    sha: string | null,
    now: Date,
    error: unknown,
    o: AttemptOptions,
  ): Promise<void> {
    try {
      await this.#tx.run((t) =>
        this.append(t, {
          ...figuresOf(undefined),
          checks_failed: JSON.stringify(['input']),
          model_path: storableText(
            model?.path ?? (typeof given === 'string' ? given.slice(0, 4096) : describeValue(given)),
          ),
          validation_timestamp: now.toISOString(),
          promoted_to_production: 0,
          notes: storableText(
            `refused: ${(error as Error)?.message ?? String(error)}${typeof o.notes === 'string' ? `\n${o.notes}` : ''}`.slice(
              0,
              MAX_TEXT * 2,
            ),
          ),
          model_sha256: sha,
          criteria_json: JSON.stringify({ refused: errorJson(error) }),
          actor: typeof o.actor === 'string' ? storableText(o.actor.slice(0, MAX_TEXT)) : null,
          action,
          model_version: refusedVersion(o.modelVersion),
        }),
      );
    } catch (e) {
      this.#log.error('could not log a refused gate attempt', { action, error: String(e), refusal: String(error) });
    }
  }
}
