import { isAbsolute, relative } from 'node:path';
import type { HistoryEntry } from '@vigil/gate';

/**
 * A model path as the API shows it: relative to the gate's root when it lies below it (the form
 * the gate accepts back, e.g. `models/candidates/m5.json`), so the open read endpoints do not
 * publish the server's directory layout; anything else as stored.
 */
export function pathBelow(root: string): (p: string) => string {
  return (p) => {
    if (!isAbsolute(p)) return p;
    const r = relative(root, p);
    return r !== '' && !r.startsWith('..') && !isAbsolute(r) ? r : p;
  };
}

/** A check as the API reports it (docs/api.md). */
export interface ApiCheck {
  readonly id: string;
  readonly description: string;
  readonly status: string;
  readonly required: boolean;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly message: string;
}

/** A history row as the API reports it: the attempt and the checks behind its decision. */
export interface ApiGateReport {
  readonly id: number;
  readonly modelPath: string;
  readonly timestamp: string;
  readonly action: string;
  readonly approved: boolean;
  readonly recommendation: 'PROMOTE' | 'REJECT';
  readonly actor: string | null;
  readonly notes: string | null;
  readonly modelSha256: string | null;
  readonly checks: readonly ApiCheck[];
  readonly promotedToProduction: boolean;
}

type Criteria = { results?: Partial<ApiCheck>[]; decisionId?: number; overrides?: number };

const checksOf = (e: HistoryEntry | undefined): ApiCheck[] =>
  ((e?.criteria as Criteria | null)?.results ?? []).map((r) => ({
    id: String(r.id),
    description: r.description ?? '',
    status: r.status ?? 'error',
    required: r.required ?? true,
    value: typeof r.value === 'number' ? r.value : null,
    threshold: typeof r.threshold === 'number' ? r.threshold : null,
    message: r.message ?? '',
  }));

/**
 * Maps history rows to reports. A promote or override row carries no checks of its own: it shows
 * those of the validation it acted on, so an override never hides the checks that failed.
 */
export function toApiReports(entries: readonly HistoryEntry[], lookup: ReadonlyMap<number, HistoryEntry>, shownPath: (p: string) => string = (p) => p): ApiGateReport[] {
  return entries.map((e) => {
    const c = (e.criteria ?? {}) as Criteria;
    const decision = c.results ? e : lookup.get(c.overrides ?? c.decisionId ?? -1);
    const approved = e.action === 'override' ? false : e.approved;
    return {
      id: e.id,
      modelPath: shownPath(e.modelPath),
      timestamp: e.validatedAt,
      action: e.action,
      approved,
      // a promote row recommends PROMOTE only if it did promote: a refused promotion is not a recommendation
      recommendation: approved || (e.action === 'promote' && e.promotedToProduction) ? 'PROMOTE' : 'REJECT',
      actor: e.actor,
      notes: e.notes,
      modelSha256: e.modelSha256,
      checks: checksOf(decision),
      promotedToProduction: e.promotedToProduction,
    };
  });
}
