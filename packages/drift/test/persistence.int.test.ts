import type { PredictionRecord } from '@vigil/core';
import { type TestHost, createTestDatabase, createTestHost, testDatabases } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import { driftPlugin } from '../src/plugin.js';
import { makePanel } from './panel.js';

// Small windows so the runs are short; the episode logic, KS checks and CUSUMs all take part.
const config = {
  plugins: {
    drift: {
      options: {
        windowSteps: 5,
        baselineSteps: 20,
        referenceSteps: 30,
        minRecords: 10,
        checkEvery: 1,
        retrainOn: ['cusum', 'feature'],
        transforms: { f2: 'diff' },
      },
    },
  },
};
const COLUMNS =
  'timestamp, drift_type, ks_statistic, drift_detected, details_json, model_version, step, episode_status, episode_peak_step, episode_end';
const rowsOf = async (h: TestHost, model?: string): Promise<unknown[]> =>
  h.dataSource.query(
    `SELECT ${COLUMNS} FROM drift_monitoring ${model ? `WHERE model_version = '${model}'` : ''} ORDER BY model_version, drift_type, step`,
  );

/** Observes `batches` in order, each on a fresh host over the same database when `restartAt` holds its index. */
async function run(
  database: Parameters<typeof createTestDatabase>[0],
  batches: readonly PredictionRecord[][],
  restartAt: readonly number[] = [],
): Promise<{ rows: unknown[]; byModel: Map<string, unknown[]>; cleanup: () => Promise<void> }> {
  const db = await createTestDatabase(database);
  let host = await createTestHost({ database: db, plugins: [driftPlugin], config });
  for (const [i, b] of batches.entries()) {
    if (restartAt.includes(i)) {
      await host.stop();
      host = await createTestHost({ database: db, plugins: [driftPlugin], config });
    }
    await host.observe(b);
  }
  const rows = await rowsOf(host);
  const byModel = new Map<string, unknown[]>();
  for (const m of ['m1', 'm2']) byModel.set(m, await rowsOf(host, m));
  await host.stop();
  return { rows, byModel, cleanup: () => db.cleanup() };
}

const chunks = <T>(xs: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

describe.each(testDatabases())('drift state on %s', (database) => {
  // 80 days of 6 symbols; a scale shift of f1 from day 50 (an episode open across the restarts)
  const panel = makePanel({ symbols: 6, days: 80, seed: 21, shiftDay: 50, shiftFeature: 'f1', shift: 2 });

  it('the same input in one run, or split across restarts mid-step and mid-episode, gives identical drift_monitoring rows', async () => {
    const one = await run(database, [panel]);
    // batches of 25 records: steps of 6 are cut mid-step; restarts at 3 places, one inside the episode
    const split = await run(database, chunks(panel, 25), [5, 9, 13, 17]);
    try {
      expect(one.rows.length).toBeGreaterThan(50);
      expect(
        (one.rows as { drift_type: string }[]).filter((r) => r.drift_type === 'cusum').length,
      ).toBeGreaterThanOrEqual(1);
      expect(split.rows).toEqual(one.rows);
    } finally {
      await one.cleanup();
      await split.cleanup();
    }
  });

  it('two models interleaved in one stream give exactly the figures each gives alone', async () => {
    const m2 = makePanel({ symbols: 6, days: 80, seed: 22, model: 'm2' });
    // interleave record by record within each day, in batches that mix both models
    const mixed: PredictionRecord[] = [];
    for (let i = 0; i < panel.length; i++) mixed.push(panel[i] as PredictionRecord, m2[i] as PredictionRecord);
    const both = await run(database, chunks(mixed, 97));
    const alone1 = await run(database, chunks(panel, 40));
    const alone2 = await run(database, chunks(m2, 40));
    try {
      expect((alone1.byModel.get('m1') ?? []).length).toBeGreaterThan(0);
      expect(both.byModel.get('m1')).toEqual(alone1.byModel.get('m1'));
      expect(both.byModel.get('m2')).toEqual(alone2.byModel.get('m2'));
    } finally {
      await both.cleanup();
      await alone1.cleanup();
      await alone2.cleanup();
    }
  });
});
