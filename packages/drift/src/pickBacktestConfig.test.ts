import { isVigilError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import type { EpisodeOutcome } from './backtest.js';
import { type BacktestCandidate, type TieBreak, pickBacktestConfig, worstMargin } from './pickBacktestConfig.js';

/** An episode caught after `delay` days with the CUSUM's peak sum on the horizon days (null delay: missed). */
const ep = (name: string, delay: number | null, peakScore: number): EpisodeOutcome => ({
  name,
  start: '2011-08-01',
  status: delay === null ? 'missed' : 'caught',
  firstAlarm: delay === null ? null : '2011-08-01',
  delay,
  onset: delay === null ? null : '2011-08-01',
  caught: delay !== null,
  peakScore,
});
const candidate = (
  k: number,
  h: number,
  falseAlarmRate: number,
  chanceLevel: number,
  episodes: EpisodeOutcome[],
  statistics = ['abs'],
): BacktestCandidate => ({
  config: { statistics, k, h },
  result: { caught: episodes.filter((e) => e.caught).length, falseAlarmRate, chanceLevel, episodes },
});

// A picking period where three configurations catch both episodes within the budget (as 2011-2020 did: many ties).
const leastSensitive = candidate(1.5, 3, 0.001, 0.035, [ep('a', 3, 6), ep('b', 0, 4.5)]);
const mostSensitive = candidate(1.25, 3, 0.0015, 0.046, [ep('a', 3, 6), ep('b', 0, 5.1)]);
const between = candidate(1.5, 2.5, 0.0012, 0.04, [ep('a', 3, 5), ep('b', 0, 5)]);
// low k, high h: starts fewer episodes but stays in drift long once started (the highest chance level)
const sticky = candidate(0.75, 6, 0.0008, 0.049, [ep('a', 5, 6.5), ep('b', 2, 7)]);
const table = [
  leastSensitive,
  mostSensitive,
  between,
  sticky,
  // the same catches and chance as mostSensitive with one more statistic: the simpler detector wins the tie
  candidate(1.25, 3, 0.0015, 0.046, [ep('a', 3, 6), ep('b', 0, 5.1)], ['abs', 'level']),
  // catches one episode fewer, however sensitive
  candidate(2, 2, 0.002, 0.049, [ep('a', null, 1.5), ep('b', 0, 4)]),
  // over the chance budget (in drift for weeks after each alarm)
  candidate(1, 3, 0.004, 0.13, [ep('a', 0, 6), ep('b', 0, 6)]),
  // over the false-alarm budget
  candidate(0.5, 2, 0.03, 0.045, [ep('a', 0, 4), ep('b', 0, 4)]),
];
const budget = { maxFalseAlarmRate: 0.02, maxChanceLevel: 0.05 };
const pick = (tieBreak?: TieBreak) => pickBacktestConfig(table, { ...budget, ...(tieBreak ? { tieBreak } : {}) });

describe('pickBacktestConfig', () => {
  it('breaks ties toward the most sensitive configuration within the budget: the highest onset rate (the default rule)', () => {
    expect(pick()).toBe(mostSensitive);
    expect(pick('most-sensitive')).toBe(mostSensitive);
  });
  it('most-in-drift picks the highest chance level: the configuration that stays in drift longest, not the quickest', () => {
    expect(pick('most-in-drift')).toBe(sticky);
  });
  it('the rule before 2026-12-02 (least total delay, then fewer false alarms, larger h) picks the least sensitive one', () => {
    // equal total delays (sticky's is larger): fewer false alarms decides, the configuration spending the least wins
    expect(pick('least-delay')).toBe(leastSensitive);
  });
  it('the margin rule picks the largest worst-episode peak over h', () => {
    expect(worstMargin(leastSensitive)).toBeCloseTo(1.5, 12);
    expect(worstMargin(mostSensitive)).toBeCloseTo(1.7, 12);
    expect(worstMargin(between)).toBeCloseTo(2, 12);
    expect(worstMargin(sticky)).toBeCloseTo(6.5 / 6, 12);
    expect(pick('margin')).toBe(between);
  });
  it('more episodes caught beats any tie-break; nothing within the budget is null', () => {
    const fewer = table[5] as BacktestCandidate;
    expect(pickBacktestConfig([fewer, mostSensitive], budget)).toBe(mostSensitive);
    expect(pickBacktestConfig([fewer], budget)).toBe(fewer);
    expect(pickBacktestConfig(table.slice(6), budget)).toBeNull();
    expect(pickBacktestConfig([], budget)).toBeNull();
  });
  it('refuses an unknown tie-break by name', () => {
    const err = (() => {
      try {
        pickBacktestConfig(table, { ...budget, tieBreak: 'largest-h' as TieBreak });
      } catch (e) {
        return e;
      }
    })();
    expect(isVigilError(err, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect((err as Error).message).toContain('tieBreak');
  });
});
