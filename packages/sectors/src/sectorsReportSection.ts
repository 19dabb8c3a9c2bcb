import { type PredictionLog, type ReportQuery, type ReportSection, wilsonInterval } from '@vigil/core';
import type { SectorMap } from './SectorMap.js';

type Tally = { n: number; correct: number };
const row = (key: string, t: Tally, minResolved: number) => {
  const ci = wilsonInterval(t.correct, t.n);
  return {
    key,
    resolved: t.n,
    correct: t.correct,
    accuracy: t.n ? t.correct / t.n : null,
    lower: ci.lower,
    upper: ci.upper,
    evidence: t.n >= minResolved ? 'enough' : `too little (< ${minResolved})`,
  };
};
const columns = (first: string) => [
  { key: 'key', label: first },
  { key: 'resolved', label: 'resolved', unit: 'count' as const },
  { key: 'correct', label: 'correct', unit: 'count' as const },
  { key: 'accuracy', label: 'accuracy', unit: 'share' as const },
  { key: 'lower', label: '95% lower', unit: 'share' as const },
  { key: 'upper', label: '95% upper', unit: 'share' as const },
  { key: 'evidence', label: 'evidence' },
];

/**
 * Accuracy by GICS sector, by regime and by month, with Wilson 95% intervals, over the resolved
 * predictions of the query's model and [from, to) in the prediction log. The weakest sector is
 * ranked by its interval's upper bound among sectors with at least `minResolved` outcomes.
 */
export async function sectorsReportSections(
  log: PredictionLog,
  sectorMap: SectorMap,
  o: { minResolved: number; models?: () => readonly string[] },
  q: ReportQuery,
): Promise<ReportSection[]> {
  // without a model the counts cover every model version: say so, never pool silently
  const models = q.model === undefined ? (o.models?.() ?? []) : [];
  const pooled =
    models.length > 1
      ? ` These figures pool ${models.length} model versions (${models.join(', ')}); a report for one model (model=...) gives its own.`
      : '';
  const scope = {
    ...(q.from !== undefined ? { from: q.from } : {}),
    ...(q.to !== undefined ? { to: q.to } : {}),
    ...(q.model !== undefined ? { modelVersion: q.model } : {}),
  };
  const [bySymbol, regimeCounts, dayCounts] = await Promise.all([
    log.outcomeCounts(scope, 'symbol'),
    log.outcomeCounts(scope, 'regime'),
    log.outcomeCounts(scope, 'day'),
  ]);
  const bySector = new Map<string, Tally>();
  const byRegime = new Map<string, Tally>();
  const byMonth = new Map<string, Tally>();
  const tally = (m: Map<string, Tally>, key: string, c: { resolved: number; correct: number }): void => {
    const t = m.get(key) ?? { n: 0, correct: 0 };
    t.n += c.resolved;
    t.correct += c.correct;
    m.set(key, t);
  };
  for (const c of bySymbol) tally(bySector, sectorMap.lookup(c.key) ?? 'unmapped', c);
  for (const c of regimeCounts) tally(byRegime, c.key, c);
  for (const c of dayCounts) tally(byMonth, c.key.slice(0, 7), c);
  const n = bySymbol.reduce((a, c) => a + c.resolved, 0);
  const correct = bySymbol.reduce((a, c) => a + c.correct, 0);
  const sectors = [...bySector].map(([k, t]) => row(k, t, o.minResolved)).sort((a, b) => a.key.localeCompare(b.key));
  const regimes = [...byRegime].map(([k, t]) => row(k, t, o.minResolved)).sort((a, b) => a.key.localeCompare(b.key));
  const months = [...byMonth].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const weakest = sectors.filter((s) => s.resolved >= o.minResolved).sort((a, b) => a.upper - b.upper)[0];
  const overall = wilsonInterval(correct, n);
  return [
    {
      id: 'sectors',
      title: 'Accuracy by sector and regime',
      status: n ? 'info' : 'warning',
      summary: n
        ? `${n} resolved predictions: accuracy ${((correct / n) * 100).toFixed(1)}%${
            weakest
              ? `; weakest sector ${weakest.key} at ${((weakest.accuracy ?? 0) * 100).toFixed(1)}% (95% upper bound ${(weakest.upper * 100).toFixed(1)}%)`
              : `; no sector has ${o.minResolved} resolved outcomes yet`
          }.${pooled}`
        : 'No resolved prediction in this range.',
      blocks: [
        {
          kind: 'figures',
          items: [
            { label: 'resolved', value: n, unit: 'count' },
            {
              label: 'accuracy',
              value: n ? correct / n : null,
              unit: 'share',
              interval: n ? [overall.lower, overall.upper] : null,
            },
            {
              label: 'weakest sector',
              value: weakest?.key ?? null,
              detail: weakest
                ? `${((weakest.accuracy ?? 0) * 100).toFixed(1)}% of ${weakest.resolved}, ranked by the 95% upper bound`
                : `no sector with ${o.minResolved} resolved outcomes`,
            },
          ],
        },
        {
          kind: 'chart',
          title: 'Monthly accuracy with its Wilson 95% interval',
          x: { label: 'month', type: 'time' },
          y: { label: 'accuracy', unit: 'share', domain: [0, 1] },
          series: [
            {
              name: 'accuracy',
              points: months.map(([m, t]) => {
                const ci = wilsonInterval(t.correct, t.n);
                return { x: `${m}-01`, y: t.correct / t.n, lower: ci.lower, upper: ci.upper };
              }),
            },
          ],
          thresholds: [{ label: 'coin flip', value: 0.5 }],
        },
        { kind: 'table', title: 'By GICS sector', columns: columns('sector'), rows: sectors },
        { kind: 'table', title: 'By regime', columns: columns('regime'), rows: regimes },
      ],
    },
  ];
}
