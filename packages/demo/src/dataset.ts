import { type Bar, STOCK_SYMBOLS, type StockSymbol, loadSpy, loadStock, loadVix } from '@vigil/market-data';
import { type Regime, marketRegimes } from './regimes.js';

/** The technical features each prediction is made from, in a fixed order. */
export const FEATURES = ['ret_1d', 'ret_5d', 'ret_20d', 'vol_20d', 'ma50_gap', 'volume_z20', 'hl_range', 'vix', 'vix_chg_5d', 'spy_ret_1d', 'spy_ret_5d'] as const;
export type FeatureName = (typeof FEATURES)[number];

/** One symbol on one trading day: features known at the close, the 5-day-ahead label. */
export interface Sample {
  readonly id: string;
  readonly date: string;
  readonly dayIndex: number;
  readonly symbol: StockSymbol;
  readonly regime: Regime;
  readonly features: Record<FeatureName, number>;
  readonly x: number[];
  /** 1 if the close 5 trading days later is higher; null for the last 5 days (unknown). */
  readonly label: 0 | 1 | null;
}

export const HORIZON = 5;
const WARMUP = 50;

const mean = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a: readonly number[]) => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, a.length - 1));
};

/**
 * Builds the daily panel for the nine stocks of 2013-2018 with market context from SPY and VIX.
 * Days are the stocks' common trading days; every feature uses data up to that day only.
 */
export function buildDataset(symbols: readonly StockSymbol[] = STOCK_SYMBOLS): { days: string[]; samples: Sample[] } {
  const spy = loadSpy();
  const vix = loadVix();
  const regimes = marketRegimes(spy, vix);
  const spyIdx = new Map(spy.map((b, i) => [b.date, i]));
  const vixByDate = new Map(vix.map((b) => [b.date, b.close]));
  const series = new Map(symbols.map((s) => [s, loadStock(s)] as const));
  const first = series.get(symbols[0] as StockSymbol) as Bar[];
  const days = first.map((b) => b.date).filter((d) => symbols.every((s) => series.get(s)?.some((b) => b.date === d)) && spyIdx.has(d));
  const samples: Sample[] = [];
  for (const symbol of symbols) {
    const bars = series.get(symbol) as Bar[];
    const byDate = new Map(bars.map((b, i) => [b.date, i]));
    days.forEach((date, dayIndex) => {
      const i = byDate.get(date) as number;
      if (i < WARMUP) return;
      const c = (k: number) => (bars[i - k] as Bar).close;
      const rets = Array.from({ length: 20 }, (_, k) => c(k) / c(k + 1) - 1);
      const vols = Array.from({ length: 20 }, (_, k) => (bars[i - k] as Bar).volume);
      const ma50 = mean(Array.from({ length: 50 }, (_, k) => c(k)));
      const si = spyIdx.get(date) as number;
      const v = vixByDate.get(date) ?? vixByDate.get(spy[si - 1]?.date ?? '') ?? 15;
      const v5 = vixByDate.get(spy[si - 5]?.date ?? '') ?? v;
      const b = bars[i] as Bar;
      const features: Record<FeatureName, number> = {
        ret_1d: rets[0] as number,
        ret_5d: c(0) / c(5) - 1,
        ret_20d: c(0) / c(20) - 1,
        vol_20d: std(rets) * Math.sqrt(252),
        ma50_gap: c(0) / ma50 - 1,
        volume_z20: (b.volume - mean(vols)) / (std(vols) || 1),
        hl_range: (b.high - b.low) / b.close,
        vix: v,
        vix_chg_5d: v / v5 - 1,
        spy_ret_1d: (spy[si] as Bar).close / (spy[si - 1] as Bar).close - 1,
        spy_ret_5d: (spy[si] as Bar).close / (spy[si - 5] as Bar).close - 1,
      };
      const ahead = bars[i + HORIZON];
      samples.push({
        id: `${date}:${symbol}`,
        date,
        dayIndex,
        symbol,
        regime: regimes.get(date) ?? 'normal',
        features,
        x: FEATURES.map((f) => features[f]),
        label: ahead ? (ahead.close > b.close ? 1 : 0) : null,
      });
    });
  }
  samples.sort((a, b) => a.dayIndex - b.dayIndex || (a.symbol < b.symbol ? -1 : 1));
  return { days, samples };
}
