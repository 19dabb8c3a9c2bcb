import { makePredictions } from '@vigil/test-utils';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, createTestHost, testDatabases } from '../src/testing/testHost.js';

describe.each(testDatabases())('createTestDatabase (%s)', (kind) => {
  it('gives each test its own database, which a host can use and cleanup removes', async () => {
    const a = await createTestDatabase(kind);
    const b = await createTestDatabase(kind);
    try {
      expect(a.config).not.toEqual(b.config);
      const host = await createTestHost({ plugins: [], database: a });
      await host.observe(makePredictions(3));
      const other = await createTestHost({ plugins: [], database: b });
      expect(Number((await other.dataSource.query('SELECT COUNT(*) AS n FROM vigil_predictions'))[0].n)).toBe(0);
      await host.dispose();
      await other.dispose();
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });
});
