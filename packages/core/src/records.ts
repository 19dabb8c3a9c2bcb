import { type Issue, describeValue, throwIfIssues } from './errors.js';

/** One prediction as a trading service emits it. */
export interface PredictionRecord {
  /** Caller-chosen, unique; time-ordered ids (e.g. `2024-03-01:AAPL`) insert fastest. */
  readonly id: string;
  /** ISO-8601 time the prediction was made for. */
  readonly timestamp: string;
  readonly symbol: string;
  readonly regime: string;
  readonly features: Readonly<Record<string, number>>;
  readonly predictedLabel: number;
  /** The model's probability for `predictedLabel`, in [0, 1]. */
  readonly confidence: number;
  readonly modelVersion: string;
}

/** What callers may pass: a timestamp may be a Date. */
export type PredictionInput = Omit<PredictionRecord, 'timestamp'> & { readonly timestamp: string | Date };

/** The actual label of an earlier prediction, known days later. */
export interface Outcome {
  readonly id: string;
  readonly actualLabel: number;
  /** When the outcome became known; defaults to the host clock. */
  readonly resolvedAt?: string | Date;
}

/** A prediction joined with its outcome, as plugins receive it on resolve. */
export interface ResolvedPrediction extends PredictionRecord {
  readonly actualLabel: number;
  readonly resolvedAt: string;
  readonly correct: boolean;
}

/** The population a record is checked against (from the normalized config). */
export interface RecordRules {
  readonly labels: readonly number[];
  readonly regimes?: readonly string[] | undefined;
}

const MAX_ID = 200;
const MAX_TEXT = 100;

const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function toIso(v: unknown): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (typeof v !== 'string' || v.length === 0 || v.length > 40) return undefined;
  // Already canonical (what Date#toISOString writes): keep it, unless it names no real day.
  if (CANONICAL_ISO.test(v)) return Number.isNaN(Date.parse(v)) ? undefined : v;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** NUL (PostgreSQL text cannot hold it) or an unpaired UTF-16 surrogate (UTF-8 encoding would silently replace it). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this refuses
export const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function checkText(issues: Issue[], path: string, v: unknown, max: number): void {
  if (typeof v !== 'string' || v.trim().length === 0) issues.push({ path, message: `must be a non-empty string, got ${describeValue(v)}`, value: v });
  else if (v.length > max) issues.push({ path, message: `must be at most ${max} characters, got ${v.length}`, value: v });
  else if (UNSTORABLE_TEXT.test(v)) issues.push({ path, message: `must not contain NUL characters or unpaired surrogates, got ${describeValue(v)}`, value: v });
}

function checkLabel(issues: Issue[], path: string, v: unknown, rules: RecordRules): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || !rules.labels.includes(v)) {
    issues.push({ path, message: `must be one of the configured labels [${rules.labels.join(', ')}], got ${describeValue(v)}`, value: v });
  }
}

/** Checks one prediction; pushes every problem with its path. */
export function checkPrediction(issues: Issue[], at: string, r: unknown, rules: RecordRules): PredictionRecord | undefined {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) {
    issues.push({ path: at, message: `must be an object, got ${describeValue(r)}`, value: r });
    return undefined;
  }
  const o = r as Record<string, unknown>;
  const before = issues.length;
  checkText(issues, `${at}.id`, o.id, MAX_ID);
  const timestamp = toIso(o.timestamp);
  if (timestamp === undefined) issues.push({ path: `${at}.timestamp`, message: `must be an ISO-8601 date, got ${describeValue(o.timestamp)}`, value: o.timestamp });
  checkText(issues, `${at}.symbol`, o.symbol, MAX_TEXT);
  checkText(issues, `${at}.regime`, o.regime, MAX_TEXT);
  if (typeof o.regime === 'string' && rules.regimes && !rules.regimes.includes(o.regime)) {
    issues.push({ path: `${at}.regime`, message: `must be one of the configured regimes [${rules.regimes.join(', ')}], got ${describeValue(o.regime)}`, value: o.regime });
  }
  checkText(issues, `${at}.modelVersion`, o.modelVersion, MAX_TEXT);
  checkLabel(issues, `${at}.predictedLabel`, o.predictedLabel, rules);
  const c = o.confidence;
  if (typeof c !== 'number' || !(c >= 0 && c <= 1)) issues.push({ path: `${at}.confidence`, message: `must be a number in [0, 1], got ${describeValue(c)}`, value: c });
  const f = o.features;
  if (typeof f !== 'object' || f === null || Array.isArray(f)) {
    issues.push({ path: `${at}.features`, message: `must be an object of named numbers, got ${describeValue(f)}`, value: f });
  } else {
    const names = Object.keys(f);
    if (names.length > 10_000) issues.push({ path: `${at}.features`, message: `has ${names.length} features; at most 10000`, value: names.length });
    else for (const name of names) {
      const v = (f as Record<string, unknown>)[name];
      if (typeof v !== 'number' || !Number.isFinite(v)) issues.push({ path: `${at}.features.${name}`, message: `must be a finite number, got ${describeValue(v)}`, value: v });
    }
  }
  if (issues.length > before) return undefined;
  return { ...(o as unknown as PredictionRecord), timestamp: timestamp as string };
}

/** Validates a batch; throws one `VIGIL_INVALID_INPUT` error listing every problem. */
export function validatePredictions(input: unknown, rules: RecordRules): PredictionRecord[] {
  const list = Array.isArray(input) ? input : [input];
  const issues: Issue[] = [];
  const out: PredictionRecord[] = [];
  const seen = new Map<string, number>();
  list.forEach((r, i) => {
    const rec = checkPrediction(issues, `records[${i}]`, r, rules);
    if (!rec) return;
    const prev = seen.get(rec.id);
    if (prev !== undefined) issues.push({ path: `records[${i}].id`, message: `duplicates records[${prev}].id ${describeValue(rec.id)} in the same batch`, value: rec.id });
    seen.set(rec.id, i);
    out.push(rec);
  });
  throwIfIssues('predictions', issues);
  return out;
}

export interface NormalizedOutcome {
  readonly id: string;
  readonly actualLabel: number;
  readonly resolvedAt: string | undefined;
}

/** Validates outcomes; duplicates with the same label collapse, with a different label are an error. */
export function validateOutcomes(input: unknown, rules: RecordRules): NormalizedOutcome[] {
  const list = Array.isArray(input) ? input : [input];
  const issues: Issue[] = [];
  const byId = new Map<string, { o: NormalizedOutcome; i: number }>();
  list.forEach((r, i) => {
    const at = `outcomes[${i}]`;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      issues.push({ path: at, message: `must be an object, got ${describeValue(r)}`, value: r });
      return;
    }
    const o = r as Record<string, unknown>;
    const before = issues.length;
    checkText(issues, `${at}.id`, o.id, MAX_ID);
    checkLabel(issues, `${at}.actualLabel`, o.actualLabel, rules);
    let resolvedAt: string | undefined;
    if (o.resolvedAt !== undefined) {
      resolvedAt = toIso(o.resolvedAt);
      if (resolvedAt === undefined) issues.push({ path: `${at}.resolvedAt`, message: `must be an ISO-8601 date, got ${describeValue(o.resolvedAt)}`, value: o.resolvedAt });
    }
    if (issues.length > before) return;
    const out = { id: o.id as string, actualLabel: o.actualLabel as number, resolvedAt };
    const prev = byId.get(out.id);
    if (prev && prev.o.actualLabel !== out.actualLabel) {
      issues.push({ path: `${at}.actualLabel`, message: `conflicts with outcomes[${prev.i}] for the same id (${prev.o.actualLabel} vs ${out.actualLabel})`, value: out.actualLabel });
    } else if (!prev) byId.set(out.id, { o: out, i });
  });
  throwIfIssues('outcomes', issues);
  return [...byId.values()].map((v) => v.o);
}
