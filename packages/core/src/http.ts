import { VigilError } from './errors.js';

/** A request's query string as fastify hands it to a route. */
export type QueryString = Record<string, string | undefined>;

/** A bounded integer query parameter, refused with a 400 (`VIGIL_INVALID_INPUT`) that names it. */
export function intParam(q: QueryString, name: string, def: number, min: number, max: number): number {
  const raw = q[name];
  if (raw === undefined || raw === '') return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      `querystring.${name}: must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`,
      {
        issues: [{ path: `querystring.${name}`, message: `must be an integer in [${min}, ${max}]`, value: raw }],
      },
    );
  }
  return v;
}

/** A JSON-schema UTC day (`YYYY-MM-DD`), for `from`/`to` query parameters. */
export const daySchema = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'a UTC day, YYYY-MM-DD',
} as const;

/** A query parameter that must be a real calendar day (2023-02-30 is refused), naming it in the 400. */
export function dayParam(q: QueryString, name: string): string | undefined {
  const v = q[name];
  const t = v === undefined ? Number.NaN : Date.parse(`${v}T00:00:00Z`);
  if (v !== undefined && (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v))
    throw new VigilError('VIGIL_INVALID_INPUT', `querystring.${name}: not a calendar day, got ${JSON.stringify(v)}`, {
      issues: [{ path: `querystring.${name}`, message: 'must be a calendar day (YYYY-MM-DD)', value: v }],
    });
  return v;
}

/** `from`/`to` query parameters: calendar days (`dayParam`), `from` not after `to`. */
export function dayRange(q: QueryString): { from?: string; to?: string } {
  const from = dayParam(q, 'from');
  const to = dayParam(q, 'to');
  if (from !== undefined && to !== undefined && from > to)
    throw new VigilError('VIGIL_INVALID_INPUT', `querystring.from: ${from} is after querystring.to ${to}`, {
      issues: [{ path: 'querystring.from', message: 'must not be after querystring.to', value: from }],
    });
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/**
 * A JSON-schema string without NUL characters: PostgreSQL text cannot hold U+0000 (SQLite can),
 * so it is refused at the door, naming the field, the same on both databases.
 */
export const textSchema = (maxLength: number, minLength = 1) =>
  ({ type: 'string', minLength, maxLength, pattern: '^[^\\u0000]*$' }) as const;

/** The same, also requiring a character other than white space (an actor, a reason). */
export const wordsSchema = (maxLength: number) =>
  ({ type: 'string', minLength: 1, maxLength, pattern: '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$' }) as const;

/** A Wilson interval as the API shows it: `[low, high]`, or null without data. */
export const ciOf = (i: { lower: number; upper: number } | undefined, total: number): [number, number] | null =>
  i && total > 0 ? [i.lower, i.upper] : null;

/** An absolute POSIX or Windows path inside a message (not a URL's path: no scheme or host before it). */
const ABSOLUTE_PATH = /(?<![\w.:/\\-])(?:\/|[A-Za-z]:\\)[^\s"'`,;()]*[^\s"'`,;().:]/g;

/**
 * A message as the API sends it: every absolute path cut to its last segment (`…/m5.json`), so
 * errors, authenticated ones included, never publish the server's directory layout.
 */
export function withoutAbsolutePaths(message: string): string {
  return message.replace(ABSOLUTE_PATH, (p) => `…/${p.split(/[\\/]/).filter(Boolean).pop() ?? ''}`);
}
