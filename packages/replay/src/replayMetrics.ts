import type { MetricDefinition, MetricSample } from '@vigil/core';
import type { ErrorReplayBuffer, ErrorStats } from './ErrorReplayBuffer.js';

/** Each model's buffer size and make-up, as `GET /api/replay?model=` reports them (one stats read per model per scrape). */
export function replayMetrics(buffer: ErrorReplayBuffer): MetricDefinition[] {
  // the metrics below share one read of every model's stats per scrape
  let pending: Promise<ErrorStats[]> | null = null;
  const stats = (): Promise<ErrorStats[]> => {
    pending ??= Promise.all(buffer.models().map((model) => buffer.getErrorStats({ model }))).finally(() =>
      queueMicrotask(() => (pending = null)),
    );
    return pending;
  };
  const perModel = async (f: (s: ErrorStats) => number): Promise<MetricSample[]> =>
    (await stats()).map((s) => ({ labels: { model: s.model as string }, value: f(s) }));
  return [
    {
      name: 'vigil_replay_buffer_size',
      type: 'gauge',
      labelNames: ['model'],
      help: 'Errors held in the replay buffer, by model (error_replay_buffer rows)',
      collect: () => perModel((s) => s.totalErrors),
    },
    {
      name: 'vigil_replay_buffer_max_size',
      type: 'gauge',
      help: 'The buffer capacity per model (option maxSize)',
      collect: async () => [{ value: buffer.options.maxSize }],
    },
    {
      name: 'vigil_replay_buffer_errors',
      type: 'gauge',
      labelNames: ['model', 'regime'],
      help: 'Buffered errors by model and market regime',
      collect: async () =>
        (await stats()).flatMap((s) =>
          Object.entries(s.byRegime).map(([regime, value]) => ({
            labels: { model: s.model as string, regime },
            value,
          })),
        ),
    },
    {
      name: 'vigil_replay_buffer_high_confidence_errors',
      type: 'gauge',
      labelNames: ['model'],
      help: 'Buffered errors made with confidence > 0.8, by model',
      collect: () => perModel((s) => s.highConfidenceErrors),
    },
    {
      name: 'vigil_replay_buffer_replays',
      type: 'gauge',
      labelNames: ['model'],
      help: 'Times buffered errors have been replayed into training batches (sum of replayed_count), by model',
      collect: () => perModel((s) => s.totalReplays),
    },
  ];
}
