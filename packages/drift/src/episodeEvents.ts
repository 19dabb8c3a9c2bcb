import type { EventBus, TxContext } from '@vigil/core';
import type { EpisodeChange } from './Episode.js';

export const DRIFT_EPISODE_ONSET = 'drift.episode.onset';
export const DRIFT_EPISODE_END = 'drift.episode.end';
export const DRIFT_EPISODE_EVENTS = [DRIFT_EPISODE_ONSET, DRIFT_EPISODE_END] as const;

/**
 * Announces episode onsets and ends in the transaction that writes their `drift_monitoring`
 * rows, so a subscriber's outbox row (webhooks) commits with them or not at all. Updates of an
 * open episode (a new peak) are not events. `occurredAt` is the step (data time), not the clock.
 */
export async function emitEpisodeEvents(
  bus: EventBus | undefined,
  tx: TxContext,
  changes: readonly { model: string; change: EpisodeChange }[],
): Promise<void> {
  if (!bus) return;
  for (const { model, change } of changes) {
    const e = change.episode;
    if (change.kind === 'onset') {
      await bus.emit(tx, {
        type: DRIFT_EPISODE_ONSET,
        occurredAt: e.onsetTimestamp,
        data: {
          model,
          step: e.onset,
          reasons: [...e.reasons],
          features: [...e.statistics],
          score: e.peak,
          // false for a shadow's or a retired model's episode: recorded, no retraining request
          retrainingRequested: e.retraining?.requested ?? true,
          standing: e.retraining?.standing ?? 'live',
        },
      });
    } else if (change.kind === 'end') {
      await bus.emit(tx, {
        type: DRIFT_EPISODE_END,
        occurredAt: change.step,
        data: {
          model,
          onset: e.onset,
          end: change.step,
          peak: e.peak,
          peakStep: e.peakStep,
          steps: e.steps,
          reasons: [...e.reasons],
          endReason: change.reason ?? 'quiet',
        },
      });
    }
  }
}
