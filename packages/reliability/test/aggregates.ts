import type { VigilHost } from '@vigil/host';
import { errorReplayBufferToken } from '@vigil/replay';
import { sectorTrackerToken } from '@vigil/sectors';

export interface Cell {
  readonly tracked: number;
  readonly resolved: number;
  readonly correct: number;
}

/**
 * What a restarted host holds in memory next to what its tables say: sector x regime counts
 * against our own GROUP BY over sector_performance, and the replay buffer's ranking against
 * the error_replay_buffer rows ordered by score.
 */
export async function memoryVersusTables(host: VigilHost) {
  const tracker = host.container.resolve(sectorTrackerToken);
  const memory: Record<string, Cell> = {};
  for (const model of tracker.models())
    for (const [sector, perf] of Object.entries(tracker.getSectorPerformance({ model }))) {
      for (const [regime, s] of Object.entries(perf.by_regime)) {
        if (s.tracked > 0)
          memory[`${model}|${sector}|${regime}`] = { tracked: s.tracked, resolved: s.total, correct: s.correct };
      }
    }
  const rows = (await host.dataSource.query(
    'SELECT model_version, sector, regime, COUNT(*) AS tracked, COUNT(actual_label) AS resolved, SUM(CASE WHEN correct = 1 THEN 1 ELSE 0 END) AS correct FROM sector_performance GROUP BY model_version, sector, regime',
  )) as {
    model_version: string;
    sector: string;
    regime: string;
    tracked: unknown;
    resolved: unknown;
    correct: unknown;
  }[];
  const table: Record<string, Cell> = {};
  for (const r of rows)
    table[`${r.model_version}|${r.sector}|${r.regime}`] = {
      tracked: Number(r.tracked),
      resolved: Number(r.resolved),
      correct: Number(r.correct ?? 0),
    };

  const buffer = host.container.resolve(errorReplayBufferToken);
  const byRank = (a: { id: number; score: number }, b: { id: number; score: number }) =>
    b.score - a.score || a.id - b.id;
  const ranking = buffer.ranking().sort(byRank);
  const stored = (
    (await host.dataSource.query('SELECT id, error_score FROM error_replay_buffer')) as {
      id: unknown;
      error_score: unknown;
    }[]
  )
    .map((r) => ({ id: Number(r.id), score: Number(r.error_score) }))
    .sort(byRank);
  return {
    sectors: { memory, table },
    replay: {
      ranking,
      stored: stored.slice(0, buffer.options.maxSize),
      storedRows: stored.length,
      maxSize: buffer.options.maxSize,
    },
  };
}
