import { mcnemar } from '@vigil/core';

/** One row scored by two models: which trading day it belongs to, and whether each got it right. */
export interface PairedRow {
  readonly day: number;
  readonly a: boolean;
  readonly b: boolean;
}

export interface PairedRecord {
  readonly rows: number;
  readonly accuracyA: number;
  readonly accuracyB: number;
  /** Days on which A got more of the day's rows right than B, and the other way round. */
  readonly daysA: number;
  readonly daysB: number;
  /** One-sided sign test over days (McNemar on the discordant days): P(A better by chance). */
  readonly pBetter: number;
}

/**
 * Two models' records on the same rows, compared day by day. The nine stocks of one day share
 * the market's volatility, so their rows are not independent: a test over rows would overstate
 * the evidence about nine-fold. Each day is one vote (A better, B better, or a tie), and the
 * sign test over the days that differ says whether A is better than B beyond chance.
 */
export function pairedByDay(rows: readonly PairedRow[]): PairedRecord {
  const net = new Map<number, number>();
  let rightA = 0;
  let rightB = 0;
  for (const r of rows) {
    if (r.a) rightA++;
    if (r.b) rightB++;
    net.set(r.day, (net.get(r.day) ?? 0) + Number(r.a) - Number(r.b));
  }
  let daysA = 0;
  let daysB = 0;
  for (const d of net.values()) {
    if (d > 0) daysA++;
    else if (d < 0) daysB++;
  }
  const n = Math.max(1, rows.length);
  return {
    rows: rows.length,
    accuracyA: rightA / n,
    accuracyB: rightB / n,
    daysA,
    daysB,
    pBetter: mcnemar(daysA, daysB).pBetter,
  };
}
