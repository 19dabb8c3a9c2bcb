import { type CommandContext, type Issue, RECORD_COLUMNS, csvObjects, describeValue, throwIfIssues } from '@vigil/core';

/** One row of a feature file: its numeric features and, when given, its date, regime and prediction. */
export interface FeatureRow {
  /** Line in the file (1-based), for error messages. */
  readonly line: number;
  readonly date?: string;
  /** The row's symbol, when given (per-symbol transforms and steps of a dated baseline). */
  readonly symbol?: string;
  readonly regime?: string;
  readonly prediction?: { readonly label: number; readonly confidence: number };
  readonly features: Readonly<Record<string, number>>;
}

export interface FeatureTable {
  /** Feature names in the order of the first row. */
  readonly names: readonly string[];
  readonly rows: readonly FeatureRow[];
  /** One regime per row when every row has one; undefined when none has. */
  readonly regimes: string[] | undefined;
  /** One { label, confidence } per row when every row has a prediction; undefined when none has. */
  readonly predictions: { label: number; confidence: number }[] | undefined;
}

/**
 * Columns that are not features: the fields of a prediction record (so a file of predictions, as
 * `vigil observe` reads it, works as-is) plus `date`. Every other column is a feature.
 */
export const NON_FEATURE_COLUMNS: ReadonlySet<string> = new Set([...RECORD_COLUMNS, 'date']);

type Raw = {
  line: number;
  at: string;
  fields: Record<string, unknown>;
  features: Record<string, unknown> | undefined;
};

/** One JSON object as a row: a prediction record nests its features; a flat row has them beside the fixed fields. */
function objectRecord(v: unknown, line: number, at: string, issues: Issue[]): Raw | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    issues.push({ path: at, message: `must be a JSON object, got ${describeValue(v)}`, value: v });
    return undefined;
  }
  const o = v as Record<string, unknown>;
  const nested = typeof o.features === 'object' && o.features !== null && !Array.isArray(o.features);
  const features = nested
    ? (o.features as Record<string, unknown>)
    : Object.fromEntries(Object.entries(o).filter(([k]) => !NON_FEATURE_COLUMNS.has(k)));
  return { line, at, fields: o, features };
}

function jsonlRecords(text: string, issues: Issue[]): Raw[] {
  const out: Raw[] = [];
  text.split(/\r?\n/).forEach((t, i) => {
    if (t.trim() === '') return;
    const line = i + 1;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      issues.push({ path: `line ${line}`, message: `not JSON: ${(e as Error).message}` });
      return;
    }
    const r = objectRecord(v, line, `line ${line}`, issues);
    if (r) out.push(r);
  });
  return out;
}

function csvRecords(text: string, issues: Issue[]): Raw[] {
  let parsed: ReturnType<typeof csvObjects>;
  try {
    parsed = csvObjects(text);
  } catch (e) {
    issues.push({
      path: `line ${(e as { lines?: number }).lines ?? '?'}`,
      message: `not valid CSV: ${(e as Error).message}`,
    });
    return [];
  }
  const num = new Set(['predictedLabel', 'confidence', 'actualLabel']);
  return parsed.map(({ record, line }) => {
    const fields: Record<string, unknown> = {};
    const features: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) {
      const cell = v.trim();
      if (NON_FEATURE_COLUMNS.has(k)) {
        if (cell !== '') fields[k] = num.has(k) ? Number(cell) : cell;
      } else features[k] = cell === '' ? Number.NaN : Number(cell);
    }
    return { line, at: `line ${line}`, fields, features };
  });
}

/**
 * Parses JSON Lines or CSV rows of features. Every row must carry the same features, each a finite
 * number; `regime` and the prediction (`predictedLabel` + `confidence`) must be on every row or on
 * none. Every problem is reported with its line, and nothing is returned unless all rows are good.
 */
export function parseFeatureRows(text: string, format: 'jsonl' | 'csv', what = 'feature rows'): FeatureTable {
  const issues: Issue[] = [];
  return featureTable(format === 'csv' ? csvRecords(text, issues) : jsonlRecords(text, issues), issues, what, '(file)');
}

/** JSON rows (an API body's `rows`), checked as a file's lines are; problems are named `<path>[i]`. */
export function featureRowsOf(rows: unknown, path: string, what = 'feature rows'): FeatureTable {
  const issues: Issue[] = [];
  if (!Array.isArray(rows)) {
    issues.push({ path, message: `must be an array of row objects, got ${describeValue(rows)}`, value: rows });
    throwIfIssues(what, issues);
  }
  const raws = (rows as unknown[]).flatMap((v, i) => objectRecord(v, i + 1, `${path}[${i}]`, issues) ?? []);
  return featureTable(raws, issues, what, path);
}

function featureTable(raws: Raw[], issues: Issue[], what: string, whole: string): FeatureTable {
  if (raws.length === 0 && issues.length === 0) issues.push({ path: whole, message: 'holds no rows' });
  const first = raws[0];
  const names = first ? Object.keys(first.features ?? {}) : [];
  if (first && names.length === 0)
    issues.push({
      path: first.at,
      message: 'has no feature columns (every column other than the prediction fields and date is a feature)',
    });
  const hasRegime = first?.fields.regime !== undefined;
  const hasPrediction = first?.fields.predictedLabel !== undefined || first?.fields.confidence !== undefined;
  const rows: FeatureRow[] = [];
  for (const r of raws) {
    const at = r.at;
    const before = issues.length;
    const f = r.features ?? {};
    const features: Record<string, number> = {};
    for (const n of names) {
      const v = f[n];
      if (typeof v !== 'number' || !Number.isFinite(v))
        issues.push({
          path: `${at}: ${n}`,
          message:
            v === undefined
              ? 'is missing (every row must have the features of the first row)'
              : `must be a finite number, got ${describeValue(v)}`,
          value: v,
        });
      else features[n] = v;
    }
    for (const k of Object.keys(f))
      if (!names.includes(k))
        issues.push({
          path: `${at}: ${k}`,
          message: `is not a feature of the first row (${names.join(', ')})`,
          value: k,
        });
    const regime = r.fields.regime;
    if (hasRegime !== (regime !== undefined))
      issues.push({
        path: `${at}: regime`,
        message: hasRegime
          ? 'is missing (the first row has one, so every row needs one)'
          : 'is given but the first row has none',
        value: regime,
      });
    else if (regime !== undefined && (typeof regime !== 'string' || regime === ''))
      issues.push({
        path: `${at}: regime`,
        message: `must be a non-empty string, got ${describeValue(regime)}`,
        value: regime,
      });
    const label = r.fields.predictedLabel;
    const confidence = r.fields.confidence;
    if (hasPrediction) {
      if (typeof label !== 'number' || !Number.isFinite(label))
        issues.push({
          path: `${at}: predictedLabel`,
          message: `must be a number (the first row has a prediction), got ${describeValue(label)}`,
          value: label,
        });
      if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1))
        issues.push({
          path: `${at}: confidence`,
          message: `must be a number in [0, 1] (the first row has a prediction), got ${describeValue(confidence)}`,
          value: confidence,
        });
    } else if (label !== undefined || confidence !== undefined)
      issues.push({
        path: `${at}: predictedLabel`,
        message: 'is given but the first row has no prediction',
        value: label,
      });
    const date = r.fields.date ?? r.fields.timestamp;
    if (date !== undefined && (typeof date !== 'string' || Number.isNaN(Date.parse(date))))
      issues.push({
        path: `${at}: date`,
        message: `must be an ISO-8601 date, got ${describeValue(date)}`,
        value: date,
      });
    if (issues.length > before) continue;
    rows.push({
      line: r.line,
      features,
      ...(typeof date === 'string' ? { date } : {}),
      ...(typeof r.fields.symbol === 'string' && r.fields.symbol !== '' ? { symbol: r.fields.symbol } : {}),
      ...(hasRegime ? { regime: regime as string } : {}),
      ...(hasPrediction ? { prediction: { label: label as number, confidence: confidence as number } } : {}),
    });
  }
  throwIfIssues(what, issues);
  return {
    names,
    rows,
    regimes: hasRegime ? rows.map((r) => r.regime as string) : undefined,
    predictions: hasPrediction
      ? rows.map((r) => ({ ...(r.prediction as { label: number; confidence: number }) }))
      : undefined,
  };
}

/** Each feature as a column, in row order. */
export function featureColumns(t: Pick<FeatureTable, 'names' | 'rows'>): Record<string, Float64Array> {
  return Object.fromEntries(t.names.map((n) => [n, Float64Array.from(t.rows, (r) => r.features[n] as number)]));
}

/** Reads a feature file (or stdin for `-`/no file) and parses it. */
export async function readFeatureRows(
  file: string | undefined,
  format: 'jsonl' | 'csv',
  ctx: Pick<CommandContext, 'readInput'>,
  what?: string,
): Promise<FeatureTable> {
  const text = await ctx.readInput(file);
  return parseFeatureRows(text, format, what ?? `rows in ${file ?? 'stdin'}`);
}
