import { createTestDatabase, testDatabases } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import type { ErrorInput } from '../src/validateErrors.js';
import { bufferOf, randomErrors, startReplayHost, tableRows } from './helpers.js';

/** The brute force: every error with score > 0, sorted by score desc then arrival, first n. */
function bruteTop(all: readonly ErrorInput[], n: number): string[] {
  return all
    .map((e, i) => ({ e, i, s: e.actualLabel === e.predictedLabel ? 0 : e.confidence }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, n)
    .map((x) => x.e.symbol);
}

describe.each(testDatabases())('top-N exactness on %s', (database) => {
  it.each([11, 22, 33])(
    'after 100,000 random addError calls the table is the brute-force top 1,000, also after a restart (seed %i)',
    async (seed) => {
      const db = await createTestDatabase(database);
      const options = { maxSize: 1000, symbolWindowDays: 0 };
      let host = await startReplayHost(db, options);
      try {
        const all = randomErrors(100_000, seed);
        const buffer = bufferOf(host);
        for (let i = 0; i < all.length; i += 5_000) await buffer.addErrors(all.slice(i, i + 5_000));
        // a few single calls on the same path
        for (const e of randomErrors(10, seed + 1, 100_000)) {
          await buffer.addError(e);
          all.push(e);
        }
        let rows = await tableRows(host);
        expect(rows.map((r) => r.symbol)).toEqual(bruteTop(all, 1000));
        expect(buffer.ranking().map((r) => r.id)).toEqual(rows.map((r) => r.id));

        await host.stop();
        host = await startReplayHost(db, options);
        const restarted = bufferOf(host);
        expect(restarted.size).toBe(1000);
        expect(restarted.ranking().map((r) => r.id)).toEqual(rows.map((r) => r.id));
        const more = randomErrors(20_000, seed + 2, 100_010);
        for (let i = 0; i < more.length; i += 5_000) await restarted.addErrors(more.slice(i, i + 5_000));
        all.push(...more);
        rows = await tableRows(host);
        expect(rows.map((r) => r.symbol)).toEqual(bruteTop(all, 1000));
        expect(restarted.ranking().map((r) => r.id)).toEqual(rows.map((r) => r.id));
        // ids keep arrival order across the restart: later rows never reuse an earlier id
        expect(new Set(rows.map((r) => r.id)).size).toBe(1000);
      } finally {
        await host.dispose();
        await db.cleanup();
      }
    },
  );

  it('a smaller maxSize on restart trims the table to the new top', async () => {
    const db = await createTestDatabase(database);
    let host = await startReplayHost(db, { maxSize: 300, symbolWindowDays: 0 });
    try {
      const all = randomErrors(2_000, 5);
      await bufferOf(host).addErrors(all);
      // the newest row is strong enough to survive a trim to 120 but not one to 1
      await bufferOf(host).addError({ ...all[0]!, symbol: 'WEAK', confidence: 0.995 });
      const newest = Math.max(...(await tableRows(host)).map((r) => r.id));
      await host.stop();
      host = await startReplayHost(db, { maxSize: 120, symbolWindowDays: 0 });
      const trimmed = await tableRows(host);
      expect(bufferOf(host).size).toBe(120);
      expect(trimmed.map((r) => r.id)).toContain(newest);
      await host.stop();
      host = await startReplayHost(db, { maxSize: 1, symbolWindowDays: 0 });
      expect((await tableRows(host)).map((r) => r.id)).not.toContain(newest);
      await host.stop();
      host = await startReplayHost(db, { maxSize: 120, symbolWindowDays: 0 });
      await bufferOf(host).addError({ ...all[0]!, symbol: 'NEW', actualLabel: 1, predictedLabel: 0, confidence: 1 });
      const fresh = (await tableRows(host)).find((r) => r.symbol === 'NEW');
      // ids never go backwards, even when the newest row was trimmed away before the restart
      expect(fresh?.id).toBeGreaterThan(newest);
    } finally {
      await host.dispose();
      await db.cleanup();
    }
  });
});
