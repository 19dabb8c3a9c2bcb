import { makePredictions } from '@vigil/test-utils';
import { createTestDatabase, createTestHost, testDatabases } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import { driftPlugin } from '../src/plugin.js';

const options = {
  windowSteps: 5,
  baselineSteps: 20,
  calibration: null,
  alertThreshold: 0.3,
  cusum: null,
  retrainOn: ['feature', 'regime'],
};

// Two hosts on one PostgreSQL database collecting their first baseline at the same time: both
// deleted "the" baseline (none visible yet) and inserted theirs, and the second insert hit
// idx_drift_baseline_kind_name, rolling back its whole observe batch. Found by
// packages/reliability's concurrent-writers test. Baseline writes now take turns (last wins, as on SQLite).
describe.each(testDatabases())('two drift hosts on one %s database', (database) => {
  it('both save an auto baseline at once without failing; one whole baseline is stored', async () => {
    const db = await createTestDatabase(database);
    const config = { plugins: { drift: { options } } };
    const hosts = [
      await createTestHost({ database: db, plugins: [driftPlugin], config }),
      await createTestHost({ database: db, plugins: [driftPlugin], config }),
    ];
    try {
      for (let round = 0; round < 5; round++) {
        // 8 symbols a day: 200 records close 24 days, so both collect a 20-step baseline of 160 values
        const batches = [0, 1].map((w) =>
          makePredictions(200, { features: 3, seed: 10 * round + w, idPrefix: `r${round}w${w}-` }),
        );
        const results = await Promise.allSettled(hosts.map((h, i) => h.observe(batches[i] ?? [])));
        expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok']);
        const rows = (await hosts[0]?.dataSource.query(
          "SELECT name, size FROM drift_baseline WHERE kind = 'feature' ORDER BY name",
        )) as { name: string; size: unknown }[];
        expect(rows.map((r) => [r.name, Number(r.size)])).toEqual([
          ['f0', 160],
          ['f1', 160],
          ['f2', 160],
        ]);
        // Fresh hosts over an emptied baseline table, so the next round collects a first baseline again.
        if (round < 4) {
          await hosts[0]?.dataSource.query('DELETE FROM drift_baseline');
          await hosts[0]?.dataSource.query('DELETE FROM drift_state');
          await hosts[0]?.dataSource.query('DELETE FROM drift_steps');
          await hosts[0]?.dataSource.query('DELETE FROM vigil_predictions');
          for (const [i, h] of hosts.entries()) {
            await h.stop();
            hosts[i] = await createTestHost({ database: db, plugins: [driftPlugin], config });
          }
        }
      }
    } finally {
      for (const h of hosts) await h.stop().catch(() => undefined);
      await db.cleanup();
    }
  });
});
