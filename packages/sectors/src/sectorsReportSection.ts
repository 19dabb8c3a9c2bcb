import { type PredictionLog, type ReportQuery, type ReportSection, wilsonInterval } from '@vigil/core';
import type { SectorMap } from './SectorMap.js';

/** Resolved predictions read for one report; a wider range is reported as cut, never silently. */
export const REPORT_ROW_LIMIT = 500_000;

type Tally = { n: number; correct: number };
const add = (m: Map<string, Tally>, key: string, correct: boolean): void => {
  const t = m.get(key) ?? { n: 0, correct: 0 };
  t.n += 1;
  if (correct) t.correct += 1;
  m.set(key, t);
};
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
  o: { minResolved: number },
  q: ReportQuery,
): Promise<ReportSection[]> {
  const rows = await log.range({
    ...(q.from !== undefined ? { from: q.from } : {}),
    ...(q.to !== undefined ? { to: q.to } : {}),
    ...(q.model !== undefined ? { modelVersion: q.model } : {}),
    resolved: true,
    limit: REPORT_ROW_LIMIT + 1,
  });
  const cut = rows.length > REPORT_ROW_LIMIT;
  const bySector = new Map<string, Tally>();
  const byRegime = new Map<string, Tally>();
  const byMonth = new Map<string, Tally>();
  let correct = 0;
  for (const r of rows.slice(0, REPORT_ROW_LIMIT)) {
    const ok = r.actualLabel === r.predictedLabel;
    if (ok) correct += 1;
    add(bySector, sectorMap.lookup(r.symbol) ?? 'unmapped', ok);
    add(byRegime, r.regime, ok);
    add(byMonth, r.timestamp.slice(0, 7), ok);
  }
  const n = Math.min(rows.length, REPORT_ROW_LIMIT);
  const sectors = [...bySector].map(([k, t]) => row(k, t, o.minResolved)).sort((a, b) => a.key.localeCompare(b.key));
  const regimes = [...byRegime].map(([k, t]) => row(k, t, o.minResolved)).sort((a, b) => a.key.localeCompare(b.key));
  const months = [...byMonth].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const weakest = sectors.filter((s) => s.resolved >= o.minResolved).sort((a, b) => a.upper - b.upper)[0];
  const overall = wilsonInterval(correct, n);
  return [
    {
      id: 'sectors',
      title: 'Accuracy by sector and regime',
      status: cut ? 'warning' : n ? 'info' : 'warning',
      summary: n
        ? `${n} resolved predictions${cut ? ` (the first ${REPORT_ROW_LIMIT.toLocaleString('en-US')} in range: narrow the range for all)` : ''}: accuracy ${((correct / n) * 100).toFixed(1)}%${
            weakest
              ? `; weakest sector ${weakest.key} at ${((weakest.accuracy ?? 0) * 100).toFixed(1)}% (95% upper bound ${(weakest.upper * 100).toFixed(1)}%)`
              : `; no sector has ${o.minResolved} resolved outcomes yet`
          }.`
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
