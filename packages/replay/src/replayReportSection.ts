import { type ReportQuery, type ReportSection, inReportRange } from '@vigil/core';
import type { ErrorReplayBuffer } from './ErrorReplayBuffer.js';
import { replayReport } from './replayReport.js';

/**
 * The replay buffer's report section, per model (each model keeps its own buffer): its
 * statistics now (the buffer is a rolling top-N, so they are not split by date) and its worst
 * errors whose date lies in [from, to), for the query's model (or the only one). With several
 * models and none asked for, each model's totals side by side, never pooled.
 */
export async function replayReportSections(buffer: ErrorReplayBuffer, q: ReportQuery): Promise<ReportSection[]> {
  const models = buffer.models();
  if (q.model !== undefined || models.length <= 1) return [await modelSection(buffer, q, q.model ?? models[0])];
  // several models and none asked for: each model's own totals, never a pooled figure
  const stats = await Promise.all(models.map((model) => buffer.getErrorStats({ model })));
  return [
    {
      id: 'replay',
      title: 'Error replay buffer',
      status: 'info',
      summary: `${models.length} models keep their own buffers (${models.join(', ')}); a report for one model (model=...) shows its statistics and worst errors.`,
      blocks: [
        {
          kind: 'table',
          title: 'Buffers by model',
          columns: [
            { key: 'model', label: 'model' },
            { key: 'errors', label: 'buffered errors', unit: 'count' },
            { key: 'replayed', label: 'replayed', unit: 'count' },
            { key: 'draws', label: 'draws', unit: 'count' },
            { key: 'heldOut', label: 'held out', unit: 'count' },
          ],
          rows: stats.map((x) => ({
            model: x.model,
            errors: x.totalErrors,
            replayed: x.replayedErrors,
            draws: x.totalReplays,
            heldOut: x.heldOutErrors,
          })),
        },
      ],
    },
  ];
}

async function modelSection(
  buffer: ErrorReplayBuffer,
  q: ReportQuery,
  model: string | undefined,
): Promise<ReportSection> {
  const r = await replayReport(buffer, 1000, { model });
  const s = r.stats;
  const top = r.top.filter((e) => inReportRange(q, e.timestamp)).slice(0, 20);
  const fill = s.maxSize ? s.total / s.maxSize : null;
  return {
    id: 'replay',
    title: model === undefined ? 'Error replay buffer' : `Error replay buffer: ${model}`,
    status: 'info',
    summary: `${model === undefined ? '' : `Model ${model}: `}${s.total} of ${s.maxSize} buffered errors; ${s.replayed} replayed at least once (${s.totalReplays} draws); ${s.heldOutErrors} held out of training exports to judge candidates on.`,
    blocks: [
      {
        kind: 'figures',
        title: 'The buffer now',
        items: [
          { label: 'buffered errors', value: s.total, unit: 'count' },
          { label: 'capacity used', value: fill, unit: 'share' },
          { label: 'replayed', value: s.replayed, unit: 'count' },
          { label: 'draws', value: s.totalReplays, unit: 'count' },
          {
            label: 'high-confidence errors',
            value: s.highConfidence,
            unit: 'count',
            detail: 'wrong with confidence above the configured level',
          },
          { label: 'mean confidence', value: s.avgConfidence, unit: 'number' },
          { label: 'held out', value: s.heldOutErrors, unit: 'count' },
        ],
      },
      {
        kind: 'chart',
        title: 'Buffered errors by regime',
        x: { label: 'regime', type: 'category' },
        y: { label: 'errors' },
        series: [
          {
            name: 'errors',
            mark: 'bar',
            points: Object.entries(s.byRegime)
              .sort((a, b) => b[1] - a[1])
              .map(([regime, n]) => ({ x: regime, y: n })),
          },
        ],
      },
      {
        kind: 'table',
        title: 'Buffered errors by true label',
        columns: [
          { key: 'label', label: 'true label' },
          { key: 'errors', label: 'errors', unit: 'count' },
        ],
        rows: Object.entries(s.byLabel).map(([label, errors]) => ({ label, errors })),
      },
      {
        kind: 'table',
        title: 'Worst errors in range',
        columns: [
          { key: 'timestamp', label: 'timestamp' },
          { key: 'id', label: 'prediction id' },
          { key: 'symbol', label: 'symbol' },
          { key: 'regime', label: 'regime' },
          { key: 'predictedLabel', label: 'predictedLabel' },
          { key: 'actualLabel', label: 'actualLabel' },
          { key: 'confidence', label: 'confidence', unit: 'number' },
          { key: 'score', label: 'error score', unit: 'number' },
          { key: 'replayed', label: 'replayed', unit: 'count' },
        ],
        rows: top.map((e) => ({
          timestamp: e.timestamp,
          id: e.id,
          symbol: e.symbol,
          regime: e.regime,
          predictedLabel: e.predictedLabel,
          actualLabel: e.actualLabel,
          confidence: e.confidence,
          score: e.errorScore,
          replayed: e.replayedCount,
        })),
        note: 'Among the 1,000 worst buffered errors, the 20 worst dated in the report range.',
      },
    ],
  };
}
