import { type Bar, STOCK_SYMBOLS, type StockSymbol, loadSpy, loadStock, loadVix } from '@vigil/market-data';
import { type Regime, marketRegimes } from './regimes.js';

/**
 * The features logged with each prediction, in a fixed order. The `pk_*` ones are Parkinson
 * (high-low range) volatility over the last 1, 5, 20 and 60 days, as the log of its ratio to
 * the symbol's own one-year median of 5-day Parkinson volatility.
 */
export const FEATURES = [
  'ret_1d',
  'ret_5d',
  'ret_20d',
  'vol_20d',
  'ma50_gap',
  'volume_z20',
  'hl_range',
  'vix',
  'vix_chg_5d',
  'spy_ret_1d',
  'spy_ret_5d',
  'pk_1d_rel',
  'pk_5d_rel',
  'pk_20d_rel',
  'pk_60d_rel',
] as const;
export type FeatureName = (typeof FEATURES)[number];

/**
 * One symbol on one trading day: features known at the close, and the label: 1 when the next
 * 5 trading days' Parkinson volatility is above the symbol's one-year median (a high-volatility
 * week ahead), else 0.
 */
export interface Sample {
  readonly id: string;
  readonly date: string;
  readonly dayIndex: number;
  readonly symbol: StockSymbol;
  readonly regime: Regime;
  readonly features: Record<FeatureName, number>;
  readonly x: number[];
  /** 1 if next week is a high-volatility week for the symbol; null for the last 5 days (unknown). */
  readonly label: 0 | 1 | null;
  /** The persistence baseline's guess: this week was a high-volatility week (pk_5d_rel > 0). */
  readonly persistence: 0 | 1;
}

export const HORIZON = 5;
/** A year of 5-day volatilities for the median, plus the 60-day window. */
const WARMUP = 260;
const YEAR = 250;

/** Parkinson's daily variance estimate from the high-low range: ln(H/L)^2 / (4 ln 2). */
const parkinson = (b: Bar): number => Math.log(b.high / b.low) ** 2 / (4 * Math.log(2));

/** Annualised Parkinson volatility over bars (from, to], from the per-day variances. */
function pkVol(pk: readonly number[], from: number, to: number): number {
  let s = 0;
  for (let k = from + 1; k <= to; k++) s += pk[k] as number;
  return Math.sqrt((s / (to - from)) * 252);
}

function median(a: number[]): number {
  a.sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? (a[m] as number) : ((a[m - 1] as number) + (a[m] as number)) / 2;
}

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
  const days = first
    .map((b) => b.date)
    .filter((d) => symbols.every((s) => series.get(s)?.some((b) => b.date === d)) && spyIdx.has(d));
  const samples: Sample[] = [];
  for (const symbol of symbols) {
    const bars = series.get(symbol) as Bar[];
    const byDate = new Map(bars.map((b, i) => [b.date, i]));
    const pk = bars.map(parkinson);
    const pk5 = bars.map((_, i) => (i >= 5 ? pkVol(pk, i - 5, i) : Number.NaN));
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
      // the symbol's typical week: median 5-day volatility over the last year (known today)
      const typical = median(pk5.slice(i - YEAR + 1, i + 1));
      const rel = (days: number) => Math.log(Math.max(pkVol(pk, i - days, i), typical / 20) / typical);
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
        pk_1d_rel: rel(1),
        pk_5d_rel: rel(5),
        pk_20d_rel: rel(20),
        pk_60d_rel: rel(60),
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
        label: ahead ? (pkVol(pk, i, i + HORIZON) > typical ? 1 : 0) : null,
        persistence: features.pk_5d_rel > 0 ? 1 : 0,
      });
    });
  }
  samples.sort((a, b) => a.dayIndex - b.dayIndex || (a.symbol < b.symbol ? -1 : 1));
  return { days, samples };
}
