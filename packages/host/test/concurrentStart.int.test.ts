import { createTestDatabase, testDatabases } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import { createHost } from '../src/createHost.js';
import { auditPlugin, laterPlugin } from './fixtures.js';

// Two Vigil processes starting together on a fresh PostgreSQL database raced through the
// migrations: concurrent CREATE TABLE IF NOT EXISTS fails on PostgreSQL ("duplicate key value
// violates unique constraint pg_type_typname_nsp_index"), so one of them failed to start.
// Found by packages/reliability's concurrent-writers test.
describe.each(testDatabases())('hosts starting at once on one fresh %s database', (database) => {
  it('all start; every migration is applied once', async () => {
    const db = await createTestDatabase(database);
    const hosts = Array.from({ length: 4 }, () =>
      createHost({ config: { database: db.config, log: { level: 'silent' } }, plugins: [auditPlugin, laterPlugin] }),
    );
    try {
      const results = await Promise.allSettled(hosts.map((h) => h.start()));
      expect(
        results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
      ).toEqual([]);
      const log = (await hosts[0]?.dataSource.query('SELECT name FROM vigil_migrations')) as { name: string }[];
      expect(new Set(log.map((r) => r.name)).size).toBe(log.length);
    } finally {
      await Promise.allSettled(hosts.map((h) => h.stop()));
      await db.cleanup();
    }
  });
});
