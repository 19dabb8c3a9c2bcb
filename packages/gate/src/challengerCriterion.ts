import { type CriterionResult, type GateCriterion, defineCriterion } from '@vigil/core';
import type { ShadowComparison, ShadowRecords } from './ShadowRecords.js';

export const CHALLENGER_CRITERION = 'gate.challenger_vs_champion';

export interface ChallengerOptions {
  /** Paired trading days (both models resolved on the same rows) needed before a verdict. */
  readonly minDays: number;
  /** One-sided level of the sign test over days. */
  readonly significance: number;
}

/**
 * Extra `ValidationResults` field this criterion reads: `shadowModel`, the challenger's model id
 * in the shadow record. Without it the shadow is found by the candidate's path (`vigil gate
 * shadow start --model-path`).
 */
export interface ChallengerValidationFields {
  readonly shadowModel?: string;
}

const pct = (v: number | null): string => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
const pp = (v: number): string => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pp`;

/** The evidence a verdict carries (the comparison minus its per-day list, which the API serves). */
export function challengerEvidence(c: ShadowComparison, o: ChallengerOptions): Record<string, unknown> {
  return {
    shadow: {
      id: c.shadow.id,
      model: c.shadow.model,
      champion: c.shadow.champion,
      since: c.shadow.since,
      until: c.shadow.until,
    },
    rows: c.rows,
    days: c.days,
    championAccuracy: c.championAccuracy,
    challengerAccuracy: c.challengerAccuracy,
    improvement: c.improvement,
    interval: c.interval,
    daysChallengerBetter: c.daysChallengerBetter,
    daysChampionBetter: c.daysChampionBetter,
    tiedDays: c.tiedDays,
    pBetter: c.pBetter,
    test: 'sign test over trading days (one-sided), day-clustered 95% interval of the accuracy difference',
    mismatched: c.mismatched,
    unpaired: c.unpaired,
    minDays: o.minDays,
    significance: o.significance,
  };
}

/**
 * `gate.challenger_vs_champion`: the candidate, observed in shadow on live traffic, against the
 * champion over the same rows (same symbol and timestamp, both resolved). The rows of one day
 * share the market, so the test is paired by day: each day votes for the model that got more
 * of its rows right, and the one-sided sign test over the days that differ must be below
 * `significance`, with the accuracy difference above the threshold (default 0). Fewer than
 * `minDays` paired days, or no shadow record, is `insufficient`. Off by default (options.challenger.enabled)
 * and, when on, optional unless required: it needs a shadow record, which a candidate validated
 * straight from training has not.
 */
export function challengerCriterion(shadows: ShadowRecords, o: ChallengerOptions): GateCriterion {
  return defineCriterion({
    id: CHALLENGER_CRITERION,
    requiredByDefault: false,
    thresholdRange: [-1, 1],
    description:
      'observed in shadow on live traffic, the candidate beats the champion on the same rows (sign test over trading days)',
    defaultThreshold: 0,
    async evaluate(ctx): Promise<CriterionResult> {
      const threshold = ctx.threshold ?? 0;
      const v = ctx.validation as typeof ctx.validation & ChallengerValidationFields;
      if (v.shadowModel !== undefined && (typeof v.shadowModel !== 'string' || v.shadowModel.trim() === ''))
        return {
          status: 'error',
          value: null,
          threshold,
          message: `validation.shadowModel must be a non-empty string, got ${JSON.stringify(v.shadowModel)}`,
        };
      const shadow = await shadows.find(
        v.shadowModel !== undefined ? { model: v.shadowModel } : { modelPath: ctx.modelPath },
      );
      if (!shadow)
        return {
          status: 'insufficient',
          value: null,
          threshold,
          message:
            v.shadowModel !== undefined
              ? `no shadow record for model '${v.shadowModel}': start one with \`vigil gate shadow start\` and observe its predictions under that modelVersion`
              : 'no shadow record for this candidate (by path): not observed on live traffic; start one with `vigil gate shadow start --model-path`, or name it in validation.shadowModel',
          details: { minDays: o.minDays, significance: o.significance },
        };
      const c = await shadows.compare(shadow);
      const details = challengerEvidence(c, o);
      const who = `${shadow.model} vs champion ${shadow.champion}`;
      if (c.days < o.minDays || c.improvement === null)
        return {
          status: 'insufficient',
          value: c.improvement,
          threshold,
          message: `${who}: ${c.rows} paired resolved rows over ${c.days} trading days since ${shadow.since.slice(0, 10)}; at least ${o.minDays} paired days are needed`,
          details,
        };
      const better = c.improvement > threshold;
      const significant = c.pBetter < o.significance;
      const iv = c.interval ? ` [95% ${pp(c.interval.lower)}, ${pp(c.interval.upper)}]` : '';
      return {
        status: better && significant ? 'pass' : 'fail',
        value: c.improvement,
        threshold,
        message: `${who} over ${c.rows} paired rows on ${c.days} days: ${pct(c.challengerAccuracy)} vs ${pct(c.championAccuracy)} (${pp(c.improvement)}${iv} ${better ? '>' : '<='} ${pp(threshold)}); better on ${c.daysChallengerBetter} days vs ${c.daysChampionBetter} (${c.tiedDays} tied), sign test one-sided p=${c.pBetter.toPrecision(3)} ${significant ? '<' : '>='} ${o.significance}`,
        details,
      };
    },
  });
}
