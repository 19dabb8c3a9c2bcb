import { expect } from 'vitest';

export interface Family {
  help: string;
  type: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/**
 * A strict parser of the Prometheus text format 0.0.4: every line is a HELP, a TYPE or a sample
 * of the family declared just above it; label values are quoted with \\, \" and \n escapes;
 * anything else fails the test.
 */
export function parseExposition(text: string): Map<string, Family> {
  const fams = new Map<string, Family>();
  let current: string | undefined;
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line);
    if (m) {
      current = m[1]!;
      expect(fams.has(current), `family ${current} declared twice`).toBe(false);
      fams.set(current, { help: m[2]!, type: '', samples: [] });
      continue;
    }
    m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (m) {
      expect(m[1]).toBe(current);
      fams.get(current!)!.type = m[2]!;
      continue;
    }
    m = new RegExp(`^(${NAME})(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*",?)*)\\})? (\\S+)$`).exec(
      line,
    );
    expect(m, `not a valid exposition line: ${line}`).not.toBeNull();
    const [, name, labelText, raw] = m!;
    const fam = fams.get(current!)!;
    expect(
      name === current || (fam.type !== 'counter' && fam.type !== 'gauge' && name!.startsWith(current!)),
      `sample ${name} outside its family ${current}`,
    ).toBe(true);
    const labels: Record<string, string> = {};
    for (const l of (labelText ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    // values parse as Go's strconv.ParseFloat does in Prometheus (NaN and Inf in any case; prom-client writes 'Nan')
    const special: Record<string, number> = {
      nan: Number.NaN,
      '+inf': Number.POSITIVE_INFINITY,
      inf: Number.POSITIVE_INFINITY,
      '-inf': Number.NEGATIVE_INFINITY,
    };
    const value = raw!.toLowerCase() in special ? special[raw!.toLowerCase()]! : Number(raw);
    expect(Number.isNaN(value) && raw!.toLowerCase() !== 'nan', `bad value in ${line}`).toBe(false);
    fam.samples.push({ name: name!, labels, value });
  }
  return fams;
}

export const value = (f: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined =>
  f
    .get(name)
    ?.samples.find(
      (s) =>
        Object.entries(labels).every(([k, v]) => s.labels[k] === v) &&
        Object.keys(s.labels).length === Object.keys(labels).length,
    )?.value;
