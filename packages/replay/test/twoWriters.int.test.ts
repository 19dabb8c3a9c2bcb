import { createTestDatabase, testDatabases } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import { bufferOf, randomErrors, startReplayHost, tableRows } from './helpers.js';

// Two hosts on one database (two processes in production; two data sources here) used to take
// buffer ids from their own in-memory counters, so the second writer's insert collided with
// the first's row (UNIQUE constraint failed: error_replay_buffer.id), found by
// packages/reliability's concurrent-writers test. Each write now re-reads the table when
// another writer moved the buffer's generation on.
describe.each(testDatabases())('two buffer writers on one %s database', (database) => {
  it('never reuse an id, keep exactly the top maxSize, and a restart agrees with the table', async () => {
    const db = await createTestDatabase(database);
    const options = { maxSize: 40, symbolWindowDays: 0 };
    const a = await startReplayHost(db, options);
    const b = await startReplayHost(db, options);
    try {
      const all = randomErrors(400, 7);
      for (let i = 0; i < all.length; i += 20) {
        const [w, o] = (i / 20) % 3 === 0 ? [a, b] : [b, a];
        await Promise.all([
          bufferOf(w).addErrors(all.slice(i, i + 10)),
          bufferOf(o).addErrors(all.slice(i + 10, i + 20)),
        ]);
      }
      const rows = await tableRows(a);
      expect(rows).toHaveLength(40);
      // The table holds exactly the 40 highest scores of everything offered.
      const scores = all
        .filter((e) => e.predictedLabel !== e.actualLabel)
        .map((e) => e.confidence)
        .sort((x, y) => y - x);
      expect(rows.map((r) => r.score)).toEqual(scores.slice(0, 40));
      // Each writer's index follows the other's writes at its next write.
      await bufferOf(a).addErrors(
        randomErrors(1, 99, 1000).map((e) => ({ ...e, predictedLabel: 1 - e.actualLabel, confidence: 1 })),
      );
      expect(
        bufferOf(a)
          .ranking()
          .map((r) => r.id)
          .sort(),
      ).toEqual((await tableRows(a)).map((r) => r.id).sort());
    } finally {
      await b.stop();
      await a.stop();
    }
    const c = await startReplayHost(db, options);
    try {
      const rows = await tableRows(c);
      expect(bufferOf(c).ranking()).toEqual(rows.map((r) => ({ id: r.id, score: r.score })));
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    } finally {
      await c.stop();
      await db.cleanup();
    }
  });
});
