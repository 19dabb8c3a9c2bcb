import {
  type Issue,
  type RecordRules,
  type ValidationPrediction,
  checkText,
  describeValue,
  renamedFieldIssues,
  throwIfIssues,
} from '@vigil/core';

/** One prediction handed to `SectorTracker.trackPredictions` directly (the host path uses its own records). */
export interface TrackInput {
  /** The caller's prediction id, so a later outcome finds the row; optional for direct tracking. */
  readonly id?: string | undefined;
  readonly symbol: string;
  readonly regime: string;
  readonly predictedLabel: number;
  /** The outcome if already known; omit (or null) while it is pending. */
  readonly actualLabel?: number | null | undefined;
  /** In [0, 1]. */
  readonly confidence: number;
  /** When the prediction was made for; defaults to now. */
  readonly timestamp?: string | Date | undefined;
  /** The model that made it; defaults to 'unknown' (UNKNOWN_MODEL). */
  readonly modelVersion?: string | undefined;
}

export interface TrackOutcome {
  /** The id the prediction was tracked under. */
  readonly id: string;
  readonly actualLabel: number;
}

const MAX_TEXT = 200;

const text = (issues: Issue[], path: string, v: unknown): void => checkText(issues, path, v, MAX_TEXT);

function label(issues: Issue[], path: string, v: unknown, rules: RecordRules): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || !rules.labels.includes(v)) {
    issues.push({
      path,
      message: `must be one of the configured labels [${rules.labels.join(', ')}], got ${describeValue(v)}`,
      value: v,
    });
  }
}

function regime(issues: Issue[], path: string, v: unknown, rules: RecordRules): void {
  text(issues, path, v);
  if (typeof v === 'string' && rules.regimes && !rules.regimes.includes(v)) {
    issues.push({
      path,
      message: `must be one of the configured regimes [${rules.regimes.join(', ')}], got ${describeValue(v)}`,
      value: v,
    });
  }
}

function confidence(issues: Issue[], path: string, v: unknown): void {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1))
    issues.push({ path, message: `must be a number in [0, 1], got ${describeValue(v)}`, value: v });
}

function record(issues: Issue[], path: string, r: unknown): r is Record<string, unknown> {
  if (typeof r === 'object' && r !== null && !Array.isArray(r)) return true;
  issues.push({ path, message: `must be an object, got ${describeValue(r)}`, value: r });
  return false;
}

/** Checks a batch of direct track inputs; throws one VIGIL_INVALID_INPUT naming every problem. */
export function validateTrackInputs(input: readonly TrackInput[], rules: RecordRules): void {
  const issues: Issue[] = [];
  const ids = new Map<string, number>();
  input.forEach((r, i) => {
    const at = `predictions[${i}]`;
    if (!record(issues, at, r)) return;
    issues.push(...renamedFieldIssues(at, r, ['id', 'modelVersion', 'predictedLabel', 'actualLabel', 'timestamp']));
    if (r.id !== undefined) {
      text(issues, `${at}.id`, r.id);
      const prev = ids.get(r.id as string);
      if (prev !== undefined)
        issues.push({
          path: `${at}.id`,
          message: `duplicates predictions[${prev}].id in the same batch`,
          value: r.id,
        });
      ids.set(r.id as string, i);
    }
    text(issues, `${at}.symbol`, r.symbol);
    if (r.modelVersion !== undefined) text(issues, `${at}.modelVersion`, r.modelVersion);
    regime(issues, `${at}.regime`, r.regime, rules);
    label(issues, `${at}.predictedLabel`, r.predictedLabel, rules);
    if (r.actualLabel !== undefined && r.actualLabel !== null) label(issues, `${at}.actualLabel`, r.actualLabel, rules);
    confidence(issues, `${at}.confidence`, r.confidence);
    const t = r.timestamp;
    if (
      t !== undefined &&
      Number.isNaN(t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : Number.NaN)
    ) {
      issues.push({ path: `${at}.timestamp`, message: `must be an ISO-8601 date, got ${describeValue(t)}`, value: t });
    }
  });
  throwIfIssues('sector predictions', issues);
}

export function validateTrackOutcomes(input: readonly TrackOutcome[], rules: RecordRules): void {
  const issues: Issue[] = [];
  const ids = new Map<string, number>();
  input.forEach((r, i) => {
    const at = `outcomes[${i}]`;
    if (!record(issues, at, r)) return;
    issues.push(...renamedFieldIssues(at, r, ['id', 'actualLabel']));
    text(issues, `${at}.id`, r.id);
    label(issues, `${at}.actualLabel`, r.actualLabel, rules);
    const prev = ids.get(r.id as string);
    if (prev !== undefined)
      issues.push({
        path: `${at}.id`,
        message: `duplicates outcomes[${prev}].id in the same batch`,
        value: r.id,
      });
    ids.set(r.id as string, i);
  });
  throwIfIssues('sector outcomes', issues);
}

/** Checks a candidate's validation predictions (symbol, regime, `predictedLabel`, `actualLabel`, confidence). */
export function validateCandidatePredictions(input: readonly ValidationPrediction[], rules: RecordRules): void {
  const issues: Issue[] = [];
  input.forEach((r, i) => {
    const at = `validation.predictions[${i}]`;
    if (!record(issues, at, r)) return;
    issues.push(...renamedFieldIssues(at, r, ['symbol', 'predictedLabel', 'actualLabel']));
    text(issues, `${at}.symbol`, r.symbol);
    regime(issues, `${at}.regime`, r.regime, rules);
    label(issues, `${at}.predictedLabel`, r.predictedLabel, rules);
    label(issues, `${at}.actualLabel`, r.actualLabel, rules);
    confidence(issues, `${at}.confidence`, r.confidence);
  });
  throwIfIssues('validation predictions', issues);
}
