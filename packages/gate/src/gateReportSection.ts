import type { ReportQuery, ReportSection } from '@vigil/core';
import type { ModelPromotionGate } from './ModelPromotionGate.js';
import { allHistory } from './allHistory.js';
import { pathBelow, withoutPathsInText } from './gateReports.js';
import { historyFilter } from './historyFilter.js';
import { reportViews } from './reportView.js';

/**
 * The gate's report sections: what is in production now and its promotion history, the hash
 * chain's verification, and every decision in range with each criterion's value vs threshold.
 * Rows are chosen by `historyFilter` (model file's version name, data time in [from, to)).
 */
export async function gateReportSections(gate: ModelPromotionGate, q: ReportQuery): Promise<ReportSection[]> {
  const entries = await allHistory(gate);
  const shown = pathBelow(gate.paths.root);
  const lookup = new Map(entries.map((e) => [e.id, e]));
  const all = reportViews(entries, lookup, shown).map(withoutPathsInText); // newest first
  const chain = await gate.verifyHistory();
  const now = await gate.productionNow();
  const current = now && {
    modelPath: shown(now.modelPath),
    action: now.action,
    timestamp: now.asOf ?? now.recordedAt,
    actor: now.actor,
    modelSha256: now.modelSha256,
  };
  const rows = all.filter(historyFilter(q));
  const decisions = rows.filter((r) => r.action === 'validate' || r.action === 'override');
  const promotions = rows.filter((r) => r.promotedToProduction);
  const approved = decisions.filter((r) => r.action === 'validate' && r.approved).length;
  const status = !chain.ok ? 'alert' : current?.action === 'override' ? 'warning' : 'ok';
  return [
    {
      id: 'gate',
      title: 'Production and promotion history',
      status,
      summary: `${current ? `In production: ${current.modelPath} (${current.action}, ${current.timestamp}).` : 'Nothing has been put in production through the gate.'} History hash chain ${
        chain.ok ? `verified over ${chain.rows} rows` : `BROKEN at row ${chain.firstBadId}: ${chain.reason}`
      }.`,
      blocks: [
        {
          kind: 'figures',
          items: [
            {
              label: 'in production',
              value: current ? current.modelPath : null,
              detail: current
                ? `${current.action} at ${current.timestamp}${current.actor ? ` by ${current.actor}` : ''}, sha256 ${current.modelSha256?.slice(0, 12) ?? '-'}`
                : 'no promotion recorded',
              status: current?.action === 'override' ? 'warning' : 'info',
            },
            {
              label: 'hash chain',
              value: chain.ok ? 'verified' : 'broken',
              detail: chain.ok
                ? `${chain.rows} rows${chain.legacyRows ? ` (+${chain.legacyRows} legacy)` : ''}, head ${chain.head.slice(0, 16)}`
                : `first bad row ${chain.firstBadId}: ${chain.reason}`,
              status: chain.ok ? 'ok' : 'alert',
            },
            { label: 'decisions in range', value: decisions.length, unit: 'count' },
            { label: 'approved', value: approved, unit: 'count' },
            {
              label: 'rejected',
              value: decisions.filter((r) => r.action === 'validate' && !r.approved).length,
              unit: 'count',
            },
            { label: 'overrides', value: decisions.filter((r) => r.action === 'override').length, unit: 'count' },
            { label: 'production changes', value: promotions.length, unit: 'count' },
          ],
        },
        {
          kind: 'table',
          title: 'Promotion history (production changes, newest first)',
          columns: [
            { key: 'id', label: 'row' },
            { key: 'time', label: 'recorded' },
            { key: 'asOf', label: 'data as of' },
            { key: 'action', label: 'action' },
            { key: 'model', label: 'model' },
            { key: 'sha256', label: 'sha256' },
            { key: 'actor', label: 'actor' },
            { key: 'notes', label: 'notes' },
          ],
          rows: promotions.map((r) => ({
            id: r.id,
            time: r.timestamp,
            asOf: r.asOf,
            action: r.action,
            model: r.modelPath,
            sha256: r.modelSha256?.slice(0, 12) ?? null,
            actor: r.actor,
            notes: r.notes,
          })),
        },
      ],
    },
    {
      id: 'gate.decisions',
      title: 'Gate decisions',
      status: decisions.length ? 'info' : 'warning',
      summary: decisions.length
        ? `${decisions.length} decisions: ${approved} approved, ${decisions.length - approved} not (rejections and overrides); each criterion's value against its threshold below.`
        : 'No gate decision in this range.',
      blocks: [
        {
          kind: 'table',
          title: 'Decisions, newest first',
          columns: [
            { key: 'id', label: 'row' },
            { key: 'time', label: 'recorded' },
            { key: 'asOf', label: 'data as of' },
            { key: 'model', label: 'model' },
            { key: 'action', label: 'action' },
            { key: 'recommendation', label: 'decision' },
            { key: 'failed', label: 'failed criteria' },
          ],
          rows: decisions.map((r) => ({
            id: r.id,
            time: r.timestamp,
            asOf: r.asOf,
            model: r.modelPath,
            action: r.action,
            recommendation: r.action === 'override' ? 'OVERRIDE' : r.recommendation,
            failed:
              r.checks
                .filter((c) => c.status !== 'pass' && c.required && !c.advisory)
                .map((c) => c.id)
                .join(', ') || null,
          })),
        },
        {
          kind: 'table',
          title: 'Criteria: value vs threshold',
          columns: [
            { key: 'id', label: 'row' },
            { key: 'model', label: 'model' },
            { key: 'criterion', label: 'criterion' },
            { key: 'required', label: 'required' },
            { key: 'status', label: 'status' },
            { key: 'value', label: 'value', unit: 'number' },
            { key: 'threshold', label: 'threshold', unit: 'number' },
            { key: 'message', label: 'message' },
          ],
          rows: decisions.flatMap((r) =>
            r.checks.map((c) => ({
              id: r.id,
              model: r.modelPath,
              criterion: c.id,
              required: c.advisory ? false : c.required,
              status: c.status,
              value: c.value,
              threshold: c.threshold,
              message: c.message,
            })),
          ),
        },
      ],
    },
  ];
}
