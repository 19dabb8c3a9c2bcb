import {
  type CriterionResult,
  type GateCriterion,
  type ValidationPrediction,
  defineCriterion,
  wilsonInterval,
} from '@vigil/core';
import { signedRows } from './conviction.js';
import { spearman } from './spearman.js';

export interface TradingOptions {
  /** Rows (or, for turnover, consecutive pairs) needed before a verdict. */
  readonly minSamples: number;
  /** A prediction is high-conviction when its confidence is at least this. */
  readonly highConviction: number;
  readonly minHighConvictionSamples: number;
  /** The configured labels (these criteria need [0, 1]). */
  readonly labels: readonly number[];
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
const f3 = (v: number): string => v.toFixed(3);
const noPredictions = (threshold: number): CriterionResult => ({
  status: 'insufficient',
  value: null,
  threshold,
  message: 'no validation.predictions to compute it from',
});

/** `gate.information_coefficient`: Spearman rank correlation of signed conviction with the realised outcome; passes when its 95% lower bound is above the threshold. */
export function informationCoefficientCriterion(o: TradingOptions): GateCriterion {
  return defineCriterion({
    id: 'gate.information_coefficient',
    requiredByDefault: false,
    thresholdRange: [-1, 1],
    description:
      'information coefficient: Spearman rank correlation of signed conviction with the realised outcome, 95% lower bound above the threshold (optional)',
    defaultThreshold: 0,
    async evaluate(ctx): Promise<CriterionResult> {
      const threshold = ctx.threshold ?? 0;
      const preds = ctx.validation.predictions;
      if (!preds?.length) return noPredictions(threshold);
      const rows = signedRows(preds, o.labels);
      if (typeof rows === 'string')
        return { status: 'error', value: null, threshold, message: `gate.information_coefficient ${rows}` };
      const s = spearman(rows.conviction, rows.outcome);
      const details = {
        n: s.n,
        rho: s.rho,
        interval: { lower: s.lower, upper: s.upper },
        outcome: rows.source,
        minSamples: o.minSamples,
      };
      if (s.n < o.minSamples || s.rho === null || s.lower === null) {
        return {
          status: 'insufficient',
          value: s.rho,
          threshold,
          message:
            s.rho === null && s.n >= o.minSamples
              ? 'conviction or outcome is constant: no rank correlation'
              : `${s.n} validation predictions; at least ${o.minSamples} are needed`,
          details,
        };
      }
      const pass = s.lower > threshold;
      return {
        status: pass ? 'pass' : 'fail',
        value: s.rho,
        threshold,
        message: `IC ${f3(s.rho)} [95% ${f3(s.lower)}, ${f3(s.upper as number)}] on ${s.n} rows (outcome: ${rows.source}); lower bound ${pass ? '>' : '<='} ${f3(threshold)}`,
        details,
      };
    },
  });
}

/** `gate.high_conviction_hit_rate`: accuracy of the predictions made with confidence >= highConviction; passes when its Wilson 95% lower bound is above the threshold. */
export function highConvictionHitRateCriterion(o: TradingOptions): GateCriterion {
  return defineCriterion({
    id: 'gate.high_conviction_hit_rate',
    requiredByDefault: false,
    description: `hit rate of high-conviction predictions (confidence >= ${o.highConviction}), Wilson 95% lower bound above the threshold (optional)`,
    defaultThreshold: 0.5,
    async evaluate(ctx): Promise<CriterionResult> {
      const threshold = ctx.threshold ?? 0.5;
      const preds = ctx.validation.predictions;
      if (!preds?.length) return noPredictions(threshold);
      const high = preds.filter((p) => p.confidence >= o.highConviction);
      const hits = high.filter((p) => p.predictedLabel === p.actualLabel).length;
      const n = high.length;
      const interval = wilsonInterval(hits, n);
      const details = {
        highConviction: o.highConviction,
        n,
        hits,
        share: n / preds.length,
        interval,
        minSamples: o.minHighConvictionSamples,
      };
      if (n < o.minHighConvictionSamples)
        return {
          status: 'insufficient',
          value: n ? hits / n : null,
          threshold,
          message: `${n} predictions with confidence >= ${o.highConviction}; at least ${o.minHighConvictionSamples} are needed`,
          details,
        };
      const rate = hits / n;
      const pass = interval.lower > threshold;
      return {
        status: pass ? 'pass' : 'fail',
        value: rate,
        threshold,
        message: `high-conviction hit rate ${pct(rate)} (${hits}/${n}) [95% ${pct(interval.lower)}, ${pct(interval.upper)}]; lower bound ${pass ? '>' : '<='} ${pct(threshold)}`,
        details,
      };
    },
  });
}

/**
 * `gate.turnover`: how often the predictedLabel position flips between consecutive predictions of
 * the same symbol (in `timestamp` order when every row has one, else in the given order);
 * passes when its Wilson 95% upper bound is below the threshold (a maximum).
 */
export function turnoverCriterion(o: TradingOptions): GateCriterion {
  return defineCriterion({
    id: 'gate.turnover',
    requiredByDefault: false,
    description:
      'turnover: share of consecutive same-symbol predictions whose position flips, Wilson 95% upper bound below the threshold (optional)',
    defaultThreshold: 0.5,
    async evaluate(ctx): Promise<CriterionResult> {
      const threshold = ctx.threshold ?? 0.5;
      const preds = ctx.validation.predictions;
      if (!preds?.length) return noPredictions(threshold);
      const stamped = preds.every((p) => typeof (p as { timestamp?: unknown }).timestamp === 'string');
      const bySymbol = new Map<string, ValidationPrediction[]>();
      for (const p of preds) bySymbol.set(p.symbol, [...(bySymbol.get(p.symbol) ?? []), p]);
      let pairs = 0;
      let flips = 0;
      for (const list of bySymbol.values()) {
        if (stamped)
          list.sort((a, b) =>
            ((a as { timestamp?: string }).timestamp as string).localeCompare(
              (b as { timestamp?: string }).timestamp as string,
            ),
          );
        for (let i = 1; i < list.length; i++) {
          pairs++;
          if ((list[i] as ValidationPrediction).predictedLabel !== (list[i - 1] as ValidationPrediction).predictedLabel)
            flips++;
        }
      }
      const interval = wilsonInterval(flips, pairs);
      const details = {
        pairs,
        flips,
        symbols: bySymbol.size,
        order: stamped ? 'timestamp' : 'given',
        interval,
        minSamples: o.minSamples,
      };
      if (pairs < o.minSamples)
        return {
          status: 'insufficient',
          value: pairs ? flips / pairs : null,
          threshold,
          message: `${pairs} consecutive same-symbol pairs; at least ${o.minSamples} are needed`,
          details,
        };
      const rate = flips / pairs;
      const pass = interval.upper < threshold;
      return {
        status: pass ? 'pass' : 'fail',
        value: rate,
        threshold,
        message: `turnover ${pct(rate)} (${flips}/${pairs} flips, ${stamped ? 'by timestamp' : 'in given order'}) [95% ${pct(interval.lower)}, ${pct(interval.upper)}]; upper bound ${pass ? '<' : '>='} ${pct(threshold)}`,
        details,
      };
    },
  });
}
