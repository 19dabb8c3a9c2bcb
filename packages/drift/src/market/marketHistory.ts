import type { HistoryRow } from '../backtest.js';

/** The fields of a daily bar this needs (structurally @vigil/market-data's Bar). */
export interface DailyClose {
  readonly date: string;
  readonly close: number;
}

/**
 * Daily feature rows from SPY and VIX closes on the days both trade: `ret` (SPY log return),
 * `absRet` (its absolute value), `rv20` (20-day realised volatility, annualised; a level),
 * `vix` (VIX close; a level) and `vixChange` (VIX log change).
 */
export function buildMarketHistory(
  spy: readonly DailyClose[],
  vix: readonly DailyClose[],
  from = '2000-01-01',
  to = '2020-12-31',
): HistoryRow[] {
  const vixBy = new Map(vix.map((b) => [b.date, b.close]));
  const days = spy.filter((b) => vixBy.has(b.date) && b.date >= from && b.date <= to);
  const rows: HistoryRow[] = [];
  const rets: number[] = [];
  for (let i = 1; i < days.length; i++) {
    const d = days[i] as DailyClose;
    const p = days[i - 1] as DailyClose;
    const ret = Math.log(d.close / p.close);
    rets.push(ret);
    if (rets.length < 20) continue;
    const last20 = rets.slice(-20);
    const rv20 = Math.sqrt((last20.reduce((s, r) => s + r * r, 0) / 20) * 252);
    const v = vixBy.get(d.date) as number;
    const pv = vixBy.get(p.date) as number;
    rows.push({ date: d.date, features: { ret, absRet: Math.abs(ret), rv20, vix: v, vixChange: Math.log(v / pv) } });
  }
  return rows;
}
