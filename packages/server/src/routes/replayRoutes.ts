import { dataSourceToken, dialectOf, placeholder } from '@vigil/core';
import type { VigilHost } from '@vigil/host';
import { errorReplayBufferToken } from '@vigil/replay';
import type { FastifyInstance } from 'fastify';
import { type Q, intParam } from './query.js';

/** The error replay buffer (docs/api.md, Replay buffer). */
export function replayRoutes(app: FastifyInstance, host: VigilHost): void {
  const c = host.container;
  app.get('/api/replay', { schema: { tags: ['replay'], summary: 'error replay buffer: stats and the worst errors' } }, async (req) => {
    const top = intParam(req.query as Q, 'top', 20, 0, 1000);
    const buffer = c.resolve(errorReplayBufferToken);
    const s = await buffer.getErrorStats();
    const ds = c.resolve(dataSourceToken);
    const rows: Record<string, unknown>[] = await ds.query(
      `SELECT id, symbol, date, regime, true_label, predicted_label, confidence, error_score, replayed_count FROM error_replay_buffer ORDER BY error_score DESC, id ASC LIMIT ${placeholder(dialectOf(ds))(1)}`,
      [top],
    );
    return {
      stats: { total: s.totalErrors, maxSize: s.maxSize, byRegime: s.byRegime, byLabel: s.byLabel, avgConfidence: s.avgConfidence, replayed: s.replayedErrors, highConfidence: s.highConfidenceErrors },
      top: rows.map((r) => ({
        id: Number(r.id), symbol: String(r.symbol), date: String(r.date), regime: r.regime === null ? null : String(r.regime),
        trueLabel: Number(r.true_label), predictedLabel: Number(r.predicted_label), confidence: Number(r.confidence), errorScore: Number(r.error_score), replayedCount: Number(r.replayed_count),
      })),
    };
  });
}
