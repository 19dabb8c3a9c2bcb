import type { HistoryAction, HistoryRow } from './historyChain.js';
import type { CriterionOutcome } from './runCriteria.js';

/** What `validateModel` returns: the spec's fields, each criterion's verdict, and where it was logged. */
export interface GateReport {
  readonly approved: boolean;
  readonly recommendation: 'PROMOTE' | 'REJECT';
  /** Criterion ids that passed. */
  readonly checksPassed: readonly string[];
  /** Criterion ids that did not pass (required or optional), and required ids nobody registered. */
  readonly checksFailed: readonly string[];
  /** Each criterion's verdict by id: status, value, threshold, message, details. */
  readonly details: Readonly<Record<string, CriterionOutcome>>;
  /** The same verdicts in evaluation order. */
  readonly results: readonly CriterionOutcome[];
  /** One line per blocking problem; empty when approved. */
  readonly reasons: readonly string[];
  readonly modelPath: string;
  readonly modelSha256: string;
  /** The `modelVersion` the validation named for the candidate's predictions; null when it named none. */
  readonly modelVersion: string | null;
  readonly validatedAt: string;
  /** Data time (as-of) the validation speaks for; null when neither given nor in the predictions. */
  readonly asOf: string | null;
  /** The `model_promotion_history` row that records this attempt. */
  readonly historyId: number;
  readonly actor: string | null;
  readonly notes: string | null;
}

/** A history row as the dashboard reads it. */
export interface HistoryEntry {
  readonly id: number;
  readonly action: HistoryAction;
  readonly modelPath: string;
  readonly modelSha256: string | null;
  /** The `modelVersion` the row names; null on rows written before it was recorded (an unknown version). */
  readonly modelVersion: string | null;
  readonly validatedAt: string;
  readonly approved: boolean;
  readonly promotedToProduction: boolean;
  readonly overallAccuracy: number | null;
  readonly crashAccuracy: number | null;
  readonly minSectorAccuracy: number | null;
  readonly driftScore: number | null;
  readonly replayImprovement: number | null;
  readonly checksPassed: readonly string[];
  readonly checksFailed: readonly string[];
  readonly actor: string | null;
  readonly notes: string | null;
  /** The criteria results and other audit detail written with the row. */
  readonly criteria: Readonly<Record<string, unknown>> | null;
}

const parse = <T>(text: string | null, fallback: T): T => {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

export function toHistoryEntry(r: HistoryRow): HistoryEntry {
  return {
    id: r.id,
    action: (r.action ?? 'validate') as HistoryAction,
    modelPath: r.model_path,
    modelSha256: r.model_sha256,
    modelVersion: r.model_version ?? null,
    validatedAt: r.validation_timestamp,
    approved: r.approved === 1,
    promotedToProduction: r.promoted_to_production === 1,
    overallAccuracy: r.overall_accuracy,
    crashAccuracy: r.crash_accuracy,
    minSectorAccuracy: r.min_sector_accuracy,
    driftScore: r.drift_score,
    replayImprovement: r.replay_improvement,
    checksPassed: parse<string[]>(r.checks_passed, []),
    checksFailed: parse<string[]>(r.checks_failed, []),
    actor: r.actor,
    notes: r.notes,
    criteria: parse<Record<string, unknown> | null>(r.criteria_json, null),
  };
}

/** Rebuilds a validation report from its history row (for the dashboard's latest report). */
export function reportFromRow(r: HistoryRow): GateReport {
  const e = toHistoryEntry(r);
  const c = (e.criteria ?? {}) as { results?: CriterionOutcome[]; reasons?: string[]; refused?: { message?: string } };
  const results = c.results ?? [];
  return {
    approved: e.approved,
    recommendation: e.approved ? 'PROMOTE' : 'REJECT',
    checksPassed: e.checksPassed,
    checksFailed: e.checksFailed,
    details: Object.fromEntries(results.map((x) => [x.id, x])),
    results,
    reasons: c.reasons ?? (c.refused ? [`refused before evaluation: ${c.refused.message ?? 'invalid input'}`] : []),
    modelPath: e.modelPath,
    modelSha256: e.modelSha256 ?? '',
    modelVersion: e.modelVersion,
    validatedAt: e.validatedAt,
    asOf: typeof (c as { asOf?: unknown }).asOf === 'string' ? (c as { asOf: string }).asOf : null,
    historyId: e.id,
    actor: e.actor,
    notes: e.notes,
  };
}
