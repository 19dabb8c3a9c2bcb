import { parse } from 'csv-parse/sync';

/** Parses CSV text with a header row into records keyed by header name (quoted fields honoured). */
export function parseCsv(text: string): Record<string, string>[] {
  return parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
}
