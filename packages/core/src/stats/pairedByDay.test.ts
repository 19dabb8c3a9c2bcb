import { describe, expect, it } from 'vitest';
import { pairedByDay } from './pairedByDay.js';

/**
 * 228 rows over 25 days (7-12 rows a day, a shared daily shock), generated with numpy
 * (default_rng(13)); "day,old,new" per row. References: scipy 1.17.1
 * binomtest(11, 17, 0.5, alternative='greater') and numpy's cluster sandwich
 * (X'X)^-1 (sum_g X_g'e_g e_g'X_g) (X'X)^-1 * G/(G-1) on a constant.
 */
const FIXTURE =
  '0,0,0;0,1,0;0,0,1;0,0,0;0,0,0;0,1,0;0,0,0;0,0,1;0,0,0;0,0,0;0,0,0;0,0,0;1,1,0;1,1,1;1,1,0;1,1,1;1,1,0;1,1,1;1,0,1;1,1,0;1,1,1;1,1,0;1,0,1;1,0,0;2,1,0;2,0,1;2,0,0;2,1,0;2,0,0;2,1,0;2,0,0;2,1,0;2,1,1;2,0,0;2,0,1;3,1,0;3,0,1;3,1,1;3,1,0;3,0,1;3,1,0;3,1,0;3,0,0;3,1,1;3,0,1;3,0,1;3,1,1;4,1,1;4,0,1;4,1,0;4,0,1;4,1,0;4,0,0;4,0,1;4,1,1;4,1,0;5,1,1;5,1,0;5,1,0;5,1,0;5,0,1;5,0,1;5,0,1;5,1,1;5,0,0;6,1,1;6,1,1;6,1,1;6,0,1;6,1,1;6,0,1;6,1,1;6,0,0;7,1,1;7,1,1;7,1,1;7,0,0;7,1,1;7,1,1;7,0,1;7,1,1;7,0,1;7,1,1;7,1,1;8,1,1;8,1,1;8,1,1;8,0,0;8,0,0;8,1,1;8,0,1;8,1,0;8,0,0;8,1,1;9,0,1;9,0,1;9,0,1;9,0,1;9,1,1;9,1,1;9,1,1;9,1,1;9,1,1;9,1,1;9,1,1;9,1,1;10,0,1;10,0,1;10,1,1;10,1,1;10,1,0;10,0,0;10,1,1;10,0,1;11,1,0;11,1,0;11,1,1;11,0,1;11,1,0;11,0,1;11,1,1;11,0,0;12,0,1;12,0,0;12,0,1;12,1,1;12,0,1;12,1,0;12,1,1;13,1,1;13,1,1;13,1,1;13,1,1;13,0,1;13,1,0;13,1,0;13,1,1;13,1,1;14,0,0;14,1,1;14,0,1;14,0,0;14,1,1;14,0,1;14,0,1;15,1,0;15,0,1;15,0,0;15,1,1;15,0,1;15,0,0;15,1,0;16,0,1;16,1,0;16,0,1;16,1,1;16,1,1;16,1,1;16,1,1;16,0,1;16,0,1;16,1,1;16,1,1;17,1,0;17,0,1;17,1,0;17,1,1;17,1,1;17,1,1;17,1,1;17,0,0;18,1,1;18,0,1;18,1,1;18,1,1;18,0,0;18,1,1;18,1,1;18,1,1;18,1,1;19,0,1;19,0,0;19,1,1;19,1,1;19,0,1;19,0,0;19,0,1;19,0,0;19,0,1;19,0,1;20,0,0;20,1,0;20,0,0;20,1,0;20,0,1;20,0,0;20,0,1;21,0,0;21,1,1;21,0,1;21,1,0;21,1,1;21,0,0;21,0,1;22,1,1;22,1,1;22,1,1;22,1,1;22,1,1;22,1,1;22,1,1;23,1,1;23,1,1;23,1,1;23,1,1;23,1,0;23,1,1;23,1,0;23,1,1;23,1,1;24,1,1;24,1,1;24,1,1;24,0,0;24,1,1;24,0,0;24,0,1;24,0,0';

describe('pairedByDay', () => {
  const rows = FIXTURE.split(';').map((r) => {
    const [day, o, n] = r.split(',').map(Number);
    return { day: day as number, old: o === 1, new: n === 1 };
  });

  it('matches scipy (sign test over days) and the cluster sandwich (interval) on a generated panel', () => {
    const r = pairedByDay(rows);
    expect(r).toMatchObject({ rows: 228, days: 25, daysNewBetter: 11, daysOldBetter: 6, tiedDays: 8 });
    expect(r.improvement).toBeCloseTo(0.07017543859649117, 14);
    expect(r.standardError).toBeCloseTo(0.04212512630612935, 14);
    expect(r.pBetter).toBeCloseTo(0.1661529541015625, 14);
    expect(r.pWorse).toBeCloseTo(0.9282684326171875, 14);
    expect(r.interval?.lower).toBeCloseTo(0.07017543859649117 - 1.959963984540054 * 0.04212512630612935, 12);
    expect(r.byDay).toHaveLength(25);
    expect(r.byDay.reduce((a, d) => a + d.rows, 0)).toBe(228);
  });

  it('counts each day once, whatever its number of rows', () => {
    // day 0: old right on 9, new on 0 -> one day for old; days 1-3: new better by one row each
    const r = pairedByDay([
      ...Array.from({ length: 9 }, () => ({ day: 0, old: true, new: false })),
      ...[1, 2, 3].flatMap((day) => [
        { day, old: false, new: true },
        { day, old: true, new: true },
      ]),
    ]);
    expect(r).toMatchObject({ rows: 15, daysOldBetter: 1, daysNewBetter: 3 });
    expect(r.oldAccuracy).toBeCloseTo(12 / 15, 12);
    expect(r.newAccuracy).toBeCloseTo(6 / 15, 12);
    // P(Bin(4, 1/2) >= 1) = 15/16 that the old one is better: a row-level test would have called it far better
    expect(r.pWorse).toBeCloseTo(15 / 16, 12);
    expect(r.pBetter).toBeCloseTo(5 / 16, 12);
  });

  it('15 of 17 discordant days: P(Bin(17, 1/2) >= 15) = 154/131072', () => {
    const r = pairedByDay(
      Array.from({ length: 20 }, (_, day) => ({ day, new: day < 15 || day >= 17, old: day >= 15 })),
    );
    expect(r).toMatchObject({ daysNewBetter: 15, daysOldBetter: 2 });
    expect(r.pBetter).toBeCloseTo(154 / 131072, 12);
  });

  it('has no interval below two days and no accuracies without rows', () => {
    expect(pairedByDay([{ day: 'd', old: true, new: false }])).toMatchObject({ days: 1, interval: null, pBetter: 1 });
    expect(pairedByDay([])).toMatchObject({ rows: 0, oldAccuracy: null, improvement: null, interval: null });
  });
});
