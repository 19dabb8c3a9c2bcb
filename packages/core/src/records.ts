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

/**
 * Field names Vigil used to accept, or that other tools use, for the fields of its one
 * vocabulary (observe's: `id`, `modelVersion`, `predictedLabel`, `actualLabel`, `confidence`,
 * `symbol`, `timestamp`). Input carrying one of them is refused naming the field and its name now
 * (see `renamedFieldIssues`); nothing is aliased silently.
 */
export const RENAMED_FIELDS: Readonly<Record<string, string>> = {
  predicted: 'predictedLabel',
  predicted_label: 'predictedLabel',
  prediction: 'predictedLabel',
  actual: 'actualLabel',
  actual_label: 'actualLabel',
  true_label: 'actualLabel',
  trueLabel: 'actualLabel',
  label: 'actualLabel',
  model: 'modelVersion',
  model_version: 'modelVersion',
  prediction_id: 'id',
  predictionId: 'id',
  date: 'timestamp',
};

/**
 * An issue for each old name of `fields` the object carries (`validation.predictions[3].predicted:
 * was renamed to 'predictedLabel'`). Cheap enough for a failure path: call it when a field of the
 * vocabulary is missing or invalid, so the caller learns the new name instead of "got undefined".
 */
export function renamedFieldIssues(at: string, o: object, fields: readonly string[]): Issue[] {
  const out: Issue[] = [];
  for (const [old, now] of Object.entries(RENAMED_FIELDS)) {
    if (old in o && fields.includes(now) && !fields.includes(old))
      out.push({
        path: `${at}.${old}`,
        message: `is not a field: it was renamed to '${now}' (one vocabulary across observe, resolve, gate validation and replay: id, modelVersion, predictedLabel, actualLabel, confidence, symbol, timestamp)`,
        value: (o as Record<string, unknown>)[old],
      });
  }
  return out;
}

const MAX_ID = 200;
const MAX_TEXT = 100;

/**
 * ISO 8601 as Vigil accepts it: `YYYY-MM-DD`, optionally `THH:MM[:SS[.fraction]]` and an offset
 * (`Z`, `+HH:MM`, `+HHMM`); a date-time without an offset is read as UTC, so the stored instant
 * never depends on the machine's time zone.
 */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** What `parseIsoDate` refuses, for error messages. */
export const ISO_DATE_RULE =
  'an ISO-8601 date (YYYY-MM-DD, optionally THH:MM[:SS[.sss]] and Z or +HH:MM) naming a real day in years 0001-9999';

function daysIn(year: number, month: number): number {
  const last = new Date(0);
  last.setUTCFullYear(year, month, 0); // day 0 of the next month (setUTCFullYear, unlike Date.UTC, keeps years below 100)
  return last.getUTCDate();
}

/** A Date (or its ISO text) whose UTC year is 0001-9999, so ISO text sorts as the instants do. */
function inRange(ms: number): string | undefined {
  if (Number.isNaN(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  return /^\d{4}-/.test(iso) && !iso.startsWith('0000') ? iso : undefined;
}

/**
 * Strict ISO 8601 to canonical UTC text (`Date#toISOString`), or undefined: no rolled-over days
 * (2024-02-30 is refused, not read as March 1), no hour 24 or second 60, no free-form text, and
 * years 0001-9999 before and after the offset is applied.
 */
export function parseIsoDate(v: unknown): string | undefined {
  if (v instanceof Date) return inRange(v.getTime());
  if (typeof v !== 'string' || v.length > 40) return undefined;
  const m = ISO_8601.exec(v);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  let offsetMin = 0;
  if (zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone) as RegExpExecArray;
    if (Number(z[2]) > 23 || Number(z[3]) > 59) return undefined;
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  }
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  at.setUTCHours(Number(h), Number(mi), Number(s), Math.floor(Number(`0.${frac || '0'}`) * 1000));
  return inRange(at.getTime() - offsetMin * 60_000);
}

/** NUL (PostgreSQL text cannot hold it) or an unpaired UTF-16 surrogate (UTF-8 encoding would silently replace it). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this refuses
export const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A text field that will be stored: a non-empty string of at most `max` characters that the database can hold verbatim. */
export function checkText(issues: Issue[], path: string, v: unknown, max: number): void {
  if (typeof v !== 'string' || v.trim().length === 0)
    issues.push({ path, message: `must be a non-empty string, got ${describeValue(v)}`, value: v });
  else if (v.length > max)
    issues.push({ path, message: `must be at most ${max} characters, got ${v.length}`, value: v });
  else if (UNSTORABLE_TEXT.test(v))
    issues.push({
      path,
      message: `must not contain NUL characters or unpaired surrogates, got ${describeValue(v)}`,
      value: v,
    });
}

function checkLabel(issues: Issue[], path: string, v: unknown, rules: RecordRules): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || !rules.labels.includes(v)) {
    issues.push({
      path,
      message: `must be one of the configured labels [${rules.labels.join(', ')}], got ${describeValue(v)}`,
      value: v,
    });
  }
}

/** True when `checkText` would accept `v` (the common case, checked without building a path). */
function isGoodText(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length <= max && v.trim().length > 0 && !UNSTORABLE_TEXT.test(v);
}

/**
 * What one batch has already checked: the short text fields (symbol, regime, model) and the
 * timestamps of a batch repeat across its records, so each distinct value is checked once. Lives
 * for one batch only; the checks are pure functions of the value and the rules.
 */
export interface CheckMemo {
  readonly goodText: Set<string>;
  readonly isoDates: Map<string, string | undefined>;
}

export const newCheckMemo = (): CheckMemo => ({ goodText: new Set(), isoDates: new Map() });

/** Checks one prediction; pushes every problem with its path. */
export function checkPrediction(
  issues: Issue[],
  at: string,
  r: unknown,
  rules: RecordRules,
  memo: CheckMemo = newCheckMemo(),
): PredictionRecord | undefined {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) {
    issues.push({ path: at, message: `must be an object, got ${describeValue(r)}`, value: r });
    return undefined;
  }
  const o = r as Record<string, unknown>;
  const before = issues.length;
  // paths are built only for a value that fails
  const text = (name: string, v: unknown, max: number): void => {
    if (typeof v === 'string' && memo.goodText.has(v)) return;
    if (isGoodText(v, max)) {
      if (max === MAX_TEXT) memo.goodText.add(v);
    } else checkText(issues, `${at}.${name}`, v, max);
  };
  if (!isGoodText(o.id, MAX_ID)) checkText(issues, `${at}.id`, o.id, MAX_ID);
  let timestamp: string | undefined;
  if (typeof o.timestamp === 'string') {
    timestamp = memo.isoDates.get(o.timestamp);
    if (timestamp === undefined && !memo.isoDates.has(o.timestamp)) {
      timestamp = parseIsoDate(o.timestamp);
      memo.isoDates.set(o.timestamp, timestamp);
    }
  } else timestamp = parseIsoDate(o.timestamp);
  if (timestamp === undefined)
    issues.push({
      path: `${at}.timestamp`,
      message: `must be ${ISO_DATE_RULE}, got ${describeValue(o.timestamp)}`,
      value: o.timestamp,
    });
  text('symbol', o.symbol, MAX_TEXT);
  text('regime', o.regime, MAX_TEXT);
  if (typeof o.regime === 'string' && rules.regimes && !rules.regimes.includes(o.regime)) {
    issues.push({
      path: `${at}.regime`,
      message: `must be one of the configured regimes [${rules.regimes.join(', ')}], got ${describeValue(o.regime)}`,
      value: o.regime,
    });
  }
  text('modelVersion', o.modelVersion, MAX_TEXT);
  const label = o.predictedLabel;
  if (!(typeof label === 'number' && rules.labels.includes(label) && Number.isInteger(label)))
    checkLabel(issues, `${at}.predictedLabel`, label, rules);
  const c = o.confidence;
  if (typeof c !== 'number' || !(c >= 0 && c <= 1))
    issues.push({ path: `${at}.confidence`, message: `must be a number in [0, 1], got ${describeValue(c)}`, value: c });
  const f = o.features;
  if (typeof f !== 'object' || f === null || Array.isArray(f)) {
    issues.push({
      path: `${at}.features`,
      message: `must be an object of named numbers, got ${describeValue(f)}`,
      value: f,
    });
  } else {
    const names = Object.keys(f);
    if (names.length > 10_000)
      issues.push({
        path: `${at}.features`,
        message: `has ${names.length} features; at most 10000`,
        value: names.length,
      });
    else
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        const v = (f as Record<string, unknown>)[name];
        if (typeof v !== 'number' || !Number.isFinite(v))
          issues.push({
            path: `${at}.features.${name}`,
            message: `must be a finite number, got ${describeValue(v)}`,
            value: v,
          });
      }
  }
  if (issues.length > before) {
    issues.push(...renamedFieldIssues(at, o, ['id', 'timestamp', 'modelVersion', 'predictedLabel']));
    return undefined;
  }
  return { ...(o as unknown as PredictionRecord), timestamp: timestamp as string };
}

/**
 * Checks a batch one record at a time, so a caller holding a large batch can yield to the event
 * loop between slices; `done()` throws one `VIGIL_INVALID_INPUT` error listing every problem
 * (ids repeated within the batch included), or returns the normalized records.
 */
export interface BatchValidator<T> {
  add(item: unknown, index: number): void;
  done(): T[];
}

export function predictionValidator(rules: RecordRules): BatchValidator<PredictionRecord> {
  const issues: Issue[] = [];
  const out: PredictionRecord[] = [];
  const seen = new Map<string, number>();
  const memo = newCheckMemo();
  return {
    add(r, i) {
      const rec = checkPrediction(issues, `records[${i}]`, r, rules, memo);
      if (!rec) return;
      const prev = seen.get(rec.id);
      if (prev !== undefined)
        issues.push({
          path: `records[${i}].id`,
          message: `duplicates records[${prev}].id ${describeValue(rec.id)} in the same batch`,
          value: rec.id,
        });
      seen.set(rec.id, i);
      out.push(rec);
    },
    done() {
      throwIfIssues('predictions', issues);
      return out;
    },
  };
}

/** Validates a batch; throws one `VIGIL_INVALID_INPUT` error listing every problem. */
export function validatePredictions(input: unknown, rules: RecordRules): PredictionRecord[] {
  const v = predictionValidator(rules);
  (Array.isArray(input) ? input : [input]).forEach((r, i) => {
    v.add(r, i);
  });
  return v.done();
}

export interface NormalizedOutcome {
  readonly id: string;
  readonly actualLabel: number;
  readonly resolvedAt: string | undefined;
}

/** Outcomes one at a time (see `BatchValidator`); duplicates with the same label collapse, with a different label are an error. */
export function outcomeValidator(rules: RecordRules): BatchValidator<NormalizedOutcome> {
  const issues: Issue[] = [];
  const byId = new Map<string, { o: NormalizedOutcome; i: number }>();
  return {
    add(r, i) {
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
        resolvedAt = parseIsoDate(o.resolvedAt);
        if (resolvedAt === undefined)
          issues.push({
            path: `${at}.resolvedAt`,
            message: `must be ${ISO_DATE_RULE}, got ${describeValue(o.resolvedAt)}`,
            value: o.resolvedAt,
          });
      }
      if (issues.length > before) {
        issues.push(...renamedFieldIssues(at, o, ['id', 'actualLabel']));
        return;
      }
      const out = { id: o.id as string, actualLabel: o.actualLabel as number, resolvedAt };
      const prev = byId.get(out.id);
      if (prev && prev.o.actualLabel !== out.actualLabel) {
        issues.push({
          path: `${at}.actualLabel`,
          message: `conflicts with outcomes[${prev.i}] for the same id (${prev.o.actualLabel} vs ${out.actualLabel})`,
          value: out.actualLabel,
        });
      } else if (!prev) byId.set(out.id, { o: out, i });
    },
    done() {
      throwIfIssues('outcomes', issues);
      return [...byId.values()].map((v) => v.o);
    },
  };
}

/** Validates outcomes; duplicates with the same label collapse, with a different label are an error. */
export function validateOutcomes(input: unknown, rules: RecordRules): NormalizedOutcome[] {
  const v = outcomeValidator(rules);
  (Array.isArray(input) ? input : [input]).forEach((r, i) => {
    v.add(r, i);
  });
  return v.done();
}
