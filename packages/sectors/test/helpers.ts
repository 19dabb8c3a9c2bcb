import type { TestHost } from '@vigil/host/testing';
import { sectorTrackerToken } from '../src/tokens.js';

type Counts = Record<string, Record<string, Record<string, [number, number, number]>>>;

/** Counts by model, then sector or symbol, then regime, straight from the table with the test's own GROUP BY (not the plugin's query). */
export async function groupBy(h: TestHost, key: 'sector' | 'symbol'): Promise<Counts> {
  const rows = (await h.dataSource.query(
    `SELECT model_version AS m, ${key} AS k, regime, COUNT(*) AS tracked, SUM(CASE WHEN actual_label IS NULL THEN 0 ELSE 1 END) AS resolved, SUM(CASE WHEN correct = 1 THEN 1 ELSE 0 END) AS correct FROM sector_performance GROUP BY model_version, ${key}, regime`,
  )) as { m: string; k: string; regime: string; tracked: unknown; resolved: unknown; correct: unknown }[];
  const out: Counts = {};
  for (const r of rows) {
    out[r.m] ??= {};
    out[r.m]![r.k] ??= {};
    out[r.m]![r.k]![r.regime] = [Number(r.tracked), Number(r.resolved), Number(r.correct)];
  }
  return out;
}

/** The same shape from the tracker's in-memory aggregates, model by model. */
export function fromTracker(h: TestHost, key: 'sector' | 'symbol'): Counts {
  const t = h.container.resolve(sectorTrackerToken);
  const out: Counts = {};
  for (const model of t.models()) {
    const perf = key === 'sector' ? t.getSectorPerformance({ model }) : t.getSymbolPerformance({ model });
    const m: Counts[string] = {};
    for (const [k, p] of Object.entries(perf)) {
      m[k] = {};
      for (const [regime, s] of Object.entries(p.by_regime)) m[k]![regime] = [s.tracked, s.total, s.correct];
    }
    out[model] = m;
  }
  return out;
}

export const rowCount = async (h: TestHost, table = 'sector_performance'): Promise<number> =>
  Number((await h.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
