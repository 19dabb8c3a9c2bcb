import { createDataSource, insertRows, tuneDataSource } from '@vigil/core';
import { createTestDatabase, type TestDatabaseHandle, testDatabases } from '@vigil/host/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';

// insertRows keeps each statement shape prepared per SQLite connection (core/src/preparedStatements.ts):
// these pin down that reuse changes nothing a caller sees, and that a data source with cached
// statements still closes (SQLite refuses to close a connection with unfinalized statements).
describe.each(testDatabases())('insertRows with statements reused across batches on %s', (kind) => {
  let db: TestDatabaseHandle;
  let ds: DataSource | undefined;
  const open = async (): Promise<DataSource> => {
    const source = createDataSource(db.config, { entities: [], migrations: [] });
    await source.initialize();
    await tuneDataSource(source, db.config);
    return source;
  };
  const rows = async (source: DataSource, table = 't'): Promise<{ k: string; v: number }[]> =>
    ((await source.query(`SELECT k, v FROM ${table} ORDER BY k`)) as { k: string; v: unknown }[]).map((r) => ({
      k: r.k,
      v: Number(r.v),
    }));
  const insert = (m: EntityManager, from: number, count: number, table = 't') =>
    insertRows(m, table, ['k', 'v'], count, (i, p, at) => {
      p[at] = `k${String(from + i).padStart(6, '0')}`;
      p[at + 1] = from + i;
    });
  const inTx = (source: DataSource, work: (m: EntityManager) => Promise<void>) => source.transaction(work);

  afterEach(async () => {
    if (ds?.isInitialized) await ds.destroy();
    ds = undefined;
    await db.cleanup();
  });

  it('writes every row of batches that reuse one statement shape, and the data source still closes', async () => {
    db = await createTestDatabase(kind);
    ds = await open();
    await ds.query('CREATE TABLE t (k text PRIMARY KEY, v integer NOT NULL)');
    // 2 columns: 2,000 rows a statement; batches of 5,000 reuse the full shape and the 1,000-row remainder
    for (let b = 0; b < 4; b++) await inTx(ds, (m) => insert(m, b * 5_000, 5_000));
    const got = await rows(ds);
    expect(got).toHaveLength(20_000);
    expect(got.every((r, i) => r.v === i && r.k === `k${String(i).padStart(6, '0')}`)).toBe(true);
    await expect(ds.destroy()).resolves.toBeUndefined();
    // the file is whole after the close: reopened, every row is there
    ds = await open();
    expect(await rows(ds)).toHaveLength(20_000);
  });

  it('a statement that fails (a duplicate key) rolls its transaction back; the same statement then works', async () => {
    db = await createTestDatabase(kind);
    ds = await open();
    await ds.query('CREATE TABLE t (k text PRIMARY KEY, v integer NOT NULL)');
    await inTx(ds, (m) => insert(m, 0, 10));
    const err = await inTx(ds, async (m) => {
      await insert(m, 100, 10);
      await insert(m, 5, 10); // k000005 exists
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/UNIQUE|duplicate key/);
    expect((err as { code?: string }).code).toMatch(/SQLITE_CONSTRAINT|23505/);
    expect(await rows(ds)).toHaveLength(10);
    await inTx(ds, (m) => insert(m, 10, 10));
    expect((await rows(ds)).map((r) => r.v)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await expect(ds.destroy()).resolves.toBeUndefined();
  });

  it('many shapes (more than are kept) and a table recreated with other columns still insert the right rows', async () => {
    db = await createTestDatabase(kind);
    ds = await open();
    await ds.query('CREATE TABLE t (k text PRIMARY KEY, v integer NOT NULL)');
    // 40 shapes of ~1,980 rows x 2 columns: more bound parameters than a connection keeps, so the oldest are dropped
    let next = 0;
    for (let n = 1; n <= 40; n++) {
      await inTx(ds, (m) => insert(m, next, 1_960 + n));
      next += 1_960 + n;
    }
    // and used again after they were dropped
    for (let n = 1; n <= 3; n++) {
      await inTx(ds, (m) => insert(m, next, 1_960 + n));
      next += 1_960 + n;
    }
    expect((await rows(ds)).map((r) => r.v)).toEqual(Array.from({ length: next }, (_, i) => i));
    // a statement prepared against the old table is prepared again by SQLite against the new one
    await ds.query('DROP TABLE t');
    await ds.query('CREATE TABLE t (x integer, k text PRIMARY KEY, v integer NOT NULL)');
    await inTx(ds, (m) => insert(m, 0, 3));
    expect(await rows(ds)).toEqual([
      { k: 'k000000', v: 0 },
      { k: 'k000001', v: 1 },
      { k: 'k000002', v: 2 },
    ]);
    // and a statement against a table that is gone fails as a query error, and is not kept
    await ds.query('DROP TABLE t');
    await expect(inTx(ds, (m) => insert(m, 0, 3))).rejects.toThrow(/no such table|does not exist/);
    await ds.query('CREATE TABLE t (k text PRIMARY KEY, v integer NOT NULL)');
    await inTx(ds, (m) => insert(m, 0, 3));
    expect(await rows(ds)).toHaveLength(3);
    await expect(ds.destroy()).resolves.toBeUndefined();
  });

  // SQLite only: the statement cache is SQLite's (PostgreSQL goes through manager.query, whose pool waits for its clients)
  it.skipIf(kind === 'postgres')(
    'a data source closed while an insert is still running closes; the insert ends written or refused as closed',
    async () => {
      db = await createTestDatabase(kind);
      ds = await open();
      await ds.query('CREATE TABLE t (k text PRIMARY KEY, v integer NOT NULL)');
      await insert(ds.manager, 0, 4_000); // the full shape is prepared and cached
      const running = insert(ds.manager, 4_000, 4_000).then(
        () => 'written',
        (e: Error) => e.message,
      );
      const closing = ds.destroy();
      await expect(closing).resolves.toBeUndefined();
      // a statement left unfinalized would have made the close fail (SQLITE_BUSY: unable to close due to unfinalized statements)
      expect(await running).toMatch(/^written$|closed|not (set|established|initialized)/i);
      ds = await open();
      // whatever the insert managed before the close is whole statements (2,000 rows each)
      expect((await rows(ds)).length % 2_000).toBe(0);
    },
  );
});
