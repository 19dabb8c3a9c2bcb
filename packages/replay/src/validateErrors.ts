import {
  type Issue,
  UNKNOWN_MODEL,
  UNSTORABLE_TEXT,
  describeValue,
  renamedFieldIssues,
  throwIfIssues,
} from '@vigil/core';
import type { FeatureInput, FeatureLayout } from './FeatureLayout.js';

/**
 * One prediction offered to the buffer (the spec's `add_error` arguments), in observe's
 * vocabulary; the old names (`label`, `prediction`, `date`) are refused, naming the new ones.
 */
export interface ErrorInput {
  /** The caller's prediction id, carried into exports so a row joins back; optional for direct use. */
  readonly id?: string | undefined;
  /** The model that made the prediction: each model keeps its own N worst. Default 'unknown'. */
  readonly modelVersion?: string | undefined;
  readonly features: FeatureInput;
  /** The true label. */
  readonly actualLabel: number;
  /** The label the model predicted. */
  readonly predictedLabel: number;
  /** The model's probability for `predictedLabel`, in [0, 1]. */
  readonly confidence: number;
  readonly symbol: string;
  /** When the prediction was for: `YYYY-MM-DD`, an ISO time, or a Date (stored as an ISO time in the `date` column). */
  readonly timestamp: string | Date;
  readonly regime?: string | null;
}

/** A checked input: features as a vector, the timestamp as ISO-8601 UTC, the error score computed. */
export interface NormalizedError {
  readonly id: string | null;
  readonly modelVersion: string;
  readonly features: number[];
  readonly actualLabel: number;
  readonly predictedLabel: number;
  readonly confidence: number;
  /** The spec's `confidence * (1 if wrong else 0)`. */
  readonly score: number;
  readonly symbol: string;
  readonly timestamp: string;
  /** Whole days since 1970-01-01 UTC. */
  readonly day: number;
  readonly regime: string | null;
}

export interface ErrorRules {
  readonly labels: readonly number[];
}

const DAY_MS = 86_400_000;

function toDay(v: unknown): { timestamp: string; day: number } | undefined {
  let t: number;
  if (v instanceof Date) t = v.getTime();
  else if (typeof v === 'string' && v.length >= 10 && v.length <= 40)
    t = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  else return undefined;
  if (!Number.isFinite(t)) return undefined;
  return { timestamp: new Date(t).toISOString(), day: Math.floor(t / DAY_MS) };
}

const text = (issues: Issue[], path: string, v: unknown, optional: boolean, max = 100): void => {
  if (optional && (v === undefined || v === null)) return;
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > max) {
    issues.push({
      path,
      message: `must be a non-empty string of at most ${max} characters, got ${describeValue(v)}`,
      value: v,
    });
  } else if (UNSTORABLE_TEXT.test(v))
    issues.push({
      path,
      message: `must not contain NUL characters or unpaired surrogates, got ${describeValue(v)}`,
      value: v,
    });
};

/**
 * Checks a batch of errors against the labels and the buffer's feature layout; throws one
 * `VIGIL_INVALID_INPUT` naming every bad field, before anything is written.
 */
export function validateErrors(
  input: readonly unknown[],
  rules: ErrorRules,
  layout: FeatureLayout,
  what = 'errors',
): { errors: NormalizedError[]; layout: FeatureLayout } {
  const issues: Issue[] = [];
  const errors: NormalizedError[] = [];
  let current = layout;
  input.forEach((raw, i) => {
    const at = `${what}[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      issues.push({ path: at, message: `must be an object, got ${describeValue(raw)}`, value: raw });
      return;
    }
    const o = raw as Record<string, unknown>;
    const before = issues.length;
    issues.push(...renamedFieldIssues(at, o, ['id', 'modelVersion', 'actualLabel', 'predictedLabel', 'timestamp']));
    text(issues, `${at}.id`, o.id, true, 200);
    text(issues, `${at}.modelVersion`, o.modelVersion, true);
    for (const k of ['actualLabel', 'predictedLabel'] as const) {
      const v = o[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || !rules.labels.includes(v)) {
        issues.push({
          path: `${at}.${k}`,
          message: `must be one of the configured labels [${rules.labels.join(', ')}], got ${describeValue(v)}`,
          value: v,
        });
      }
    }
    const c = o.confidence;
    if (typeof c !== 'number' || !(c >= 0 && c <= 1))
      issues.push({
        path: `${at}.confidence`,
        message: `must be a number in [0, 1], got ${describeValue(c)}`,
        value: c,
      });
    text(issues, `${at}.symbol`, o.symbol, false);
    text(issues, `${at}.regime`, o.regime, true);
    const d = toDay(o.timestamp);
    if (!d)
      issues.push({
        path: `${at}.timestamp`,
        message: `must be a YYYY-MM-DD or ISO-8601 date, got ${describeValue(o.timestamp)}`,
        value: o.timestamp,
      });
    const vec = current.vectorize(issues, `${at}.features`, o.features);
    if (issues.length > before || !vec || !d) return;
    current = vec.layout;
    const actualLabel = o.actualLabel as number;
    const predictedLabel = o.predictedLabel as number;
    const confidence = c as number;
    errors.push({
      id: (o.id as string | undefined) ?? null,
      modelVersion: (o.modelVersion as string | undefined) ?? UNKNOWN_MODEL,
      features: [...vec.vector],
      actualLabel,
      predictedLabel,
      confidence,
      score: actualLabel === predictedLabel ? 0 : confidence,
      symbol: o.symbol as string,
      timestamp: d.timestamp,
      day: d.day,
      regime: (o.regime as string | null | undefined) ?? null,
    });
  });
  throwIfIssues(what, issues);
  return { errors, layout: current };
}
