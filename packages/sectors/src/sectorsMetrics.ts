import type { MetricDefinition, MetricSample } from '@vigil/core';
import type { AccuracyStats, SectorPerformance } from './performance.js';
import type { SectorTracker } from './SectorTracker.js';

type Field = 'accuracy' | 'total' | 'correct' | 'pending';

/** One sample per model, sector and regime, plus `regime="all"` for the sector as a whole. */
function samples(tracker: SectorTracker, field: Field): MetricSample[] {
  const out: MetricSample[] = [];
  for (const model of tracker.models()) {
    const all = tracker.getSectorPerformance({ model }) as Record<string, SectorPerformance>;
    const push = (sector: string, regime: string, s: AccuracyStats) => {
      const v = s[field];
      if (v !== null) out.push({ labels: { model, sector, regime }, value: v });
    };
    for (const [sector, p] of Object.entries(all)) {
      push(sector, 'all', p);
      for (const [regime, s] of Object.entries(p.by_regime)) push(sector, regime, s);
    }
  }
  return out;
}

/** Accuracy by model, GICS sector and regime, as `GET /api/sectors?model=` reports it (the same aggregates). */
export function sectorsMetrics(tracker: SectorTracker): MetricDefinition[] {
  const labelNames = ['model', 'sector', 'regime'];
  return [
    {
      name: 'vigil_sectors_accuracy',
      type: 'gauge',
      labelNames,
      help: 'Share of resolved predictions that were correct, by model, sector and regime (regime="all": the sector); absent until one resolves',
      collect: () => samples(tracker, 'accuracy'),
    },
    {
      name: 'vigil_sectors_resolved',
      type: 'gauge',
      labelNames,
      help: 'Resolved predictions by model, sector and regime (the count accuracy is over)',
      collect: () => samples(tracker, 'total'),
    },
    {
      name: 'vigil_sectors_correct',
      type: 'gauge',
      labelNames,
      help: 'Correct resolved predictions by model, sector and regime',
      collect: () => samples(tracker, 'correct'),
    },
    {
      name: 'vigil_sectors_pending',
      type: 'gauge',
      labelNames,
      help: 'Tracked predictions still waiting for their outcome, by model, sector and regime',
      collect: () => samples(tracker, 'pending'),
    },
  ];
}
