import { parse } from 'csv-parse/sync';
import { type Issue, VigilError, describeValue } from '@vigil/core';
import { canonicalSymbol } from './symbols.js';

/** One row of a sector table (the shipped GICS table or a user's CSV of the same format). */
export interface SectorRow {
  /** Canonical form (see `canonicalSymbol`). */
  readonly symbol: string;
  readonly sector: string;
  readonly name?: string;
  readonly subIndustry?: string;
}

/**
 * Parses a `symbol,name,sector,sub_industry` CSV (only `symbol` and `sector` are required) and
 * checks every row: non-empty symbol, a sector from `allowedSectors`, no symbol listed twice.
 * Every problem is collected and thrown once, naming the source, line and value.
 */
export function parseSectorCsv(text: string, source: string, allowedSectors: ReadonlySet<string>): SectorRow[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (cause) {
    throw new VigilError('VIGIL_CONFIG_INVALID', `${source} is not a readable CSV: ${(cause as Error).message}`, {
      cause,
    });
  }
  const issues: Issue[] = [];
  const first = records[0];
  if (first && (!('symbol' in first) || !('sector' in first))) {
    throw new VigilError(
      'VIGIL_CONFIG_INVALID',
      `${source}: the header must name the columns 'symbol' and 'sector' (got ${Object.keys(first).join(', ')})`,
    );
  }
  const rows: SectorRow[] = [];
  const seen = new Map<string, number>();
  records.forEach((r, i) => {
    const at = `${source}:${i + 2}`;
    const symbol = canonicalSymbol(r.symbol ?? '');
    const sector = r.sector ?? '';
    if (symbol.length === 0)
      issues.push({
        path: `${at}.symbol`,
        message: `must be non-empty, got ${describeValue(r.symbol)}`,
        value: r.symbol,
      });
    if (!allowedSectors.has(sector)) {
      issues.push({
        path: `${at}.sector`,
        message: `must be one of [${[...allowedSectors].join(', ')}], got ${describeValue(sector)}`,
        value: sector,
      });
    }
    const prev = seen.get(symbol);
    if (symbol.length > 0 && prev !== undefined)
      issues.push({
        path: `${at}.symbol`,
        message: `${describeValue(symbol)} is listed again (first on line ${prev})`,
        value: symbol,
      });
    seen.set(symbol, i + 2);
    rows.push({
      symbol,
      sector,
      ...(r.name ? { name: r.name } : {}),
      ...(r.sub_industry ? { subIndustry: r.sub_industry } : {}),
    });
  });
  if (issues.length) {
    const shown = issues.slice(0, 20).map((i) => `  ${i.path}: ${i.message}`);
    if (issues.length > 20) shown.push(`  ... and ${issues.length - 20} more`);
    throw new VigilError('VIGIL_CONFIG_INVALID', `invalid sector table ${source}:\n${shown.join('\n')}`, { issues });
  }
  return rows;
}
