import { describe, expect, it } from 'vitest';
import { pairedByDay } from './watch.js';

describe('pairedByDay', () => {
  it('counts each day once, whatever its number of rows', () => {
    // day 0: A right on 9, B on 0 -> one day for A; days 1-3: B better by one row each
    const rows = [
      ...Array.from({ length: 9 }, () => ({ day: 0, a: true, b: false })),
      ...[1, 2, 3].flatMap((day) => [
        { day, a: false, b: true },
        { day, a: true, b: true },
      ]),
    ];
    const r = pairedByDay(rows);
    expect(r).toMatchObject({ rows: 15, daysA: 1, daysB: 3 });
    expect(r.accuracyA).toBeCloseTo(12 / 15, 12);
    expect(r.accuracyB).toBeCloseTo(6 / 15, 12);
    // P(Bin(4, 1/2) >= 1) = 15/16: a row-level test would have called A far better
    expect(r.pBetter).toBeCloseTo(15 / 16, 12);
  });

  it('is significant when A wins most days: 15 of 17 discordant days, P(Bin(17, 1/2) >= 15) = 154/131072', () => {
    const rows = Array.from({ length: 20 }, (_, day) => ({ day, a: day < 15 || day >= 17, b: day >= 15 }));
    const r = pairedByDay(rows);
    expect(r).toMatchObject({ daysA: 15, daysB: 2 });
    expect(r.pBetter).toBeCloseTo(154 / 131072, 12);
  });
});
