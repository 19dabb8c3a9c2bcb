import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from '@vigil/core';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { createHost } from '@vigil/host';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';
import { seededRandom } from '@vigil/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryVersusTables } from './aggregates.js';
import { sleep, startChild } from './childProcess.js';
import { fullConfig } from './children/workload.mjs';
import { ensureBuilt } from './ensureBuilt.js';
import { openSqlite } from './sqliteFile.js';

const KILLS = Number(process.env.VIGIL_CRASH_KILLS ?? 20);
const BATCH = 40;
const PREFIX_LEN = 'ab000000-'.length;

interface BatchCounts {
  readonly observed: number;
  readonly resolved: number;
  readonly tracked: number;
  readonly trackedResolved: number;
}

async function batchCounts(path: string): Promise<{ integrity: string; batches: Map<number, BatchCounts> }> {
  const db = await openSqlite(path);
  try {
    const [integrity] = await db.all<{ integrity_check: string }>('PRAGMA integrity_check');
    const preds = await db.all<{ b: string; n: number; r: number }>(
      `SELECT substr(id, 1, ${PREFIX_LEN}) AS b, COUNT(*) AS n, COUNT(actual_label) AS r FROM vigil_predictions GROUP BY b`,
    );
    const tracked = await db.all<{ b: string; n: number; r: number }>(
      `SELECT substr(prediction_id, 1, ${PREFIX_LEN}) AS b, COUNT(*) AS n, COUNT(actual_label) AS r FROM sector_performance GROUP BY b`,
    );
    const batches = new Map<number, BatchCounts>();
    const num = (b: string) => Number(b.slice(2, 8));
    for (const p of preds) batches.set(num(p.b), { observed: p.n, resolved: p.r, tracked: 0, trackedResolved: 0 });
    for (const t of tracked) {
      const prev = batches.get(num(t.b)) ?? { observed: 0, resolved: 0, tracked: 0, trackedResolved: 0 };
      batches.set(num(t.b), { ...prev, tracked: t.n, trackedResolved: t.r });
    }
    return { integrity: integrity?.integrity_check ?? 'no answer', batches };
  } catch (e) {
    // Before the first migration committed there are no tables: nothing was acknowledged either.
    if (/no such table/.test(String(e)))
      return {
        integrity: (await db.all<{ integrity_check: string }>('PRAGMA integrity_check'))[0]?.integrity_check ?? '',
        batches: new Map(),
      };
    throw e;
  } finally {
    await db.close();
  }
}

describe('crash safety: a writer killed with SIGKILL at random points', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
  const database: DatabaseConfig = { type: 'sqlite', path: join(dir, 'vigil.db'), wal: true, busyTimeoutMs: 10_000 };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    `survives ${KILLS} kills: integrity ok, acknowledged batches whole, none half-present, memory equals tables after restart`,
    async () => {
      ensureBuilt();
      const rand = seededRandom(20261130);
      const acked = { obs: new Set<number>(), res: new Set<number>() };
      let next = 0;
      let kills = 0;
      let rowsChecked = 0;
      for (let round = 0; round < KILLS; round++) {
        const child = startChild('ingestChild.mjs', [
          JSON.stringify(database),
          dir,
          'a',
          String(next),
          String(BATCH),
          '-1',
        ]);
        // A quarter of the kills land during start-up (migrations, plugin start); the rest mid-ingestion.
        if (rand() < 0.25) await sleep(rand() * 900);
        else {
          await child.waitFor((l) => l === 'ready');
          await sleep(rand() * 700);
        }
        child.proc.kill('SIGKILL');
        const exit = await child.exited;
        expect(exit.signal, `round ${round} ended by itself: ${exit.stderr}`).toBe('SIGKILL');
        kills++;
        for (const l of child.lines) {
          const [what, k] = l.split(' ');
          if (what === 'obs' || what === 'res') acked[what].add(Number(k));
        }

        const { integrity, batches } = await batchCounts(database.path);
        expect(integrity, `round ${round}`).toBe('ok');
        for (const [k, c] of batches) {
          // Whole or absent, in the prediction log and in sector_performance alike.
          expect(c.observed, `round ${round} batch ${k}`).toBe(BATCH);
          expect(c.tracked, `round ${round} batch ${k} tracked`).toBe(BATCH);
          expect([0, BATCH], `round ${round} batch ${k} resolved`).toContain(c.resolved);
          expect(c.trackedResolved, `round ${round} batch ${k} resolved in sector_performance`).toBe(c.resolved);
          rowsChecked += c.observed + c.tracked;
        }
        for (const k of acked.obs)
          expect(batches.get(k)?.observed, `acknowledged batch ${k} lost in round ${round}`).toBe(BATCH);
        for (const k of acked.res)
          expect(batches.get(k)?.resolved, `acknowledged outcomes of batch ${k} lost in round ${round}`).toBe(BATCH);
        // Batches are written in order, so the ones present are 0..next-1.
        next = batches.size;
        expect([...batches.keys()].sort((a, b) => a - b)).toEqual([...Array(next).keys()]);

        // Restart: the in-memory aggregates rebuilt from the tables equal a GROUP BY over them.
        if (batches.size > 0) {
          const host = createHost({
            config: fullConfig(database, dir),
            plugins: [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin],
          });
          await host.start();
          try {
            const v = await memoryVersusTables(host);
            expect(v.sectors.memory).toEqual(v.sectors.table);
            expect(v.replay.ranking).toEqual(v.replay.stored);
            expect(v.replay.storedRows).toBeLessThanOrEqual(v.replay.maxSize);
          } finally {
            await host.stop();
          }
        }
      }
      console.log(
        `crash safety: ${kills} kills survived, ${next} batches (${next * BATCH} predictions) on disk, ${acked.obs.size} observe and ${acked.res.size} resolve acknowledgements held, ${rowsChecked} row counts checked`,
      );
      expect(kills).toBe(KILLS);
      expect(next).toBeGreaterThan(0);
      expect(acked.res.size).toBeGreaterThan(0);
    },
    Math.max(240_000, KILLS * 12_000),
  );
});
