import { type CriterionResult, type GateCriterion, VigilError, defineCriterion, pairedByDay } from '@vigil/core';
import type { BufferedPrediction, ErrorReplayBuffer } from './ErrorReplayBuffer.js';
import { heldOutFixRate, recentWindowPairs } from './replayEvidence.js';
import { recentDays } from './recentDays.js';
import { replayImprovement } from './stats/replayImprovement.js';

export const REPLAY_IMPROVEMENT_CRITERION = 'replay.replay_improvement';

/**
 * Extra `ValidationResults` fields this criterion reads, beside the core `predictions` and
 * `baselinePredictions` (the candidate and the live model on the same recent rows):
 * - `replayPredictions`: the candidate's predictions on buffered rows, `{ bufferId, predictedLabel }[]`
 *   (`bufferId` from an export, `getBufferedSamples()` or `getHeldOutSamples()`), all rows of one
 *   model (the live model's errors); only held-out rows are judged;
 * - `replayBaselinePredictions`: the live model's predictions on the same rows (reported).
 * Each recent row may carry `timestamp` (ISO); when every row does, the recent-window test is
 * paired by trading day (the UTC date), as the rows of one day are not independent.
 */
export interface ReplayValidationFields {
  readonly replayPredictions?: readonly BufferedPrediction[];
  readonly replayBaselinePredictions?: readonly BufferedPrediction[];
}

export interface ReplayCriterionOptions {
  /** Fewer paired recent rows (or held-out buffered rows) than this are not judged. */
  readonly minReplaySamples: number;
  /** One-sided significance level of both tests. */
  readonly significance: number;
  /** The labels a model may predict: chance on a buffered error is 1 / labels.length. */
  readonly labels: readonly number[];
  /** 'require': the held-out buffered errors must be fixed significantly more often than chance; 'report': shown only. */
  readonly heldOutRule: 'report' | 'require';
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
const p3 = (p: number): string => p.toPrecision(3);

/**
 * `replay.replay_improvement`, out of sample: the candidate must beat the live model on recent
 * rows it did not train on (paired, McNemar exact one-sided p < `significance`, improvement in
 * accuracy > threshold). With `heldOutRule: 'require'` it must also, when the buffer's held-out
 * part has enough rows, get the live model's held-out mistakes right more often than chance
 * (binomial one-sided p < `significance`); by default that figure is reported.
 * Buffered rows are the live model's errors, so comparing with the live model on them is biased
 * towards any candidate (a coin flip "fixes" half); they are judged against chance instead.
 * In-sample figures (buffered rows that training could draw) are reported, never decisive. A
 * `replayImprovement` the caller gives (the spec's precomputed figure) decides only when there
 * are no paired recent rows; the caller is then responsible for measuring it out of sample.
 */
export function replayImprovementCriterion(buffer: ErrorReplayBuffer, o: ReplayCriterionOptions): GateCriterion {
  return defineCriterion({
    id: REPLAY_IMPROVEMENT_CRITERION,
    requiredByDefault: true,
    thresholdRange: [-1, 1],
    description:
      'Out of sample, the candidate beats the live model on recent rows (paired, significant) and gets its held-out buffered mistakes right more often than chance.',
    defaultThreshold: 0,
    async evaluate(ctx): Promise<CriterionResult> {
      const threshold = ctx.threshold ?? 0;
      const v = ctx.validation as typeof ctx.validation & ReplayValidationFields;
      const given = v.replayImprovement;
      if (given !== undefined && (typeof given !== 'number' || !Number.isFinite(given))) {
        return {
          status: 'error',
          value: null,
          threshold,
          message: `validation.replayImprovement must be a finite number, got ${String(given)}`,
        };
      }
      const replay =
        v.replayPredictions === undefined
          ? null
          : await buffer.evaluateReplay(v.replayPredictions, v.replayBaselinePredictions);
      const heldOut =
        v.replayPredictions === undefined || replay === null
          ? null
          : await heldOutFixRate(buffer, v.replayPredictions, o.labels.length, replay.model);
      const pairs = recentWindowPairs(v.predictions, v.baselinePredictions);
      if (pairs instanceof VigilError) throw pairs;
      const recent = pairs ? replayImprovement(pairs) : null;
      // Rows of one trading day share the market: with timestamps, each day is one vote (sign
      // test over days, core's pairedByDay); without, McNemar over rows, whose p is optimistic.
      const days = pairs ? recentDays(v.predictions) : null;
      const byDay =
        pairs && days
          ? pairedByDay(
              pairs.map((p, i) => ({
                day: days[i] as string,
                old: p.oldPredicted === p.label,
                new: p.newPredicted === p.label,
              })),
            )
          : null;
      const details = {
        significance: o.significance,
        minSamples: o.minReplaySamples,
        recentWindow: recent && {
          rows: recent.samples,
          liveAccuracy: recent.oldAccuracy,
          candidateAccuracy: recent.newAccuracy,
          improvement: recent.improvement,
          mcnemar: recent.mcnemar,
          pairedBy: byDay ? 'day' : 'row',
          ...(byDay
            ? {
                days: byDay.days,
                daysCandidateBetter: byDay.daysNewBetter,
                daysLiveBetter: byDay.daysOldBetter,
                tiedDays: byDay.tiedDays,
                pBetter: byDay.pBetter,
                interval: byDay.interval,
              }
            : {
                pBetter: recent.mcnemar.pBetter,
                note: 'rows without timestamps: McNemar over rows treats the rows of one day as independent, so its p-value is optimistic',
              }),
        },
        heldOutBuffer: heldOut,
        ...(given !== undefined ? { givenReplayImprovement: given } : {}),
        inSample: {
          ...(replay
            ? {
                bufferedRows: replay.matched - replay.heldOut,
                repeatErrorReduction: replay.repeatErrorReduction,
                improvement: replay.improvement,
                note: 'rows training could draw, and all of them the live model got wrong: reported, never decisive',
              }
            : {}),
        },
      };
      if ((!recent || recent.samples < o.minReplaySamples) && given !== undefined) {
        // the spec's contract: a pipeline may hand over its own figure; the gate cannot check how it was measured
        const pass = given > threshold;
        return {
          status: pass ? 'pass' : 'fail',
          value: given,
          threshold,
          message: `replay improvement ${pct(given)} (given by the caller, who must measure it out of sample; no paired recent rows to check it) ${pass ? '>' : '<='} ${pct(threshold)}`,
          details: { ...details, source: 'validation.replayImprovement' },
        };
      }
      if (!recent || recent.samples < o.minReplaySamples) {
        const n = recent?.samples ?? 0;
        return {
          status: 'insufficient',
          value: recent?.improvement ?? null,
          threshold,
          message: `${n} paired recent rows (validation.predictions with the live model's validation.baselinePredictions); at least ${o.minReplaySamples} are needed to judge improvement out of sample`,
          details,
        };
      }
      const improvement = recent.improvement as number;
      const m = recent.mcnemar;
      const p = byDay ? byDay.pBetter : m.pBetter;
      const recentOk = improvement > threshold && p < o.significance;
      const heldJudged = o.heldOutRule === 'require' && heldOut !== null && heldOut.rows >= o.minReplaySamples;
      const heldOk = !heldJudged || (heldOut as { pAboveChance: number }).pAboveChance < o.significance;
      const recentLine = `recent rows: ${pct(recent.newAccuracy as number)} vs live ${pct(recent.oldAccuracy as number)} on ${recent.samples} (improvement ${pct(improvement)} ${improvement > threshold ? '>' : '<='} ${pct(threshold)}, ${byDay ? `paired by day: better on ${byDay.daysNewBetter} of ${byDay.days} days vs ${byDay.daysOldBetter}, sign test` : `rows treated as independent (no timestamps): McNemar b=${m.b} c=${m.c}`} one-sided p=${p3(p)} ${p < o.significance ? '<' : '>='} ${o.significance})`;
      const heldLine = !heldOut
        ? 'no held-out buffered rows given'
        : `held-out buffered errors fixed ${heldOut.fixed}/${heldOut.rows} = ${heldOut.fixRate === null ? '-' : pct(heldOut.fixRate)} vs chance ${pct(heldOut.chance)} (p=${p3(heldOut.pAboveChance)}; ${heldJudged ? 'required' : o.heldOutRule === 'require' ? `fewer than ${o.minReplaySamples}: not judged` : 'reported'})`;
      return {
        status: recentOk && heldOk ? 'pass' : 'fail',
        value: improvement,
        threshold,
        message: `${recentLine}; ${heldLine}`,
        details,
      };
    },
  });
}
