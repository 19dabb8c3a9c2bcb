import { type McNemarResult, mcnemar } from './mcnemar.js';
import { type Interval, Z_95 } from './wilson.js';

/** One row scored by two models: the day (trading day, or any cluster key) it belongs to, and whether each got it right. */
export interface DayPairedRow {
  readonly day: string | number;
  /** The reference (live, champion) model was right. */
  readonly old: boolean;
  /** The candidate (challenger) model was right. */
  readonly new: boolean;
}

/** One day's paired record. */
export interface PairedDay {
  readonly day: string | number;
  readonly rows: number;
  readonly oldRight: number;
  readonly newRight: number;
}

export interface PairedByDay {
  readonly rows: number;
  readonly days: number;
  readonly oldAccuracy: number | null;
  readonly newAccuracy: number | null;
  /** New minus old accuracy over every paired row; null without rows. */
  readonly improvement: number | null;
  /** Days on which the new model got more of the day's rows right than the old one, the other way round, and ties. */
  readonly daysNewBetter: number;
  readonly daysOldBetter: number;
  readonly tiedDays: number;
  /** The sign test over days: McNemar's exact test on the discordant days (b = new better, c = old better). */
  readonly signTest: McNemarResult;
  /** One-sided sign-test p that the new model is better (P(Bin(b + c, 1/2) >= b)). */
  readonly pBetter: number;
  /** One-sided sign-test p that the old model is better. */
  readonly pWorse: number;
  /**
   * 95% interval of `improvement` with a day-clustered (CR1) standard error: days are the
   * independent units, the rows of one day are not. Normal quantile; null below two days.
   */
  readonly interval: Interval | null;
  readonly standardError: number | null;
  /** Per day, in first-seen order. */
  readonly byDay: readonly PairedDay[];
}

/**
 * Two models' records on the same rows, compared day by day. The rows of one trading day share
 * the market's state, so they are not independent: McNemar over rows would count one market
 * move as hundreds of votes and overstate the evidence. Here each day is one vote (new better,
 * old better, or a tie) and the sign test over the days that differ gives the p-value; the
 * accuracy difference gets a day-clustered standard error, the cluster-robust (CR1) variance of
 * the mean row difference: G/(G-1) * sum_g (D_g - improvement * n_g)^2 / N^2, with D_g the
 * day's new-minus-old right answers, n_g its rows, G days and N rows (statsmodels' OLS on a
 * constant with `cov_type='cluster'` gives the same).
 */
export function pairedByDay(rows: readonly DayPairedRow[]): PairedByDay {
  const days = new Map<string | number, { rows: number; oldRight: number; newRight: number }>();
  let oldRight = 0;
  let newRight = 0;
  for (const r of rows) {
    let d = days.get(r.day);
    if (!d) {
      d = { rows: 0, oldRight: 0, newRight: 0 };
      days.set(r.day, d);
    }
    d.rows++;
    if (r.old) {
      d.oldRight++;
      oldRight++;
    }
    if (r.new) {
      d.newRight++;
      newRight++;
    }
  }
  let daysNewBetter = 0;
  let daysOldBetter = 0;
  for (const d of days.values()) {
    if (d.newRight > d.oldRight) daysNewBetter++;
    else if (d.newRight < d.oldRight) daysOldBetter++;
  }
  const n = rows.length;
  const g = days.size;
  const improvement = n ? (newRight - oldRight) / n : null;
  let standardError: number | null = null;
  if (improvement !== null && g >= 2) {
    let ss = 0;
    for (const d of days.values()) ss += (d.newRight - d.oldRight - improvement * d.rows) ** 2;
    standardError = Math.sqrt(((g / (g - 1)) * ss) / (n * n));
  }
  const signTest = mcnemar(daysNewBetter, daysOldBetter);
  return {
    rows: n,
    days: g,
    oldAccuracy: n ? oldRight / n : null,
    newAccuracy: n ? newRight / n : null,
    improvement,
    daysNewBetter,
    daysOldBetter,
    tiedDays: g - daysNewBetter - daysOldBetter,
    signTest,
    pBetter: signTest.pBetter,
    pWorse: mcnemar(daysOldBetter, daysNewBetter).pBetter,
    interval:
      standardError === null || improvement === null
        ? null
        : { lower: improvement - Z_95 * standardError, upper: improvement + Z_95 * standardError },
    standardError,
    byDay: [...days].map(([day, d]) => ({ day, ...d })),
  };
}
