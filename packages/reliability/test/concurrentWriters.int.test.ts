import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { createHost } from '@vigil/host';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';
import { createTestDatabase, testDatabases } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import { memoryVersusTables } from './aggregates.js';
import { startChild } from './childProcess.js';
import { fullConfig } from './children/workload.mjs';
import { ensureBuilt } from './ensureBuilt.js';

const BATCHES = Number(process.env.VIGIL_WRITER_BATCHES ?? 40);
const BATCH = 50;
const WRITERS = ['a', 'b'] as const;

describe.each(testDatabases())('two host processes writing one %s database at once', (database) => {
  it(
    'loses and duplicates no row, surfaces no busy error, and a restarted host agrees with the tables',
    async () => {
      ensureBuilt();
      const db = await createTestDatabase(database);
      const root = mkdtempSync(join(tmpdir(), 'vigil-writers-'));
      try {
        // Both start on a fresh database: they race through the migrations too.
        const children = WRITERS.map((w) =>
          startChild('ingestChild.mjs', [JSON.stringify(db.config), root, w, '0', String(BATCH), String(BATCHES)], {
            VIGIL_CHILD_LOG_LEVEL: 'debug',
          }),
        );
        const exits = await Promise.all(children.map((c) => c.exited));
        for (const [i, x] of exits.entries()) expect(x.code, `writer ${WRITERS[i]}: ${x.stderr.slice(-4000)}`).toBe(0);
        // The host's transactor logs each busy retry at debug level; none reached the caller (exit 0).
        const busyRetries = exits.reduce(
          (n, x) => n + (x.stderr.match(/database busy; retrying transaction/g)?.length ?? 0),
          0,
        );
        for (const c of children) {
          expect(c.lines.at(-1)).toBe('done');
          expect(c.lines.filter((l) => l.startsWith('obs '))).toHaveLength(BATCHES);
          expect(c.lines.filter((l) => l.startsWith('res '))).toHaveLength(BATCHES);
        }

        const host = createHost({
          config: fullConfig(db.config, root),
          plugins: [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin],
        });
        await host.start();
        try {
          const q = async (sql: string) => (await host.dataSource.query(sql)) as Record<string, unknown>[];
          const expected = WRITERS.length * BATCHES * BATCH;
          const [preds] = await q(
            'SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d, COUNT(actual_label) AS r FROM vigil_predictions',
          );
          expect({ n: Number(preds?.n), d: Number(preds?.d), r: Number(preds?.r) }).toEqual({
            n: expected,
            d: expected,
            r: expected,
          });
          const [tracked] = await q(
            'SELECT COUNT(*) AS n, COUNT(DISTINCT prediction_id) AS d, COUNT(actual_label) AS r FROM sector_performance',
          );
          expect({ n: Number(tracked?.n), d: Number(tracked?.d), r: Number(tracked?.r) }).toEqual({
            n: expected,
            d: expected,
            r: expected,
          });
          for (const w of WRITERS) {
            const [own] = await q(`SELECT COUNT(*) AS n FROM vigil_predictions WHERE id LIKE '${w}b%'`);
            expect(Number(own?.n)).toBe(BATCHES * BATCH);
          }
          const v = await memoryVersusTables(host);
          expect(v.sectors.memory).toEqual(v.sectors.table);
          expect(v.replay.ranking).toEqual(v.replay.stored);
          expect(v.replay.storedRows).toBeLessThanOrEqual(v.replay.maxSize);
          console.log(
            `concurrent writers on ${database}: ${WRITERS.length} processes, ${expected} predictions observed and resolved, ${expected} tracked rows, no lost or duplicated row; ${busyRetries} busy retries absorbed by the transactor`,
          );
        } finally {
          await host.stop();
        }
      } finally {
        await db.cleanup();
        rmSync(root, { recursive: true, force: true });
      }
    },
    Math.max(180_000, BATCHES * 4_000),
  );
});
