import type { TestHost } from '@vigil/host/testing';
import { sectorTrackerToken } from '../src/tokens.js';

/** Counts straight from the table with the test's own GROUP BY (not the plugin's query). */
export async function groupBy(
  h: TestHost,
  key: 'sector' | 'symbol',
): Promise<Record<string, Record<string, [number, number, number]>>> {
  const rows = (await h.dataSource.query(
    `SELECT ${key} AS k, regime, COUNT(*) AS tracked, SUM(CASE WHEN actual_label IS NULL THEN 0 ELSE 1 END) AS resolved, SUM(CASE WHEN correct = 1 THEN 1 ELSE 0 END) AS correct FROM sector_performance GROUP BY ${key}, regime`,
  )) as { k: string; regime: string; tracked: unknown; resolved: unknown; correct: unknown }[];
  const out: Record<string, Record<string, [number, number, number]>> = {};
  for (const r of rows) {
    out[r.k] ??= {};
    out[r.k]![r.regime] = [Number(r.tracked), Number(r.resolved), Number(r.correct)];
  }
  return out;
}

/** The same shape from the tracker's in-memory aggregates. */
export function fromTracker(
  h: TestHost,
  key: 'sector' | 'symbol',
): Record<string, Record<string, [number, number, number]>> {
  const t = h.container.resolve(sectorTrackerToken);
  const perf = key === 'sector' ? t.getSectorPerformance() : t.getSymbolPerformance();
  const out: Record<string, Record<string, [number, number, number]>> = {};
  for (const [k, p] of Object.entries(perf)) {
    out[k] = {};
    for (const [regime, s] of Object.entries(p.by_regime)) out[k]![regime] = [s.tracked, s.total, s.correct];
  }
  return out;
}

export const rowCount = async (h: TestHost, table = 'sector_performance'): Promise<number> =>
  Number((await h.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
