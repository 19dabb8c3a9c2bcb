import type { RetrainingDecision } from './retrainingDecision.js';

/** An open drift episode: from its onset step to (while open) the latest step. */
export interface EpisodeState {
  readonly onset: string;
  readonly onsetTimestamp: string;
  peak: number;
  peakStep: string;
  /** Every detector that was active at some step of the episode. */
  reasons: string[];
  /** The CUSUM statistics that went above h during the episode: the episode lasts while any is above its release level. */
  statistics: string[];
  steps: number;
  /** Consecutive steps with no detector active or sustained (the episode ends at `quietSteps`). */
  quiet: number;
  /** First step of the current quiet run. */
  quietFrom: string | null;
  /** Whether the onset raised a retraining request, and why not (decided at the onset; absent on older episodes: they did). */
  retraining?: RetrainingDecision;
}

export type EpisodeChange = {
  readonly kind: 'onset' | 'update' | 'end';
  readonly episode: EpisodeState;
  readonly step: string;
  /** Why an episode ended: 'quiet' (its detectors calmed down) or 'retired' (the model stopped predicting). */
  readonly reason?: EpisodeEndReason;
};

export type EpisodeEndReason = 'quiet' | 'retired';

/**
 * Drift as a state with hysteresis: an episode starts on the first step where a detector is
 * active (a CUSUM above h, or a window check that retrains), stays open while any is active or
 * any CUSUM statistic that went above h during it is still above its release level, and ends
 * after `quietSteps` consecutive steps where none is (its end is the first of them), so a
 * condition that flickers on its threshold stays one episode. One retraining request per
 * episode, at its onset.
 */
export function updateEpisode(
  open: EpisodeState | null,
  step: { readonly step: string; readonly timestamp: string },
  active: readonly string[],
  /** CUSUM statistics above h at this step (they make `active` hold 'cusum'), and those above the release level. */
  cusum: { readonly alarmed: readonly string[]; readonly elevated: readonly string[] },
  score: number,
  quietSteps = 1,
): { open: EpisodeState | null; change: EpisodeChange | null } {
  if (!open) {
    if (active.length === 0) return { open: null, change: null };
    const e: EpisodeState = {
      onset: step.step,
      onsetTimestamp: step.timestamp,
      peak: score,
      peakStep: step.step,
      reasons: [...active].sort(),
      statistics: [...cusum.alarmed].sort(),
      steps: 1,
      quiet: 0,
      quietFrom: null,
    };
    return { open: e, change: { kind: 'onset', episode: e, step: step.step } };
  }
  const calm = active.length === 0 && !cusum.elevated.some((k) => open.statistics.includes(k));
  if (calm && open.quiet + 1 >= quietSteps)
    return { open: null, change: { kind: 'end', episode: open, step: open.quietFrom ?? step.step, reason: 'quiet' } };
  const e: EpisodeState = {
    ...open,
    reasons: [...new Set([...open.reasons, ...active])].sort(),
    statistics: [...new Set([...open.statistics, ...cusum.alarmed])].sort(),
    steps: open.steps + 1,
    quiet: calm ? open.quiet + 1 : 0,
    quietFrom: calm ? (open.quietFrom ?? step.step) : null,
  };
  const changed =
    score > open.peak || e.reasons.length !== open.reasons.length || e.statistics.length !== open.statistics.length;
  if (score > open.peak) {
    e.peak = score;
    e.peakStep = step.step;
  }
  return { open: e, change: changed ? { kind: 'update', episode: e, step: step.step } : null };
}
