import type { GateReport, HistoryEntry } from '@vigil/gate';

/**
 * Gate reports as the HTTP API shapes them (docs/api.md, packages/server/src/routes/gateReports.ts),
 * so `--json` output and the API agree. Mirrored here because @vigil/server does not export its mapper.
 */
export interface CliCheck {
  readonly id: string;
  readonly description: string;
  readonly status: string;
  readonly required: boolean;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly message: string;
}

export interface CliGateReport {
  readonly id: number;
  readonly modelPath: string;
  readonly timestamp: string;
  readonly action: string;
  readonly approved: boolean;
  readonly recommendation: 'PROMOTE' | 'REJECT';
  readonly actor: string | null;
  readonly notes: string | null;
  readonly modelSha256: string | null;
  readonly checks: readonly CliCheck[];
  readonly promotedToProduction: boolean;
}

type Criteria = { results?: Partial<CliCheck>[]; decisionId?: number; overrides?: number };

const toCheck = (r: Partial<CliCheck>): CliCheck => ({
  id: String(r.id),
  description: r.description ?? '',
  status: r.status ?? 'error',
  required: r.required ?? true,
  value: typeof r.value === 'number' ? r.value : null,
  threshold: typeof r.threshold === 'number' ? r.threshold : null,
  message: r.message ?? '',
});

/**
 * History rows to reports. A promote or override row carries no checks of its own: it shows those
 * of the validation it acted on (found in `lookup`), so an override never hides what failed.
 */
export function toCliReports(entries: readonly HistoryEntry[], lookup: ReadonlyMap<number, HistoryEntry>): CliGateReport[] {
  return entries.map((e) => {
    const c = (e.criteria ?? {}) as Criteria;
    const decision = c.results ? e : lookup.get(c.overrides ?? c.decisionId ?? -1);
    const approved = e.action === 'override' ? false : e.approved;
    return {
      id: e.id,
      modelPath: e.modelPath,
      timestamp: e.validatedAt,
      action: e.action,
      approved,
      recommendation: approved || e.action === 'promote' ? 'PROMOTE' : 'REJECT',
      actor: e.actor,
      notes: e.notes,
      modelSha256: e.modelSha256,
      checks: ((decision?.criteria as Criteria | null)?.results ?? []).map(toCheck),
      promotedToProduction: e.promotedToProduction,
    };
  });
}

/** A fresh validation's report in the same shape, plus the reasons it was rejected. */
export function validationReport(r: GateReport): CliGateReport & { readonly reasons: readonly string[] } {
  return {
    id: r.historyId,
    modelPath: r.modelPath,
    timestamp: r.validatedAt,
    action: 'validate',
    approved: r.approved,
    recommendation: r.recommendation,
    actor: r.actor,
    notes: r.notes,
    modelSha256: r.modelSha256,
    checks: r.results.map((x) => toCheck({ ...x, value: x.value ?? null })),
    promotedToProduction: false,
    reasons: r.reasons,
  };
}
