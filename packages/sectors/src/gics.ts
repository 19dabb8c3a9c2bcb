import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type SectorRow, parseSectorCsv } from './sectorCsv.js';
import { canonicalSymbol } from './symbols.js';

/** The 11 official GICS sectors, spelled exactly as the shipped table spells them. */
export const GICS_SECTORS = [
  'Communication Services',
  'Consumer Discretionary',
  'Consumer Staples',
  'Energy',
  'Financials',
  'Health Care',
  'Industrials',
  'Information Technology',
  'Materials',
  'Real Estate',
  'Utilities',
] as const;

export type GicsSector = (typeof GICS_SECTORS)[number];

/** Where symbols that no table maps are tracked under the 'track' policy. */
export const UNKNOWN_SECTOR = 'Unknown';

/** The shipped table (S&P 500 constituents; see data/README.txt for source and licence). */
export const GICS_TABLE_PATH = fileURLToPath(new URL('../data/gics-sectors.csv', import.meta.url));

let table: ReadonlyMap<string, SectorRow> | undefined;

/** The shipped GICS table by canonical symbol, parsed and checked on first use. */
export function gicsTable(): ReadonlyMap<string, SectorRow> {
  if (!table) {
    const rows = parseSectorCsv(readFileSync(GICS_TABLE_PATH, 'utf8'), GICS_TABLE_PATH, new Set<string>(GICS_SECTORS));
    table = new Map(rows.map((r) => [r.symbol, r]));
  }
  return table;
}

/** The GICS sector of an S&P 500 symbol (`brk-b`, `BRK.B` alike), or undefined if the table has none. */
export function sectorOf(symbol: string): GicsSector | undefined {
  return gicsTable().get(canonicalSymbol(symbol))?.sector as GicsSector | undefined;
}
