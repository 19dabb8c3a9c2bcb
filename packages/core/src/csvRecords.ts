import { parse } from 'csv-parse/sync';
import { VigilError } from './errors.js';

/** Columns that are record or outcome fields; every other column is a feature. */
export const RECORD_COLUMNS: ReadonlySet<string> = new Set([
  'id',
  'timestamp',
  'symbol',
  'regime',
  'predictedLabel',
  'confidence',
  'modelVersion',
  'actualLabel',
  'resolvedAt',
]);
const NUMERIC = new Set(['predictedLabel', 'confidence', 'actualLabel']);

/**
 * One CSV row to a prediction record or an outcome: fixed columns by name (numbers where the
 * record has numbers; an empty cell leaves the field out), every other column a feature (an
 * empty or non-numeric feature cell becomes NaN, which record validation refuses, naming it).
 * The one implementation the CLI (`vigil observe --format csv`) and the API (`text/csv`) share.
 */
export function csvRow(header: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const features: Record<string, number> = {};
  header.forEach((h, i) => {
    const v = cells[i] ?? '';
    if (RECORD_COLUMNS.has(h)) {
      if (v !== '') out[h] = NUMERIC.has(h) ? Number(v) : v;
    } else features[h] = v === '' ? Number.NaN : Number(v);
  });
  if (header.some((h) => !RECORD_COLUMNS.has(h))) out.features = features;
  return out;
}

/** The cells of one CSV line (RFC 4180 quoting); throws on malformed quoting. */
export function csvCells(line: string): string[] {
  return (parse(line) as string[][])[0] ?? [];
}

/**
 * A whole CSV document (header line first) to records, for a `text/csv` request body. A
 * malformed document is a `VigilError` naming the line; blank lines are skipped.
 */
export function csvDocument(text: string): Record<string, unknown>[] {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, relax_column_count: false, bom: true }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      `body: not valid CSV${line ? ` at line ${line}` : ''}: ${(e as Error).message}`,
      { issues: [{ path: 'body', message: `not valid CSV${line ? ` at line ${line}` : ''}`, value: null }] },
    );
  }
  const [header, ...data] = rows;
  if (!header || header.length === 0)
    throw new VigilError('VIGIL_INVALID_INPUT', 'body: empty CSV (a header line naming the columns comes first)', {
      issues: [{ path: 'body', message: 'empty CSV', value: null }],
    });
  const names = header.map((c) => c.trim());
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined)
    throw new VigilError('VIGIL_INVALID_INPUT', `body: CSV header names column '${dup}' twice`, {
      issues: [{ path: 'body', message: `column '${dup}' twice`, value: dup }],
    });
  return data.map((cells) => csvRow(names, cells));
}

/**
 * A CSV document (header line first; names trimmed; blank lines skipped) as one object per row
 * with its 1-based line, for callers that give column names their own meaning. Malformed CSV
 * throws csv-parse's error, whose `lines` names the line.
 */
export function csvObjects(text: string): { readonly line: number; readonly record: Record<string, string> }[] {
  const parsed = parse(text, {
    columns: (h: string[]) => h.map((c) => c.trim()),
    skip_empty_lines: true,
    info: true,
    bom: true,
  }) as { record: Record<string, string>; info: { lines: number } }[];
  return parsed.map(({ record, info }) => ({ line: info.lines, record }));
}
