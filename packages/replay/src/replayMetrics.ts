import type { MetricDefinition } from '@vigil/core';
import type { ErrorReplayBuffer, ErrorStats } from './ErrorReplayBuffer.js';

/** The buffer's size and make-up, as `GET /api/replay` reports them (one stats read per scrape). */
export function replayMetrics(buffer: ErrorReplayBuffer): MetricDefinition[] {
  // the five metrics below share one read of the stats per scrape
  let pending: Promise<ErrorStats> | null = null;
  const stats = (): Promise<ErrorStats> => {
    pending ??= buffer.getErrorStats().finally(() => queueMicrotask(() => (pending = null)));
    return pending;
  };
  return [
    {
      name: 'vigil_replay_buffer_size',
      type: 'gauge',
      help: 'Errors held in the replay buffer (error_replay_buffer rows)',
      collect: async () => [{ value: (await stats()).totalErrors }],
    },
    {
      name: 'vigil_replay_buffer_max_size',
      type: 'gauge',
      help: 'The buffer capacity (option maxSize)',
      collect: async () => [{ value: (await stats()).maxSize }],
    },
    {
      name: 'vigil_replay_buffer_errors',
      type: 'gauge',
      labelNames: ['regime'],
      help: 'Buffered errors by market regime',
      collect: async () =>
        Object.entries((await stats()).byRegime).map(([regime, value]) => ({ labels: { regime }, value })),
    },
    {
      name: 'vigil_replay_buffer_high_confidence_errors',
      type: 'gauge',
      help: 'Buffered errors made with confidence > 0.8',
      collect: async () => [{ value: (await stats()).highConfidenceErrors }],
    },
    {
      name: 'vigil_replay_buffer_replays',
      type: 'gauge',
      help: 'Times buffered errors have been replayed into training batches (sum of replayed_count)',
      collect: async () => [{ value: (await stats()).totalReplays }],
    },
  ];
}
