import { type Issue, describeValue, renamedFieldIssues } from '@vigil/core';

export interface ValidationRules {
  readonly labels: readonly number[];
  readonly regimes?: readonly string[] | undefined;
}

/** Stop collecting after this many issues: one bad column in 100,000 rows is one message, not 100,000. */
const MAX_ISSUES = 50;

const inUnit = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;

function checkFraction(issues: Issue[], path: string, v: unknown, lo = 0, hi = 1): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !(v >= lo && v <= hi))
    issues.push({ path, message: `must be a number in [${lo}, ${hi}], got ${describeValue(v)}`, value: v });
}

function checkFractionMap(issues: Issue[], path: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    issues.push({ path, message: `must be an object of name -> fraction, got ${describeValue(v)}`, value: v });
    return;
  }
  for (const [k, x] of Object.entries(v)) if (!inUnit(x)) checkFraction(issues, `${path}.${k}`, x);
}

function checkText(issues: Issue[], path: string, v: unknown): boolean {
  if (typeof v === 'string' && v.length > 0 && v.length <= 100) return true;
  issues.push({
    path,
    message: `must be a non-empty string of at most 100 characters, got ${describeValue(v)}`,
    value: v,
  });
  return false;
}

/** Row-by-row check of raw validation predictions; a tight loop, since sets run to 100,000+ rows. */
function checkPredictions(issues: Issue[], path: string, list: unknown, rules: ValidationRules): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    issues.push({ path, message: `must be an array of predictions, got ${describeValue(list)}`, value: list });
    return;
  }
  const labels: ReadonlySet<unknown> = new Set(rules.labels);
  const regimes: ReadonlySet<unknown> | undefined = rules.regimes ? new Set(rules.regimes) : undefined;
  const labelText = `[${rules.labels.join(', ')}]`;
  for (let i = 0; i < list.length && issues.length < MAX_ISSUES; i++) {
    const p = list[i] as Record<string, unknown> | null;
    if (typeof p === 'object' && p !== null && isWellFormed(p, labels, regimes)) continue;
    checkRow(issues, `${path}[${i}]`, p, labels, labelText, regimes, rules);
  }
}

const isText = (v: unknown): boolean => typeof v === 'string' && v.length > 0 && v.length <= 100;

/** The fast path: one pass of cheap tests that every good row passes. */
function isWellFormed(
  p: Record<string, unknown>,
  labels: ReadonlySet<unknown>,
  regimes: ReadonlySet<unknown> | undefined,
): boolean {
  const c = p.confidence;
  return (
    p.features === undefined &&
    isText(p.symbol) &&
    isText(p.regime) &&
    (regimes === undefined || regimes.has(p.regime)) &&
    labels.has(p.predictedLabel) &&
    labels.has(p.actualLabel) &&
    typeof c === 'number' &&
    c >= 0 &&
    c <= 1 &&
    !Array.isArray(p)
  );
}

/** The slow path: says what is wrong with a row (or checks its features). */
function checkRow(
  issues: Issue[],
  at: string,
  p: Record<string, unknown> | null,
  labels: ReadonlySet<unknown>,
  labelText: string,
  regimes: ReadonlySet<unknown> | undefined,
  rules: ValidationRules,
): void {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    issues.push({ path: at, message: `must be an object, got ${describeValue(p)}`, value: p });
    return;
  }
  issues.push(...renamedFieldIssues(at, p, ['symbol', 'predictedLabel', 'actualLabel']));
  checkText(issues, `${at}.symbol`, p.symbol);
  if (checkText(issues, `${at}.regime`, p.regime) && regimes && !regimes.has(p.regime as string)) {
    issues.push({
      path: `${at}.regime`,
      message: `must be one of the configured regimes [${rules.regimes?.join(', ')}], got ${describeValue(p.regime)}`,
      value: p.regime,
    });
  }
  for (const k of LABEL_FIELDS) {
    if (!labels.has(p[k]))
      issues.push({
        path: `${at}.${k}`,
        message: `must be one of the configured labels ${labelText}, got ${describeValue(p[k])}`,
        value: p[k],
      });
  }
  if (!inUnit(p.confidence)) checkFraction(issues, `${at}.confidence`, p.confidence);
  const f = p.features;
  if (f !== undefined) {
    if (typeof f !== 'object' || f === null || Array.isArray(f))
      issues.push({
        path: `${at}.features`,
        message: `must be an object of named numbers, got ${describeValue(f)}`,
        value: f,
      });
    else
      for (const k in f) {
        const x = (f as Record<string, unknown>)[k];
        if (typeof x !== 'number' || !Number.isFinite(x))
          issues.push({
            path: `${at}.features.${k}`,
            message: `must be a finite number, got ${describeValue(x)}`,
            value: x,
          });
      }
  }
}

const LABEL_FIELDS = ['predictedLabel', 'actualLabel'] as const;

const FIGURES = [
  'accuracy',
  'regimeAccuracy',
  'sectorAccuracy',
  'driftScore',
  'replayImprovement',
  'predictions',
] as const;

/**
 * Checks a candidate's validation results before any criterion sees them: fractions in [0, 1]
 * (replay improvement, a difference of accuracies, in [-1, 1]), predictions well-formed with
 * labels and regimes from the config. Returns every problem with its path (`validation.x`).
 */
export function checkValidation(v: unknown, rules: ValidationRules): Issue[] {
  const issues: Issue[] = [];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return [
      {
        path: 'validation',
        message: `must be an object of validation figures and/or predictions, got ${describeValue(v)}`,
        value: v,
      },
    ];
  }
  const o = v as Record<string, unknown>;
  if (!FIGURES.some((k) => o[k] !== undefined)) {
    issues.push({
      path: 'validation',
      message: `has none of ${FIGURES.join(', ')}; give the precomputed figures or the raw predictions`,
    });
  }
  checkFraction(issues, 'validation.accuracy', o.accuracy);
  checkFractionMap(issues, 'validation.regimeAccuracy', o.regimeAccuracy);
  checkFractionMap(issues, 'validation.sectorAccuracy', o.sectorAccuracy);
  checkFraction(issues, 'validation.driftScore', o.driftScore);
  checkFraction(issues, 'validation.replayImprovement', o.replayImprovement, -1, 1);
  checkPredictions(issues, 'validation.predictions', o.predictions, rules);
  checkPredictions(issues, 'validation.baselinePredictions', o.baselinePredictions, rules);
  if (
    Array.isArray(o.predictions) &&
    Array.isArray(o.baselinePredictions) &&
    o.predictions.length !== o.baselinePredictions.length
  ) {
    issues.push({
      path: 'validation.baselinePredictions',
      message: `must pair with predictions one to one: ${o.baselinePredictions.length} vs ${o.predictions.length}`,
      value: o.baselinePredictions.length,
    });
  }
  return issues;
}
