import { isVigilError } from '@vigil/core';
import { normalSampler, seededRandom } from '@vigil/test-utils';
import { describe, expect, it } from 'vitest';
import { type HistoryRow, backtestDrift } from './backtest.js';

const day = (i: number) => new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
function history(n: number, burstAt: number, burstLen: number, scale: number): HistoryRow[] {
  const z = normalSampler(seededRandom(3));
  return Array.from({ length: n }, (_, i) => ({
    date: day(i),
    features: { x: z() * (i >= burstAt && i < burstAt + burstLen ? scale : 1) },
  }));
}

describe('backtestDrift', () => {
  it('reports the delay to the first alarm, calm false alarms and the chance level', () => {
    const rows = history(900, 700, 40, 5);
    const r = backtestDrift({
      rows,
      detector: { kind: 'cusum', feature: 'x', statistic: 'abs', k: 1, h: 5, direction: 'up' },
      baselineSize: 250,
      episodes: [{ name: 'burst', start: day(700), end: day(739) }],
      horizon: 5,
    });
    const ep = r.episodes[0];
    expect(ep?.delay).not.toBeNull();
    expect(ep?.delay).toBeLessThanOrEqual(2);
    expect(ep?.caught).toBe(true);
    expect(ep?.status).toBe('caught');
    // one episode (one request) for the one burst: the CUSUM keeps watching instead of resetting and re-alarming
    expect(r.alarms.filter((d) => d >= day(700) && d <= day(739))).toHaveLength(1);
    // every onset counted on a calm day is one of the reported onset dates outside the episode +/- 20 days
    const calmAlarms = r.alarms.filter((d) => d < day(680) || d > day(759)).length;
    expect(r.falseAlarmRate).toBeCloseTo(calmAlarms / r.calmDays, 12);
    expect(r.chanceLevel).toBeGreaterThanOrEqual(r.falseAlarmRate);
    expect(r.calmRule).toContain('20 trading days either side');
  });
  it('reports episodes outside the checked range as not scorable (with a warning), never as misses or shifted starts', () => {
    const rows = history(900, 700, 40, 5);
    const r = backtestDrift({
      rows,
      detector: { kind: 'cusum', feature: 'x', statistic: 'abs', k: 1, h: 5, direction: 'up' },
      baselineSize: 250,
      horizon: 5,
      episodes: [
        { name: 'before', start: day(100), end: day(120) },
        { name: 'after', start: day(1000), end: day(1010) },
        { name: 'at the end', start: day(897), end: day(899) },
        { name: 'burst', start: day(700), end: day(739) },
      ],
    });
    expect(r.episodes.map((e) => e.status)).toEqual(['not scorable', 'not scorable', 'not scorable', 'caught']);
    expect(r.episodes[0]?.start).toBe(day(100));
    expect(r.scorable).toBe(1);
    expect(r.caught).toBe(1);
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings[0]).toContain('before the first checked day');
  });
  it('an episode that ended before the first checked day takes only the days within the margin of its end from the calm days', () => {
    const rows = history(900, 700, 40, 5);
    const run = (extra: { name: string; start: string; end: string }[]) =>
      backtestDrift({
        rows,
        detector: { kind: 'cusum', feature: 'x', statistic: 'abs', k: 1, h: 5, direction: 'up' },
        baselineSize: 250,
        horizon: 5,
        episodes: [...extra, { name: 'burst', start: day(700), end: day(739) }],
      });
    const base = run([]);
    // the first checked day is row 252 (the rolling reference needs 250 closed steps, the first one a diff)
    expect(base.firstDay).toBe(day(252));
    // ended at row 240: rows 241..260 are within 20 trading days of its end, so checked days 252..260 (9) are not calm
    const recent = run([{ name: 'recent', start: day(200), end: day(240) }]);
    expect(recent.episodes[0]?.status).toBe('not scorable');
    expect(base.calmDays - recent.calmDays).toBe(9);
    // ended long before: every calm day stays calm (it used to take every checked day from the calm ones)
    const old = run([{ name: 'old', start: day(10), end: day(50) }]);
    expect(old.calmDays).toBe(base.calmDays);
    expect(old.falseAlarmRate).toBe(base.falseAlarmRate);
  });
  it("reports the CUSUM's peak sum on each episode's horizon days: at or above h when caught, below it when missed", () => {
    const rows = history(900, 700, 40, 5);
    const run = (h: number) =>
      backtestDrift({
        rows,
        detector: { kind: 'cusum', feature: 'x', statistic: 'abs', k: 1, h, direction: 'up' },
        baselineSize: 250,
        horizon: 5,
        episodes: [{ name: 'burst', start: day(700), end: day(739) }],
      }).episodes[0];
    const missed = run(40);
    expect(missed?.caught).toBe(false);
    const peak = missed?.peakScore as number;
    expect(peak).toBeGreaterThan(5);
    expect(peak).toBeLessThan(40);
    // below the cap (2h) the sums follow the same path whatever h: an h just under the peak catches the burst
    const caught = run(peak * 0.99);
    expect(caught?.caught).toBe(true);
    expect(caught?.peakScore).toBeGreaterThanOrEqual(peak * 0.99);
    expect(caught?.peakScore).toBeLessThanOrEqual(2 * peak * 0.99);
  });
  it('a KS detector on the same history finds the burst too', () => {
    const rows = history(600, 500, 30, 5).map((r) => ({ ...r, features: { x: Math.abs(r.features.x as number) } }));
    const r = backtestDrift({
      rows,
      detector: { kind: 'ks', features: ['x'], windowSize: 10, alertThreshold: 0.5 },
      baselineSize: 200,
      episodes: [{ name: 'burst', start: day(500), end: day(529) }],
      horizon: 10,
    });
    // D > 0.5 needs most of the 10-day window inside the burst
    expect(r.episodes[0]?.delay).toBeGreaterThanOrEqual(4);
    expect(r.episodes[0]?.delay).toBeLessThanOrEqual(10);
    expect(r.episodes[0]?.caught).toBe(true);
  });
  it('refuses unordered dates and non-finite features', () => {
    const rows = history(300, 0, 0, 1);
    const bad = [...rows.slice(0, 5), { date: day(2), features: { x: Number.NaN } }, ...rows.slice(6)];
    const err = (() => {
      try {
        backtestDrift({ rows: bad, detector: { kind: 'cusum', feature: 'x', k: 1, h: 5 }, baselineSize: 50 });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(isVigilError(err, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(err?.message).toContain('rows[5].date: must be after rows[4].date');
    expect(err?.message).toContain('rows[5].features.x: must be a finite number, got NaN');
  });
});
