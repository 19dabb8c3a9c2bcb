import type { Bar } from '@vigil/market-data';

export const REGIMES = ['normal', 'high_volatility', 'crash', 'recovery'] as const;
export type Regime = (typeof REGIMES)[number];

/**
 * The market regime of each day, from the VIX close and SPY's 20-day return, known at that
 * day's close (no look-ahead):
 * - crash: VIX >= 28, or VIX >= 22 with SPY down more than 6% over 20 days;
 * - recovery: within 30 trading days after a crash day, once VIX is back under 22;
 * - high_volatility: VIX >= 18;
 * - normal: the rest.
 */
export function marketRegimes(spy: readonly Bar[], vix: readonly Bar[]): Map<string, Regime> {
  const vixByDate = new Map(vix.map((b) => [b.date, b.close]));
  const out = new Map<string, Regime>();
  let lastCrash = -Infinity;
  let lastVix = 15;
  spy.forEach((b, i) => {
    const v = vixByDate.get(b.date) ?? lastVix;
    lastVix = v;
    const r20 = i >= 20 ? b.close / (spy[i - 20] as Bar).close - 1 : 0;
    let regime: Regime;
    if (v >= 28 || (v >= 22 && r20 < -0.06)) {
      regime = 'crash';
      lastCrash = i;
    } else if (i - lastCrash <= 30 && v < 22) regime = 'recovery';
    else if (v >= 18) regime = 'high_volatility';
    else regime = 'normal';
    out.set(b.date, regime);
  });
  return out;
}
