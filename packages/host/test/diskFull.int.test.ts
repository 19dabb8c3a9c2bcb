import { MemoryLogger, definePlugin } from '@vigil/core';
import { createTestDatabase, createTestHost } from '@vigil/host/testing';
import { makePredictions } from '@vigil/test-utils';
import { describe, expect, it } from 'vitest';

// Issue 16 item 12: SQLite rolls a transaction back by itself on SQLITE_FULL; the transactor then
// tried to roll back again and logged "rollback failed ... no transaction is active" before the
// real error, sending operators after the wrong problem.
describe('a full disk (SQLITE_FULL)', () => {
  it('reports the full disk alone: no spurious rollback error, nothing of the batch kept, later batches fine once there is room', async () => {
    const db = await createTestDatabase('sqlite-file');
    const logger = new MemoryLogger();
    const host = await createTestHost({ plugins: [], database: db, logger });
    try {
      await host.observe(makePredictions(10, { idPrefix: 'a' }));
      const pages = Number((await host.dataSource.query('PRAGMA page_count'))[0].page_count);
      // the "disk" holds a few more pages: enough to start a large batch, not to finish it
      await host.dataSource.query(`PRAGMA max_page_count = ${pages + 20}`);
      const err = await host.observe(makePredictions(5000, { idPrefix: 'b' })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(String(err?.message)).toMatch(/SQLITE_FULL/);
      expect(logger.lines.filter((l) => l.level === 'error').map((l) => `${l.msg} ${JSON.stringify(l.ctx)}`)).toEqual(
        [],
      );
      expect(Number((await host.dataSource.query('SELECT COUNT(*) AS n FROM vigil_predictions'))[0].n)).toBe(10);
      await host.dataSource.query('PRAGMA max_page_count = 1073741823');
      expect(await host.observe(makePredictions(5000, { idPrefix: 'b' }))).toEqual({ accepted: 5000, duplicates: 0 });
    } finally {
      await host.dispose();
      await db.cleanup();
    }
  });

  it('after SQLite ended a transaction by itself, the next transactions begin and commit normally', async () => {
    const db = await createTestDatabase('sqlite-file');
    const logger = new MemoryLogger();
    let failNext = true;
    // stands in for SQLite's own rollback on SQLITE_FULL / SQLITE_IOERR: the transaction ends under the transactor
    const sabotage = definePlugin({
      id: 'sabotage',
      deps: {},
      init: () => ({
        hooks: {
          async observe(_records, { manager }) {
            if (!failNext) return;
            failNext = false;
            await manager.query('ROLLBACK');
            throw new Error('simulated SQLITE_FULL: database or disk is full');
          },
        },
      }),
    });
    let host = await createTestHost({ plugins: [sabotage], database: db, logger });
    try {
      await expect(host.observe(makePredictions(5, { idPrefix: 'x' }))).rejects.toThrow(/simulated SQLITE_FULL/);
      expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
      expect(await host.observe(makePredictions(7, { idPrefix: 'y' }))).toEqual({ accepted: 7, duplicates: 0 });
      expect(await host.observe(makePredictions(3, { idPrefix: 'z' }))).toEqual({ accepted: 3, duplicates: 0 });
      await host.stop();
      // committed for real: a fresh host over the same file sees exactly the two later batches
      host = await createTestHost({ plugins: [], database: db });
      expect(Number((await host.dataSource.query('SELECT COUNT(*) AS n FROM vigil_predictions'))[0].n)).toBe(10);
    } finally {
      await host.dispose();
      await db.cleanup();
    }
  });
});
