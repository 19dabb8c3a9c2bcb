import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from '@vigil/core';
import { gatePlugin, gateToken } from '@vigil/gate';
import { type VigilHost, createHost } from '@vigil/host';
import { seededRandom } from '@vigil/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, startChild } from './childProcess.js';
import { ensureBuilt } from './ensureBuilt.js';

const KILLS = Number(process.env.VIGIL_PROMOTION_KILLS ?? 20);
const POINTS = ['none', 'none', 'staged', 'beforeRename', 'afterLink', 'afterRename'] as const;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('promotion under SIGKILL at random points', () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-promo-crash-'));
  const models = join(root, 'models');
  const database: DatabaseConfig = { type: 'sqlite', path: join(root, 'vigil.db'), wal: true, busyTimeoutMs: 10_000 };
  const config = {
    database,
    log: { level: 'silent' as const },
    plugins: {
      gate: { options: { root, modelsDir: 'models', lockStaleMs: 2000, required: ['gate.overall_accuracy'] } },
    },
  };
  const bodies = { old: Buffer.alloc(300_000, 'o'), a: Buffer.alloc(2_000_000, 'a'), b: Buffer.alloc(1_500_000, 'b') };
  const known = new Map(Object.entries(bodies).map(([k, v]) => [sha(v), k]));
  const production = join(models, 'meta_learner_production.pkl');
  let host: VigilHost;

  beforeAll(async () => {
    ensureBuilt(['core', 'host', 'gate']);
    mkdirSync(models);
    writeFileSync(production, bodies.old);
    writeFileSync(join(models, 'a.pkl'), bodies.a);
    writeFileSync(join(models, 'b.pkl'), bodies.b);
    host = createHost({ config, plugins: [gatePlugin] });
    await host.start();
    const gate = host.container.resolve(gateToken);
    for (const c of ['a.pkl', 'b.pkl'])
      expect((await gate.validateModel(join(models, c), { accuracy: 0.7 })).approved).toBe(true);
  });
  afterAll(async () => {
    await host?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it(
    `${KILLS} kills: production is always old or new byte for byte, and the history names it`,
    async () => {
      const rand = seededRandom(4242);
      const tally: Record<string, number> = {};
      let promotionsAcked = 0;
      for (let round = 0; round < KILLS; round++) {
        const point = POINTS[Math.floor(rand() * POINTS.length)] as (typeof POINTS)[number];
        const occurrence = 1 + Math.floor(rand() * 3);
        const child = startChild('promoteLoopChild.mjs', [
          JSON.stringify(database),
          root,
          join(models, 'a.pkl'),
          join(models, 'b.pkl'),
          point,
          String(occurrence),
        ]);
        if (point === 'none') {
          await child.waitFor((l) => l === 'ready');
          await sleep(rand() * 400);
          child.proc.kill('SIGKILL');
        }
        const exit = await child.exited;
        expect(exit.signal, `round ${round} (${point}): ${exit.stderr}`).toBe('SIGKILL');
        promotionsAcked += child.lines.filter((l) => l.startsWith('promoted ')).length;

        // Production is one of the three models, whole: never torn, never missing.
        const prod = readFileSync(production);
        const which = known.get(sha(prod));
        expect(
          which,
          `round ${round} (${point} #${occurrence}): production is torn (${prod.length} bytes)`,
        ).toBeDefined();
        tally[`${point}:${which}`] = (tally[`${point}:${which}`] ?? 0) + 1;

        // Recovery, as a restart does it: under the lock (stale once the dead holder's 2 s pass),
        // the gate records a promotion the killed process finished on disk but not in the history.
        const gate = host.container.resolve(gateToken);
        let recovered: Awaited<ReturnType<typeof gate.reconcileProduction>> | undefined;
        while (!recovered) {
          recovered = await gate.reconcileProduction().catch(async (e) => {
            if (e.code !== 'VIGIL_CONFLICT') throw e;
            await sleep(200);
            return undefined;
          });
        }
        if (recovered.length) tally.recoveredRows = (tally.recoveredRows ?? 0) + recovered.length;
        // The history says what production holds: its latest promotion row names these bytes.
        const [last] = (await host.dataSource.query(
          'SELECT id, model_sha256, action FROM model_promotion_history WHERE promoted_to_production = 1 ORDER BY id DESC LIMIT 1',
        )) as { model_sha256: string }[];
        expect(
          last?.model_sha256 ?? sha(bodies.old),
          `round ${round} (${point} #${occurrence}): history disagrees with production (${which})`,
        ).toBe(sha(prod));
        // Every acknowledged promotion has its row; the chain is intact.
        const acked = child.lines.filter((l) => l.startsWith('promoted ')).length;
        if (acked)
          expect(
            Number(
              (
                await host.dataSource.query(
                  `SELECT COUNT(*) AS n FROM model_promotion_history WHERE action = 'promote' AND actor = 'child-${child.proc.pid}'`,
                )
              )[0].n,
            ),
          ).toBeGreaterThanOrEqual(acked);
        expect(await gate.verifyHistory()).toMatchObject({ ok: true });
      }
      // Leftover temp copies are removed by the next promotion under the lock; at most one remains.
      expect(readdirSync(models).filter((n) => n.includes('.tmp-')).length).toBeLessThanOrEqual(1);
      console.log(
        `promotion crash: ${KILLS} kills survived, ${promotionsAcked} promotions acknowledged; outcomes by kill point: ${JSON.stringify(tally)}`,
      );
    },
    Math.max(240_000, KILLS * 12_000),
  );
});
