import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;
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
const ALLOWED = [/^ph\((\d+|params\.length)\)$/, /^placeholder\(dialectOf\(ds\)\)\(\d+\)$/, /^columns$/];

describe('SQL in src/ is built only from parameters', () => {
  const sql = files(SRC).flatMap((f) => templates(readFileSync(f, 'utf8')).filter((t) => SQL.test(t.text)).map((t) => ({ file: f.slice(SRC.length), ...t })));

  it('finds the SQL statements (the scan works)', () => {
    expect(sql.map((s) => s.file)).toEqual(expect.arrayContaining(['routes/driftRoutes.ts', 'routes/replayRoutes.ts']));
    expect(sql.length).toBeGreaterThanOrEqual(3);
  });

  it('interpolates nothing but placeholders (and a constant column list) into any SQL template', () => {
    for (const s of sql) for (const e of s.expressions) expect(ALLOWED.some((a) => a.test(e)), `${s.file}: \${${e}} in ${s.text}`).toBe(true);
    // the column list is a string constant
    expect(readFileSync(join(SRC, 'routes/driftRoutes.ts'), 'utf8')).toMatch(/const columns = '[a-z_, ]+';/);
  });

  it('the scanner flags request data interpolated into SQL', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text for the scanner, not a template
    const bad = templates("const q = `SELECT * FROM t WHERE drift_type = '${req.query.type}'`;");
    expect(bad[0]?.expressions).toEqual(['req.query.type']);
    expect(ALLOWED.some((a) => a.test('req.query.type'))).toBe(false);
  });
});
