import type { GateReport, HistoryEntry } from './report.js';

/** A check as the API, the CLI and the dashboard show it. */
export interface CheckView {
  readonly id: string;
  readonly description: string;
  readonly status: string;
  readonly required: boolean;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly message: string;
  /** An `insufficient` check its criterion marks advisory: shown, not blocking. */
  readonly advisory?: boolean;
}

/** A history row as people read it: the attempt and the checks behind its decision (docs/api.md). */
export interface ReportView {
  readonly id: number;
  readonly modelPath: string;
  /** Wall-clock time the row was recorded. */
  readonly timestamp: string;
  /** Data time (as-of) the decision speaks for: the trading day of its evidence; null when unknown. */
  readonly asOf: string | null;
  readonly action: string;
  readonly approved: boolean;
  readonly recommendation: 'PROMOTE' | 'REJECT';
  readonly actor: string | null;
  readonly notes: string | null;
  readonly modelSha256: string | null;
  /** The `modelVersion` the model's predictions carry, as the row (or its decision) named it; null: unknown. */
  readonly modelVersion: string | null;
  readonly checks: readonly CheckView[];
  readonly promotedToProduction: boolean;
}

type Criteria = { results?: Partial<CheckView>[]; decisionId?: number; overrides?: number; asOf?: unknown };
const asOfIn = (c: Criteria | null | undefined): string | null => (typeof c?.asOf === 'string' ? c.asOf : null);

export const checkView = (r: Partial<CheckView>): CheckView => ({
  id: String(r.id),
  description: r.description ?? '',
  status: r.status ?? 'error',
  required: r.required ?? true,
  value: typeof r.value === 'number' ? r.value : null,
  threshold: typeof r.threshold === 'number' ? r.threshold : null,
  message: r.message ?? '',
  ...(r.advisory === true ? { advisory: true } : {}),
});

/**
 * History rows as reports. A promote or override row carries no checks of its own: it shows those
 * of the validation it acted on (found in `lookup`), so an override never hides what failed.
 * `shownPath` lets an open endpoint show paths relative to the gate root.
 */
export function reportViews(
  entries: readonly HistoryEntry[],
  lookup: ReadonlyMap<number, HistoryEntry>,
  shownPath: (p: string) => string = (p) => p,
): ReportView[] {
  return entries.map((e) => {
    const c = (e.criteria ?? {}) as Criteria;
    const decision = c.results ? e : lookup.get(c.overrides ?? c.decisionId ?? -1);
    const approved = e.action === 'override' ? false : e.approved;
    return {
      id: e.id,
      modelPath: shownPath(e.modelPath),
      timestamp: e.validatedAt,
      asOf: asOfIn(c) ?? asOfIn(decision?.criteria as Criteria | null),
      action: e.action,
      approved,
      // a promote row recommends PROMOTE only if it did promote: a refused promotion is not a recommendation
      recommendation: approved || (e.action === 'promote' && e.promotedToProduction) ? 'PROMOTE' : 'REJECT',
      actor: e.actor,
      notes: e.notes,
      modelSha256: e.modelSha256,
      modelVersion: e.modelVersion ?? decision?.modelVersion ?? null,
      checks: ((decision?.criteria as Criteria | null)?.results ?? []).map(checkView),
      promotedToProduction: e.promotedToProduction,
    };
  });
}

/** A fresh validation's report in the same shape, with the reasons it was rejected. */
export function validationView(
  r: GateReport,
  shownPath: (p: string) => string = (p) => p,
): ReportView & { readonly reasons: readonly string[] } {
  return {
    id: r.historyId,
    modelPath: shownPath(r.modelPath),
    timestamp: r.validatedAt,
    asOf: r.asOf,
    action: 'validate',
    approved: r.approved,
    recommendation: r.recommendation,
    actor: r.actor,
    notes: r.notes,
    modelSha256: r.modelSha256,
    modelVersion: r.modelVersion,
    checks: r.results.map((x) => checkView({ ...x, value: x.value ?? null })),
    promotedToProduction: false,
    reasons: r.reasons,
  };
}
