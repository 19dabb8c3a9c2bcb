import type { HistoryRow } from './historyChain.js';
import type { ModelKind } from './paths.js';

/** The kind a promote/override/rollback row put into production (from its criteria_json). */
function kindOf(row: HistoryRow): ModelKind | undefined {
  try {
    const k = (JSON.parse(row.criteria_json ?? 'null') as { kind?: unknown } | null)?.kind;
    return k === 'file' || k === 'directory' ? k : undefined;
  } catch {
    return undefined;
  }
}

/** The newest row that says what the production `kind` target holds; rows oldest first. */
export function lastProductionRow(rows: readonly HistoryRow[], kind: ModelKind): HistoryRow | undefined {
  for (let i = rows.length - 1; i >= 0; i--) {
    const r = rows[i] as HistoryRow;
    if (r.promoted_to_production === 1 && r.action !== 'validate' && kindOf(r) === kind) return r;
  }
  return undefined;
}

/**
 * The row that allowed content `sha` into production: its newest approved validation or
 * override. Undefined means no gate decision ever covered it (a model placed by hand).
 */
export function decisionFor(rows: readonly HistoryRow[], sha: string): HistoryRow | undefined {
  for (let i = rows.length - 1; i >= 0; i--) {
    const r = rows[i] as HistoryRow;
    if (r.model_sha256 === sha && ((r.action === 'validate' && r.approved === 1) || r.action === 'override')) return r;
  }
  return undefined;
}
