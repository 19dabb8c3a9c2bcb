import { type LiveModels, type ModelStanding, standingOf } from '@vigil/core';
import type { EntityManager } from 'typeorm';
import type { EpisodeChange, EpisodeState } from './Episode.js';

/**
 * Whether an episode raised a retraining request, decided once at its onset and kept on the
 * episode (its row's details, its events): only a live model's drift asks for retraining. A
 * shadow's or a retired model's episode is recorded and shown the same, and says why it asked
 * nothing. `unknown` (the gate cannot tell which model is live: nothing promoted by then, or a
 * promotion that named no modelVersion) asks, as every model did before models were bound.
 */
export interface RetrainingDecision {
  readonly requested: boolean;
  /** The model's standing at the onset's data time. */
  readonly standing: ModelStanding;
  /** The live model then, as the gate recorded it (null: unknown, or no gate). */
  readonly live: string | null;
  /** The data time asked about: the onset step's last prediction. */
  readonly asOf: string;
}

/**
 * Decides each onset in `changes` against the live models at its data time (not the clock: a
 * replayed history asks about the data it replays) and writes the decision onto every copy of
 * that episode the batch holds: the changes' and the models' open episodes (`open`), which are
 * what the monitor persists. Without `liveModels` (a monitor built outside a host) every model is live.
 */
export async function decideRetraining(
  liveModels: LiveModels | undefined,
  changes: readonly { model: string; change: EpisodeChange }[],
  open: readonly (readonly [string, EpisodeState | null])[],
  manager: EntityManager,
): Promise<void> {
  for (const { model, change } of changes) {
    if (change.kind !== 'onset') continue;
    const e = change.episode;
    const at = liveModels
      ? await liveModels.at(e.onsetTimestamp, manager)
      : { source: 'none', live: null, shadows: [], asOf: e.onsetTimestamp };
    const standing = standingOf(at, model);
    const decision: RetrainingDecision = {
      requested: standing === 'live' || standing === 'unknown',
      standing,
      live: at.live,
      asOf: e.onsetTimestamp,
    };
    const same = (x: EpisodeState | null | undefined): x is EpisodeState => x?.onset === e.onset;
    for (const c of changes) if (c.model === model && same(c.change.episode)) c.change.episode.retraining = decision;
    for (const [m, x] of open) if (m === model && same(x)) x.retraining = decision;
  }
}
