import { VigilError, type ValidationPrediction } from '@vigil/core';
import type { BufferedPrediction, ErrorReplayBuffer } from './ErrorReplayBuffer.js';
import { binomialUpperTail } from './stats/mcnemar.js';
import type { PairedPrediction } from './stats/replayImprovement.js';

export interface HeldOutFixRate {
  /** Held-out buffered rows the candidate predicted. */
  readonly rows: number;
  /** Of those, how many it gets right (the live model got them all wrong). */
  readonly fixed: number;
  readonly fixRate: number | null;
  /** What a no-skill guess gets right: 1 / number of labels. */
  readonly chance: number;
  /** One-sided binomial p that the fix rate is above chance. */
  readonly pAboveChance: number;
}

/** The candidate's record on one model's held-out buffered rows (rows no training export handed out). */
export async function heldOutFixRate(
  buffer: ErrorReplayBuffer,
  predictions: readonly BufferedPrediction[],
  labelCount: number,
  model: string | null,
): Promise<HeldOutFixRate> {
  const byId = new Map(predictions.map((p) => [p.bufferId, p.predictedLabel]));
  let rows = 0;
  let fixed = 0;
  for (const s of model === null ? [] : await buffer.getHeldOutSamples({ model })) {
    const p = byId.get(s.bufferId);
    if (p === undefined) continue;
    rows++;
    if (p === s.actualLabel) fixed++;
  }
  const chance = 1 / Math.max(1, labelCount);
  return {
    rows,
    fixed,
    fixRate: rows ? fixed / rows : null,
    chance,
    pAboveChance: binomialUpperTail(fixed, rows, chance),
  };
}

/**
 * The candidate's validation predictions paired row by row with the live model's on the same
 * rows (`baselinePredictions`); null when either is missing. A row whose symbol or outcome
 * differs between the two is not the same row: a VigilError naming it.
 */
export function recentWindowPairs(
  candidate: readonly ValidationPrediction[] | undefined,
  live: readonly ValidationPrediction[] | undefined,
): PairedPrediction[] | VigilError | null {
  if (!candidate?.length || !live?.length) return null;
  if (candidate.length !== live.length) {
    return new VigilError(
      'VIGIL_INVALID_INPUT',
      `validation.baselinePredictions must pair with validation.predictions one to one: ${live.length} vs ${candidate.length}`,
      { details: { path: 'validation.baselinePredictions' } },
    );
  }
  const pairs: PairedPrediction[] = [];
  for (let i = 0; i < candidate.length; i++) {
    const c = candidate[i] as ValidationPrediction;
    const l = live[i] as ValidationPrediction;
    if (c.symbol !== l.symbol || c.actualLabel !== l.actualLabel) {
      return new VigilError(
        'VIGIL_INVALID_INPUT',
        `validation.baselinePredictions[${i}] is not the same row as validation.predictions[${i}]: ${l.symbol}/${l.actualLabel} vs ${c.symbol}/${c.actualLabel}`,
        { details: { path: `validation.baselinePredictions[${i}]` } },
      );
    }
    pairs.push({ label: c.actualLabel, oldPredicted: l.predictedLabel, newPredicted: c.predictedLabel });
  }
  return pairs;
}
