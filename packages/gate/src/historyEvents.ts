import type { EventBus, TxContext } from '@vigil/core';
import type { HistoryRow } from './historyChain.js';

export const GATE_DECISION_EVENT = 'gate.decision';
export const GATE_PROMOTION_EVENT = 'gate.promotion';
export const GATE_EVENTS = [GATE_DECISION_EVENT, GATE_PROMOTION_EVENT] as const;

const list = (s: string | null): string[] => {
  try {
    const v = JSON.parse(s ?? '[]');
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

/**
 * Announces a history row in the transaction that appends it: a validation or an override is a
 * `gate.decision`; a row that put a model into production (promote, override, rollback) is
 * also a `gate.promotion`. Subscribers (webhooks) write their outbox rows in this transaction.
 */
export async function emitHistoryEvents(events: EventBus | undefined, tx: TxContext, r: HistoryRow): Promise<void> {
  if (!events) return;
  const base = {
    historyId: r.id,
    action: r.action,
    modelPath: r.model_path,
    modelSha256: r.model_sha256,
    modelVersion: r.model_version,
    actor: r.actor,
    notes: r.notes,
    rowHash: r.row_hash,
  };
  if (r.action === 'validate' || r.action === 'override') {
    await events.emit(tx, {
      type: GATE_DECISION_EVENT,
      occurredAt: r.validation_timestamp,
      data: {
        ...base,
        approved: r.approved === 1,
        recommendation: r.approved === 1 ? 'PROMOTE' : 'REJECT',
        checksPassed: list(r.checks_passed),
        checksFailed: list(r.checks_failed),
        figures: {
          overall_accuracy: r.overall_accuracy,
          crash_accuracy: r.crash_accuracy,
          min_sector_accuracy: r.min_sector_accuracy,
          drift_score: r.drift_score,
          replay_improvement: r.replay_improvement,
        },
      },
    });
  }
  if (r.promoted_to_production === 1) {
    await events.emit(tx, { type: GATE_PROMOTION_EVENT, occurredAt: r.validation_timestamp, data: { ...base } });
  }
}
