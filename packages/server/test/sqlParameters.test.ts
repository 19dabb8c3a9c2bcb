import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;
const PACKAGES = new URL('../../', import.meta.url).pathname;
/** The queries request data reaches: each table's owner answers the routes (the server holds no SQL). */
const QUERY_FILES = ['drift/src/DriftHistory.ts', 'replay/src/bufferSql.ts', 'host/src/PredictionLogService.ts'];
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });

/** Template literals (outermost) with their `${...}` expressions, nested templates included in the expression text. */
function templates(code: string): { text: string; expressions: string[] }[] {
  const out: { text: string; expressions: string[] }[] = [];
  let i = 0;
  const skipString = (q: string): void => {
    for (i++; i < code.length && code[i] !== q; i++) if (code[i] === '\\') i++;
  };
  const readTemplate = (): { text: string; expressions: string[] } => {
    const start = i;
    const expressions: string[] = [];
    for (i++; i < code.length && code[i] !== '`'; i++) {
      if (code[i] === '\\') i++;
      else if (code[i] === '$' && code[i + 1] === '{') {
        const e0 = i + 2;
        let depth = 1;
        for (i += 2; i < code.length && depth > 0; i++) {
          if (code[i] === '{') depth++;
          else if (code[i] === '}') depth--;
          else if (code[i] === '`') readTemplate();
          else if (code[i] === "'" || code[i] === '"') skipString(code[i] as string);
          if (depth === 0) break;
        }
        expressions.push(code.slice(e0, i).trim());
      }
    }
    return { text: code.slice(start, i + 1), expressions };
  };
  for (; i < code.length; i++) {
    const c = code[i];
    if (c === '/' && code[i + 1] === '/') i = code.indexOf('\n', i);
    else if (c === '/' && code[i + 1] === '*') i = code.indexOf('*/', i) + 1;
    else if (c === "'" || c === '"') skipString(c);
    else if (c === '`') out.push(readTemplate());
    if (i < 0) break;
  }
  return out;
}

const SQL = /\b(SELECT|INSERT|UPDATE|DELETE|WHERE|ORDER BY|LIMIT)\b/;
/** What may be interpolated into SQL: placeholders, and the constant column list. */
const ALLOWED = [
  /^ph\((\d+|params\.length|params\.push\([\w.]+\))\)$/,
  /^placeholder\(dialectOf\((ds|manager\.connection)\)\)\(\d+\)$/,
  /^(quoteIdent\()?[A-Z_]+\)?$/, // a table-name constant
  /^GROUP_KEY\[by\]$/, // a constant map's entry, keyed by a union type
  /^where\.join\(' AND '\)$/, // conditions are templates of placeholders (scanned themselves)
  /^limit$/, // a template of placeholders only (scanned itself)
  /^\w+\.map\(\(_, i\) => ph\(i \+ \d\)\)\.join\(', '\)$/, // a list of placeholders
  /^list$/, // selectIn's placeholder list
  /^where\.length \? ` WHERE \$\{where\.join\(' AND '\)\}` : ''$/, // conditions are templates of placeholders (scanned themselves)
];

describe('SQL behind the API is built only from parameters', () => {
  const sqlOf = (paths: string[], root: string) =>
    paths.flatMap((f) =>
      templates(readFileSync(f, 'utf8'))
        .filter((t) => SQL.test(t.text))
        .map((t) => ({ file: f.slice(root.length), ...t })),
    );
  const sql = sqlOf(
    QUERY_FILES.map((f) => join(PACKAGES, f)),
    PACKAGES,
  );

  it('the server itself holds no SQL and names no table: each table is read through its owner', () => {
    const server = files(SRC);
    expect(server.length).toBeGreaterThan(3);
    expect(sqlOf(server, SRC)).toEqual([]);
    for (const f of server)
      expect(readFileSync(f, 'utf8'), f).not.toMatch(
        /drift_monitoring|drift_baseline|error_replay_buffer|replay_meta|sector_performance|model_promotion_history|vigil_predictions/,
      );
  });

  it('finds the SQL statements (the scan works)', () => {
    expect(new Set(sql.map((s) => s.file))).toEqual(new Set(QUERY_FILES));
    expect(sql.length).toBeGreaterThanOrEqual(8);
  });

  it('interpolates nothing but placeholders and table-name constants into any SQL template', () => {
    const bad = sql.flatMap((s) =>
      s.expressions.filter((e) => !ALLOWED.some((a) => a.test(e))).map((e) => `${s.file}: \${${e}} in ${s.text}`),
    );
    expect(bad).toEqual([]);
  });

  it('the scanner flags request data interpolated into SQL', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text for the scanner, not a template
    const bad = templates("const q = `SELECT * FROM t WHERE drift_type = '${req.query.type}'`;");
    expect(bad[0]?.expressions).toEqual(['req.query.type']);
    expect(ALLOWED.some((a) => a.test('req.query.type'))).toBe(false);
  });
});
