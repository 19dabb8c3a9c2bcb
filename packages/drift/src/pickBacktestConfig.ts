import { VigilError } from '@vigil/core';
import type { BacktestResult } from './backtest.js';

/** A CUSUM configuration the backtest tried, with its result on the picking period. */
export interface BacktestCandidate<C extends CusumChoice = CusumChoice> {
  readonly config: C;
  readonly result: Pick<BacktestResult, 'caught' | 'falseAlarmRate' | 'chanceLevel' | 'episodes'>;
}

export interface CusumChoice {
  readonly statistics: readonly string[];
  readonly k: number;
  readonly h: number;
}

/**
 * How ties on episodes caught are broken.
 * - `most-sensitive` (the rule BACKTEST.md's defaults are picked by): the configuration that starts episodes most
 *   readily within the budget: the most calm-day false alarms (its onset rate), then the highest chance level, then
 *   the fewer statistics, smaller h, smaller k.
 * - `most-in-drift`: the highest chance level first (the share of calm days in drift within the horizon), then the
 *   most false alarms. It favours low-k, high-h configurations that stay in drift long once started rather than ones
 *   that start early.
 * - `least-delay` (the rule before 2026-12-02): the smaller total delay, then fewer false alarms, then the larger h,
 *   then the smaller k. It drifts to the least sensitive configuration that still catches the picking period's episodes.
 * - `margin`: the largest worst-episode margin (the smallest over episodes of the peak CUSUM sum on the horizon
 *   days divided by h), then the smaller total delay, lower chance level, larger h, smaller k.
 */
export type TieBreak = 'most-sensitive' | 'most-in-drift' | 'least-delay' | 'margin';

export interface PickOptions {
  /** Largest calm-day false-alarm rate (share of calm days with a retraining request) a pick may have. */
  readonly maxFalseAlarmRate: number;
  /** Largest chance level (share of calm days in drift within the horizon) a pick may have. */
  readonly maxChanceLevel: number;
  readonly tieBreak?: TieBreak;
}

const scorable = (c: BacktestCandidate) => c.result.episodes.filter((e) => e.status !== 'not scorable');
const totalDelay = (c: BacktestCandidate) => scorable(c).reduce((s, e) => s + (e.delay ?? 0), 0);
/** Smallest over scorable episodes of peak sum / h (0 when a peak is unknown); Infinity without episodes. */
export const worstMargin = (c: BacktestCandidate): number =>
  Math.min(...scorable(c).map((e) => (e.peakScore ?? 0) / c.config.h));

const ORDER: Record<TieBreak, (a: BacktestCandidate, b: BacktestCandidate) => number> = {
  'most-sensitive': (a, b) =>
    b.result.falseAlarmRate - a.result.falseAlarmRate ||
    b.result.chanceLevel - a.result.chanceLevel ||
    a.config.statistics.length - b.config.statistics.length ||
    a.config.h - b.config.h ||
    a.config.k - b.config.k,
  'most-in-drift': (a, b) =>
    b.result.chanceLevel - a.result.chanceLevel ||
    b.result.falseAlarmRate - a.result.falseAlarmRate ||
    a.config.statistics.length - b.config.statistics.length ||
    a.config.h - b.config.h ||
    a.config.k - b.config.k,
  'least-delay': (a, b) =>
    totalDelay(a) - totalDelay(b) ||
    a.result.falseAlarmRate - b.result.falseAlarmRate ||
    b.config.h - a.config.h ||
    a.config.k - b.config.k,
  margin: (a, b) =>
    worstMargin(b) - worstMargin(a) ||
    totalDelay(a) - totalDelay(b) ||
    a.result.chanceLevel - b.result.chanceLevel ||
    b.config.h - a.config.h ||
    a.config.k - b.config.k,
};

/**
 * The picking rule of the out-of-period backtest: among the candidates within the budget (calm-day false alarms
 * and chance level at most the given rates), the most episodes caught; ties broken by `tieBreak` (default
 * `most-sensitive`). Null when no candidate is within the budget.
 */
export function pickBacktestConfig<C extends CusumChoice>(
  candidates: readonly BacktestCandidate<C>[],
  o: PickOptions,
): BacktestCandidate<C> | null {
  const tieBreak = o.tieBreak ?? 'most-sensitive';
  const order = ORDER[tieBreak];
  if (!order)
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      'tieBreak must be most-sensitive, most-in-drift, least-delay or margin',
      {
        issues: [{ path: 'tieBreak', message: 'unknown tie-break', value: tieBreak }],
      },
    );
  const within = candidates.filter(
    (c) => c.result.falseAlarmRate <= o.maxFalseAlarmRate && c.result.chanceLevel <= o.maxChanceLevel,
  );
  within.sort((a, b) => b.result.caught - a.result.caught || order(a, b));
  return within[0] ?? null;
}
