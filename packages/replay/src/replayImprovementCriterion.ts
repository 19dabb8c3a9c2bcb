import { type CriterionResult, type GateCriterion, defineCriterion } from '@vigil/core';
import type { BufferedPrediction, ErrorReplayBuffer } from './ErrorReplayBuffer.js';

export const REPLAY_IMPROVEMENT_CRITERION = 'replay.replay_improvement';

/**
 * Extra `ValidationResults` fields this criterion reads (beside the core `replayImprovement`):
 * - `replayPredictions`: the candidate's predictions on buffered rows, `{ bufferId, predicted }[]`
 *   (ids from `getBufferedSamples()`);
 * - `replayBaselinePredictions`: optional, the current model's predictions on the same rows;
 *   without it the baseline is the buffered (wrong) prediction itself.
 */
export interface ReplayValidationFields {
  readonly replayPredictions?: readonly BufferedPrediction[];
  readonly replayBaselinePredictions?: readonly BufferedPrediction[];
}

const fmt = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** `replay.replay_improvement`: "replay improvement > 0" (spec Module 10), threshold default 0. */
export function replayImprovementCriterion(buffer: ErrorReplayBuffer, o: { readonly minReplaySamples: number }): GateCriterion {
  return defineCriterion({
    id: REPLAY_IMPROVEMENT_CRITERION,
    requiredByDefault: true,
    thresholdRange: [-1, 1],
    description: 'The candidate gets more of the buffered worst errors right than the model that made them (replay improvement > threshold).',
    defaultThreshold: 0,
    async evaluate(ctx): Promise<CriterionResult> {
      const threshold = ctx.threshold ?? 0;
      const given = ctx.validation.replayImprovement;
      if (given !== undefined) {
        if (typeof given !== 'number' || !Number.isFinite(given)) {
          return { status: 'error', value: null, threshold, message: `validation.replayImprovement must be a finite number, got ${String(given)}` };
        }
        return {
          status: given > threshold ? 'pass' : 'fail',
          value: given,
          threshold,
          message: `replay improvement ${fmt(given)} (given) ${given > threshold ? '>' : '<='} ${fmt(threshold)}`,
          details: { source: 'validation.replayImprovement' },
        };
      }
      const v = ctx.validation as ReplayValidationFields;
      if (v.replayPredictions === undefined) {
        return { status: 'insufficient', value: null, threshold, message: 'no validation.replayImprovement and no validation.replayPredictions on the buffered errors' };
      }
      if (buffer.size === 0) return { status: 'insufficient', value: null, threshold, message: 'the error replay buffer is empty; nothing to measure replay improvement on' };
      const ev = await buffer.evaluateReplay(v.replayPredictions, v.replayBaselinePredictions);
      const details = {
        source: 'validation.replayPredictions',
        matched: ev.matched,
        unmatched: ev.unmatched,
        bufferSize: ev.bufferSize,
        oldErrors: ev.oldErrors,
        repeatErrors: ev.repeatErrors,
        repeatErrorReduction: ev.repeatErrorReduction,
        oldAccuracy: ev.oldAccuracy,
        newAccuracy: ev.newAccuracy,
        mcnemar: ev.mcnemar,
      };
      if (ev.matched < o.minReplaySamples || ev.improvement === null) {
        return { status: 'insufficient', value: ev.improvement, threshold, message: `only ${ev.matched} buffered errors matched; need at least ${o.minReplaySamples}`, details };
      }
      const pass = ev.improvement > threshold;
      return {
        status: pass ? 'pass' : 'fail',
        value: ev.improvement,
        threshold,
        message: `replay improvement ${fmt(ev.improvement)} on ${ev.matched} buffered errors ${pass ? '>' : '<='} ${fmt(threshold)} (McNemar exact p = ${ev.mcnemar.pExact.toPrecision(3)})`,
        details,
      };
    },
  });
}
