import type { MetricDefinition, MetricSample } from '@vigil/core';
import type { AccuracyStats, SectorPerformance } from './performance.js';
import type { SectorTracker } from './SectorTracker.js';

type Field = 'accuracy' | 'total' | 'correct' | 'pending';

/** One sample per sector and regime, plus `regime="all"` for the sector as a whole. */
function samples(tracker: SectorTracker, field: Field): MetricSample[] {
  const out: MetricSample[] = [];
  const all = tracker.getSectorPerformance() as Record<string, SectorPerformance>;
  const push = (sector: string, regime: string, s: AccuracyStats) => {
    const v = s[field];
    if (v !== null) out.push({ labels: { sector, regime }, value: v });
  };
  for (const [sector, p] of Object.entries(all)) {
    push(sector, 'all', p);
    for (const [regime, s] of Object.entries(p.by_regime)) push(sector, regime, s);
  }
  return out;
}

/** Accuracy by GICS sector and regime, as `GET /api/sectors` reports it (the same aggregates). */
export function sectorsMetrics(tracker: SectorTracker): MetricDefinition[] {
  const labelNames = ['sector', 'regime'];
  return [
    {
      name: 'vigil_sectors_accuracy',
      type: 'gauge',
      labelNames,
      help: 'Share of resolved predictions that were correct, by sector and regime (regime="all": the sector); absent until one resolves',
      collect: () => samples(tracker, 'accuracy'),
    },
    {
      name: 'vigil_sectors_resolved',
      type: 'gauge',
      labelNames,
      help: 'Resolved predictions by sector and regime (the count accuracy is over)',
      collect: () => samples(tracker, 'total'),
    },
    {
      name: 'vigil_sectors_correct',
      type: 'gauge',
      labelNames,
      help: 'Correct resolved predictions by sector and regime',
      collect: () => samples(tracker, 'correct'),
    },
    {
      name: 'vigil_sectors_pending',
      type: 'gauge',
      labelNames,
      help: 'Tracked predictions still waiting for their outcome, by sector and regime',
      collect: () => samples(tracker, 'pending'),
    },
  ];
}
