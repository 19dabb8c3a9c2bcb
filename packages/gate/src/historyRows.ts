import {
  ISO_DATE_RULE,
  type Issue,
  UNSTORABLE_TEXT,
  VigilError,
  checkText,
  describeValue,
  isVigilError,
  parseIsoDate,
} from '@vigil/core';
import type { HistoryRow } from './historyChain.js';

/**
 * The spec's figure columns of model_promotion_history and the criterion id whose value fills
 * each (ids only: the gate imports no other plugin; a column stays null when its criterion is absent).
 */
export const FIGURES = {
  overall_accuracy: 'gate.overall_accuracy',
  crash_accuracy: 'sectors.crash_accuracy',
  min_sector_accuracy: 'sectors.min_sector_accuracy',
  drift_score: 'drift.drift_score',
  replay_improvement: 'replay.replay_improvement',
} as const;

export const MAX_TEXT = 10_000;

/** A free-text argument (actor, notes, reason): a non-empty string of bounded length. */
export function checkOptionalText(issues: Issue[], path: string, v: unknown, required = false): void {
  if (v === undefined && !required) return;
  if (typeof v !== 'string' || v.trim().length === 0)
    issues.push({ path, message: `must be a non-empty string, got ${describeValue(v)}`, value: v });
  else if (v.length > MAX_TEXT)
    issues.push({ path, message: `must be at most ${MAX_TEXT} characters, got ${v.length}`, value: v.length });
  else if (UNSTORABLE_TEXT.test(v))
    issues.push({
      path,
      message: `must not contain NUL characters or unpaired surrogates, got ${describeValue(v)}`,
      value: v,
    });
}

/**
 * Text a refused attempt is logged with, as given (it was refused, so it may hold anything):
 * NUL, which PostgreSQL cannot store, and unpaired surrogates, which UTF-8 cannot, are escaped
 * so the refusal row is still written.
 */
export const storableText = (s: string): string =>
  s.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this escapes
    /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/** A refusal as it is kept in `criteria_json`. */
export const errorJson = (e: unknown): Record<string, unknown> =>
  isVigilError(e)
    ? { code: e.code, message: e.message, issues: e.issues.map(({ path, message }) => ({ path, message })) }
    : { message: (e as Error)?.message ?? String(e) };

type DecisionFigures = Pick<
  HistoryRow,
  | 'approved'
  | 'overall_accuracy'
  | 'crash_accuracy'
  | 'min_sector_accuracy'
  | 'drift_score'
  | 'replay_improvement'
  | 'checks_passed'
  | 'checks_failed'
>;

/**
 * The figures a promote/override/rollback row repeats from the validation that allowed it, so
 * each row reads on its own. `approved` is 1 only for an approved validation: an override row
 * stays 0 next to the checks it overrode.
 */
export function figuresOf(decision: HistoryRow | undefined): DecisionFigures {
  return {
    approved: decision?.action === 'validate' ? decision.approved : 0,
    overall_accuracy: decision?.overall_accuracy ?? null,
    crash_accuracy: decision?.crash_accuracy ?? null,
    min_sector_accuracy: decision?.min_sector_accuracy ?? null,
    drift_score: decision?.drift_score ?? null,
    replay_improvement: decision?.replay_improvement ?? null,
    checks_passed: decision?.checks_passed ?? '[]',
    checks_failed: decision?.checks_failed ?? '[]',
  };
}

/**
 * JSON for `criteria_json`: a criterion's `details` may hold what JSON cannot (a BigInt, a
 * cycle); rather than lose the attempt's row, such details are replaced by a note saying so.
 */
export function criteriaJson(value: { results: readonly { details?: unknown }[] } & Record<string, unknown>): string {
  try {
    return JSON.stringify(value);
  } catch {
    const results = value.results.map((r) => {
      try {
        JSON.stringify(r.details);
        return r;
      } catch (e) {
        return { ...r, details: { unserializable: `details could not be stored as JSON: ${(e as Error).message}` } };
      }
    });
    return JSON.stringify({ ...value, results });
  }
}

/**
 * The data time (as-of) an attempt speaks for, as canonical ISO text: the caller's `asOf`
 * (checked; a bad one is an issue), else `fallback`. Kept in criteria_json beside the
 * wall-clock `validation_timestamp`, so a replayed history shows which trading day each
 * decision was made on.
 */
export function checkAsOf(issues: Issue[], v: unknown, fallback: string | null = null): string | null {
  if (v === undefined || v === null) return fallback;
  const iso = parseIsoDate(v);
  if (iso === undefined)
    issues.push({ path: 'asOf', message: `must be ${ISO_DATE_RULE}, got ${describeValue(v)}`, value: v });
  return iso ?? null;
}

/** The newest `timestamp` among validation predictions that carry one (as-of default of a validation). */
export function newestTimestamp(predictions: readonly unknown[] | undefined): string | null {
  let best: string | null = null;
  for (const p of predictions ?? []) {
    const iso = parseIsoDate((p as { timestamp?: unknown } | null)?.timestamp);
    if (iso !== undefined && (best === null || iso > best)) best = iso;
  }
  return best;
}

/** The as-of a history row recorded, if any. */
export function asOfOf(row: { criteria_json: string | null } | undefined): string | null {
  try {
    const v = (JSON.parse(row?.criteria_json ?? 'null') as { asOf?: unknown } | null)?.asOf;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** A `modelVersion` is as long as observe allows it (100 characters). */
export const MAX_MODEL_VERSION = 100;

/** A `modelVersion` argument: absent, or text observe would accept as a prediction's `modelVersion`. */
export function checkModelVersion(issues: Issue[], v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const before = issues.length;
  checkText(issues, 'modelVersion', v, MAX_MODEL_VERSION);
  return issues.length === before ? (v as string) : undefined;
}

/**
 * The `modelVersion` a promotion or override records: the caller's, else the one its decision
 * (the validation or override it acts on) named. Neither is a `VIGIL_INVALID_INPUT` naming the
 * field (what is live must be the version its predictions carry); both and different, too.
 */
export function versionFor(given: string | undefined, decision: HistoryRow, action: string): string {
  const named = decision.model_version;
  if (given !== undefined && named !== null && given !== named)
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      `modelVersion: ${JSON.stringify(given)} differs from ${JSON.stringify(named)}, which history row ${decision.id} (the ${decision.action} this ${action} acts on) named for the same bytes; nothing was copied`,
      {
        issues: [
          { path: 'modelVersion', message: `history row ${decision.id} named ${JSON.stringify(named)}`, value: given },
        ],
      },
    );
  const v = given ?? named;
  if (v === null)
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      `modelVersion: required: name the modelVersion this model's predictions carry (its ${decision.action}, history row ${decision.id}, named none), so drift and the dashboard know which model is live; nothing was copied`,
      { issues: [{ path: 'modelVersion', message: 'required (the decision named none)', value: undefined }] },
    );
  return v;
}

/** A refused attempt's `modelVersion`, as given when it is text (escaped, cut to length), else null. */
export const refusedVersion = (v: unknown): string | null =>
  typeof v === 'string' && v.length > 0 ? storableText(v.slice(0, MAX_MODEL_VERSION)) : null;
