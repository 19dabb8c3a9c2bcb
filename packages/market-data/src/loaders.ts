import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from './csv.js';

/** Where the CSV files live (shipped inside this package; see data/README.md for sources and licences). */
export const dataDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');

/** One trading day. Prices are split-adjusted where the source is. */
export interface Bar {
  readonly date: string; // YYYY-MM-DD
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export const STOCK_SYMBOLS = ['AAPL', 'BAC', 'GE', 'JNJ', 'JPM', 'MSFT', 'PG', 'WMT', 'XOM'] as const;
export type StockSymbol = (typeof STOCK_SYMBOLS)[number];

const read = (file: string) => parseCsv(readFileSync(join(dataDir, file), 'utf8'));
const num = (s: string | undefined): number => (s === undefined || s === '' ? Number.NaN : Number(s));
const byDate = (a: Bar, b: Bar) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);

function bars(
  rows: Record<string, string>[],
  col: (r: Record<string, string>, k: string) => string | undefined,
): Bar[] {
  return rows
    .map((r) => ({
      date: (col(r, 'date') ?? '').slice(0, 10),
      open: num(col(r, 'open')),
      high: num(col(r, 'high')),
      low: num(col(r, 'low')),
      close: num(col(r, 'close')),
      volume: num(col(r, 'volume')),
    }))
    .filter((b) => /^\d{4}-\d{2}-\d{2}$/.test(b.date) && Number.isFinite(b.close) && b.close > 0)
    .sort(byDate);
}

const lower = (r: Record<string, string>, k: string) => r[k];
const upper = (r: Record<string, string>, k: string) => r[k.toUpperCase()];

/**
 * CBOE VIX daily. Opens before ~2007 are unreliable (use closes); rows on days the stock
 * market was closed are kept as published.
 */
export const loadVix = (): Bar[] => bars(read('vix-daily.csv'), upper).map((b) => ({ ...b, volume: 0 }));

/** SPY ETF daily, 1999-11-01 .. 2020-08-28. */
export const loadSpy = (): Bar[] => bars(read('spy_pandas_ta_1999_2020.csv'), lower);

/** S&P 500 index daily 1950-2015, oldest first (the file is newest first). Opens are 0 (missing) in 1962-1982. */
export const loadSp500 = (): Bar[] =>
  bars(read('sp500_gt_1950_2015.csv'), lower).map((b) => (b.open > 0 ? b : { ...b, open: Number.NaN }));

/** One of the nine large caps, daily 2013-02-08 .. 2018-02-07, split-adjusted. */
export function loadStock(symbol: StockSymbol): Bar[] {
  if (!STOCK_SYMBOLS.includes(symbol))
    throw new RangeError(`no data for ${JSON.stringify(symbol)}; have ${STOCK_SYMBOLS.join(', ')}`);
  return bars(read(`stocks-2013-2018/${symbol}_data.csv`), lower);
}

/** The stress episodes inside these ranges, with the day each began (first large move). */
export const STRESS_EPISODES = [
  { name: 'Sep 2008 (Lehman)', start: '2008-09-15', end: '2008-11-20' },
  { name: 'May 2010 (flash crash)', start: '2010-05-06', end: '2010-07-02' },
  { name: 'Aug 2011 (US downgrade)', start: '2011-08-01', end: '2011-10-03' },
  { name: 'Aug 2015 (China devaluation)', start: '2015-08-20', end: '2015-09-30' },
  { name: 'Feb 2018 (Volmageddon)', start: '2018-02-02', end: '2018-02-28' },
  { name: 'Q4 2018 sell-off', start: '2018-10-10', end: '2018-12-24' },
  { name: 'Feb-Mar 2020 (COVID)', start: '2020-02-24', end: '2020-04-07' },
] as const;
