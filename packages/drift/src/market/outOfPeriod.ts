import type { Episode } from '../backtest.js';
import type { CusumChoice, PickOptions, TieBreak } from '../pickBacktestConfig.js';

/** Stress episodes of 2001-2007, before @vigil/market-data's list starts: the first trading day of each sell-off. */
export const EARLY_STRESS_EPISODES: readonly Episode[] = [
  { name: 'Sep 2001 (9/11 reopening)', start: '2001-09-17', end: '2001-10-12' },
  { name: 'Jul 2002 (WorldCom)', start: '2002-07-10', end: '2002-08-09' },
  { name: 'Feb 2007 (Shanghai)', start: '2007-02-27', end: '2007-03-14' },
  { name: 'Aug 2007 (quant quake)', start: '2007-07-26', end: '2007-08-31' },
];

/** S&P 500 stress episodes of 1990-1999, never used for picking. */
export const NINETIES_STRESS_EPISODES: readonly Episode[] = [
  { name: 'Aug 1990 (Gulf war)', start: '1990-08-02', end: '1990-10-11' },
  { name: 'Oct 1997 (Asian crisis)', start: '1997-10-27', end: '1997-11-14' },
  { name: 'Aug 1998 (Russia, LTCM)', start: '1998-08-04', end: '1998-10-08' },
];

/** S&P 500 stress episodes of 1980-1989, never used for picking (listed on 2026-12-02 before any detector ran on them). */
export const EIGHTIES_STRESS_EPISODES: readonly Episode[] = [
  { name: 'Oct 1987 (Black Monday)', start: '1987-10-14', end: '1987-11-30' },
  { name: 'Oct 1989 (Friday the 13th)', start: '1989-10-13', end: '1989-10-31' },
];

/** Every combination of the statistics sets, k and h. */
export function cusumGrid(
  ks: readonly number[],
  hs: readonly number[],
  statisticsSets: readonly (readonly string[])[] = [['abs'], ['abs', 'level']],
): CusumChoice[] {
  return statisticsSets.flatMap((statistics) =>
    ks.flatMap((k) => hs.map((h) => ({ statistics: [...statistics], k, h }))),
  );
}

/**
 * The out-of-period protocol BACKTEST.md's defaults are picked by: caught within `horizon` trading days, a budget of
 * calm-day false alarms and chance level, the tie-break, and the 50 configurations picked from.
 */
export const OUT_OF_PERIOD: {
  readonly horizon: number;
  readonly budget: Omit<PickOptions, 'tieBreak'>;
  readonly tieBreak: TieBreak;
  readonly grid: readonly CusumChoice[];
} = {
  horizon: 5,
  budget: { maxFalseAlarmRate: 0.02, maxChanceLevel: 0.05 },
  tieBreak: 'most-sensitive',
  grid: cusumGrid([0.5, 0.75, 1, 1.25, 1.5], [3, 4, 5, 6, 8]),
};
