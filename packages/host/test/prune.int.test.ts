import { ManualClock, isVigilError } from '@vigil/core';
import { createTestHost, testDatabases, type TestHost } from '@vigil/host/testing';
import { makePredictions } from '@vigil/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { auditPlugin } from './fixtures.js';

const ids = async (h: TestHost): Promise<string[]> =>
  ((await h.dataSource.query('SELECT id FROM vigil_predictions ORDER BY id')) as { id: string }[]).map((r) => r.id);
const count = async (h: TestHost, table: string): Promise<number> =>
  Number((await h.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

describe.each(testDatabases())('retention of the prediction log on %s', (database) => {
  let host: TestHost;
  afterEach(() => host.dispose());

  /** Day d (0..4): 10 predictions of model m1 and 5 of m2 observed that day; days 0-2 resolved, except the first m1 row of each. */
  async function fiveDays(config: Record<string, unknown> = {}): Promise<ManualClock> {
    const clock = new ManualClock('2024-03-01T12:00:00.000Z');
    host = await createTestHost({ database, plugins: [auditPlugin], clock, config });
    for (let d = 0; d < 5; d++) {
      const recs = [
        ...makePredictions(10, { idPrefix: `d${d}-m1-`, modelVersion: 'm1' }),
        ...makePredictions(5, { idPrefix: `d${d}-m2-`, modelVersion: 'm2' }),
      ];
      await host.observe(recs);
      if (d <= 2) await host.resolve(recs.slice(1).map((r) => ({ id: r.id, actualLabel: 1 })));
      clock.advance(86_400_000);
    }
    return clock; // now: day 5
  }

  it('keeps N days: deletes resolved rows observed before the cut-off, keeps unresolved ones and every other table', async () => {
    await fiveDays();
    const audit = await count(host, 'audit_rows');
    // cut-off at day 2 noon: days 0 and 1 go, except their unresolved row of each day
    await expect(host.prune({ days: 3 }, { dryRun: true })).resolves.toMatchObject({
      deleted: 28,
      byAge: 28,
      byRows: 0,
    });
    expect(await count(host, 'vigil_predictions')).toBe(75); // a dry run deletes nothing
    await expect(host.prune({ days: 3 })).resolves.toEqual({
      deleted: 28,
      byAge: 28,
      byRows: 0,
      cutoff: '2024-03-03T12:00:00.000Z',
    });
    const left = await ids(host);
    expect(left).toHaveLength(47);
    expect(left.filter((id) => id.startsWith('d0-') || id.startsWith('d1-'))).toEqual([
      'd0-m1-000000000',
      'd1-m1-000000000',
    ]);
    expect(await count(host, 'audit_rows')).toBe(audit);
    // an outcome for a kept, unresolved old prediction still resolves
    await expect(host.resolve({ id: 'd0-m1-000000000', actualLabel: 0 })).resolves.toEqual({
      resolved: 1,
      unchanged: 0,
    });
    await expect(host.prune({ days: 3 })).resolves.toMatchObject({ deleted: 1 });
  });

  it('keeps N rows per model (newest by observation), and the config key is the default policy', async () => {
    await fiveDays({ retention: { rowsPerModel: 20 } });
    // m1: 50 rows, the newest 20 are days 3-4; of days 0-2, 27 are resolved. m2: 25 rows, the newest 20 are days 1-4; day 0's 5 are resolved.
    await expect(host.prune()).resolves.toEqual({ deleted: 32, byAge: 0, byRows: 32, cutoff: null });
    const left = await ids(host);
    expect(left.filter((id) => id.includes('-m1-'))).toHaveLength(23);
    expect(left.filter((id) => id.includes('-m2-'))).toHaveLength(20);
    await expect(host.prune()).resolves.toMatchObject({ deleted: 0 }); // idempotent
  });

  it('applies both limits without counting a row twice', async () => {
    await fiveDays();
    const dry = await host.prune({ days: 4, rowsPerModel: 20 }, { dryRun: true });
    const done = await host.prune({ days: 4, rowsPerModel: 20 });
    expect(done).toEqual(dry);
    expect(done.deleted).toBe(75 - (await count(host, 'vigil_predictions')));
    // day 0 goes by age (14 resolved); then m1's days 1-2 by rows (9 + 9); m2's day 0 already went by age
    expect(done).toMatchObject({ byAge: 14, byRows: 18 });
  });

  it('refuses a bad policy with a typed error naming the key, and deletes nothing', async () => {
    await fiveDays();
    for (const [policy, path] of [
      [{ days: 0 }, 'retention.days'],
      [{ rowsPerModel: 2.5 }, 'retention.rowsPerModel'],
      [{}, 'retention'],
    ] as const) {
      const e = await host.prune(policy).catch((x: unknown) => x);
      expect(
        isVigilError(e) && e.code === 'VIGIL_INVALID_INPUT' && e.issues[0]?.path === path,
        JSON.stringify(policy),
      ).toBe(true);
    }
    expect(await count(host, 'vigil_predictions')).toBe(75);
  });
});
