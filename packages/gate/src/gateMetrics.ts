import type { MetricDefinition, MetricSample } from '@vigil/core';
import type { DataSource } from 'typeorm';
import { readAllHistory } from './PromotionHistory.js';
import type { HistoryRow } from './historyChain.js';
import type { ShadowRecords } from './ShadowRecords.js';
import { lastProductionRow } from './productionRecord.js';

/**
 * The promotion history as metrics: decisions by action and result, what production holds
 * now (per kind), and whether the latest validation approved. One history read per scrape.
 */
export function gateMetrics(ds: DataSource, shadows?: ShadowRecords): MetricDefinition[] {
  let pending: Promise<HistoryRow[]> | null = null;
  const rows = (): Promise<HistoryRow[]> => {
    pending ??= readAllHistory(ds.manager).finally(() => queueMicrotask(() => (pending = null)));
    return pending;
  };
  return [
    {
      name: 'vigil_gate_decisions_total',
      type: 'counter',
      labelNames: ['action', 'result'],
      help: 'model_promotion_history rows by action (validate, promote, override, rollback, reconcile) and result (approved, rejected)',
      async collect() {
        const n = new Map<string, number>();
        for (const r of await rows()) {
          const k = `${r.action}\u0000${r.approved === 1 ? 'approved' : 'rejected'}`;
          n.set(k, (n.get(k) ?? 0) + 1);
        }
        return [...n].map(([k, value]) => {
          const [action, result] = k.split('\u0000') as [string, string];
          return { labels: { action, result }, value };
        });
      },
    },
    {
      name: 'vigil_gate_production_info',
      type: 'gauge',
      labelNames: ['kind', 'model_sha256', 'model_path', 'history_id', 'action'],
      help: 'What production holds now, per kind (file, directory): value 1, the row that put it there in the labels',
      async collect() {
        const all = await rows();
        const out: MetricSample[] = [];
        for (const kind of ['file', 'directory'] as const) {
          const r = lastProductionRow(all, kind);
          if (r)
            out.push({
              labels: {
                kind,
                model_sha256: r.model_sha256 ?? '',
                model_path: r.model_path,
                history_id: String(r.id),
                action: r.action,
              },
              value: 1,
            });
        }
        return out;
      },
    },
    {
      name: 'vigil_gate_last_validation_approved',
      type: 'gauge',
      help: 'The latest validation: 1 approved, 0 rejected; absent before the first',
      async collect() {
        const v = (await rows()).filter((r) => r.action === 'validate').at(-1);
        return v ? [{ value: v.approved === 1 ? 1 : 0 }] : [];
      },
    },
    ...(shadows
      ? [
          {
            name: 'vigil_gate_shadow_active',
            type: 'gauge' as const,
            labelNames: ['model', 'champion'],
            help: 'Challengers observed in shadow now (value 1 each), with the champion each is compared with',
            async collect(): Promise<MetricSample[]> {
              return (await shadows.list({ active: true })).map((x) => ({
                labels: { model: x.model, champion: x.champion },
                value: 1,
              }));
            },
          },
        ]
      : []),
  ];
}
