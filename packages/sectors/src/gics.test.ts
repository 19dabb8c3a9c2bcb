import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { GICS_SECTORS, gicsTable, sectorOf } from './gics.js';

const shipped = fileURLToPath(new URL('../data/gics-sectors.csv', import.meta.url));
const shared = '/work/shared/data/gics/gics-sectors.csv';
// Read the CSV independently of the module under test.
const rows = parse(readFileSync(shipped), { columns: true }) as {
  symbol: string;
  name: string;
  sector: string;
  sub_industry: string;
}[];

describe('the shipped GICS table', () => {
  it('has 503 rows and every symbol maps to the sector its row gives', () => {
    expect(rows).toHaveLength(503);
    const wrong = rows.filter((r) => sectorOf(r.symbol) !== r.sector);
    expect(wrong).toEqual([]);
    expect(gicsTable().size).toBe(503);
  });

  it('uses exactly the 11 official sector names', () => {
    const official = [
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
    ];
    expect([...new Set(rows.map((r) => r.sector))].sort()).toEqual(official);
    expect([...GICS_SECTORS].sort()).toEqual(official);
  });

  it('matches case-insensitively and in both share-class forms', () => {
    for (const s of ['BRK.B', 'BRK-B', 'brk.b', ' brk-b ', 'BRK/B']) expect(sectorOf(s)).toBe('Financials');
    for (const s of ['BF.B', 'bf-b']) expect(sectorOf(s)).toBe('Consumer Staples');
    expect(sectorOf('aapl')).toBe('Information Technology');
    expect(sectorOf('NOPE')).toBeUndefined();
    expect(sectorOf('')).toBeUndefined();
  });

  it('puts GOOGL and META in Communication Services (the spec sample map is wrong)', () => {
    expect(sectorOf('GOOGL')).toBe('Communication Services');
    expect(sectorOf('GOOG')).toBe('Communication Services');
    expect(sectorOf('META')).toBe('Communication Services');
    expect(sectorOf('XOM')).toBe('Energy');
    expect(sectorOf('TSLA')).toBe('Consumer Discretionary');
  });

  it.runIf(existsSync(shared))('is byte-identical to the shared source table', () => {
    expect(readFileSync(shipped).equals(readFileSync(shared))).toBe(true);
  });
});
