import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestDatabase, createTestHost, testDatabases } from '@vigil/host/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { gatePlugin, gateToken } from '../src/index.js';
import { goodFigures, standIns, workspace } from './fixtures.js';

const run = promisify(execFile);
const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The child processes run the built dist; rebuild it when any source file is newer. */
function ensureBuilt(): void {
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  let built = 0;
  try {
    built = statSync(join(pkg, 'dist', 'index.js')).mtimeMs;
  } catch {}
  if (built < newest(join(pkg, 'src')))
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: pkg, stdio: 'inherit' });
}

describe.each(testDatabases())('gate promotion across processes on %s', (database) => {
  beforeAll(ensureBuilt, 120_000);

  it('two processes promoting at once: exactly one promotion, production byte-identical to one candidate', async () => {
    const ws = workspace();
    const db = await createTestDatabase(database);
    const host = await createTestHost({
      database: db,
      plugins: [gatePlugin, ...standIns],
      config: { plugins: { gate: { options: ws.options } } },
    });
    try {
      ws.write('meta_learner_production.pkl', 'old');
      const bodies = ['A', 'B'].map((t) => Buffer.alloc(256 * 1024, t));
      const cands = bodies.map((b, i) => ws.write(`cand${i}.pkl`, b));
      const gate = host.container.resolve(gateToken);
      for (const c of cands) await gate.validateModel(c, goodFigures());
      const barrier = join(ws.root, 'barrier');
      mkdirSync(barrier);
      const outs = await Promise.all(
        cands.map((c, i) =>
          run(
            process.execPath,
            [join(pkg, 'test', 'promoteChild.mjs'), JSON.stringify(db.config), ws.root, c, barrier, String(i), '800'],
            { cwd: pkg },
          ),
        ),
      );
      const results = outs.map((o) => JSON.parse(o.stdout.trim()));
      const winners = results.filter((r) => r.ok);
      const losers = results.filter((r) => !r.ok);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(losers[0]).toMatchObject({ code: 'VIGIL_CONFLICT' });
      const prod = readFileSync(join(ws.models, 'meta_learner_production.pkl'));
      const winner = results.findIndex((r) => r.ok);
      expect(prod.equals(bodies[winner] as Buffer)).toBe(true);
      const promoted = (await host.dataSource.query(
        'SELECT actor FROM model_promotion_history WHERE promoted_to_production = 1',
      )) as { actor: string }[];
      expect(promoted).toEqual([{ actor: `child-${winner}` }]);
      expect(await gate.verifyHistory()).toMatchObject({ ok: true, rows: 4 });
    } finally {
      await host.dispose();
      await db.cleanup();
      ws.cleanup();
    }
  });

  it('a process killed between copy and rename leaves the old production model intact; the next promotion cleans up', async () => {
    const ws = workspace();
    const db = await createTestDatabase(database);
    const host = await createTestHost({
      database: db,
      plugins: [gatePlugin, ...standIns],
      config: { plugins: { gate: { options: { ...ws.options, lockStaleMs: 2000 } } } },
    });
    try {
      ws.write('meta_learner_production.pkl', 'old production');
      const cand = ws.write('v2.pkl', Buffer.alloc(64 * 1024, 'n'));
      const gate = host.container.resolve(gateToken);
      await gate.validateModel(cand, goodFigures());
      const barrier = join(ws.root, 'barrier');
      mkdirSync(barrier);
      const died = await run(
        process.execPath,
        [join(pkg, 'test', 'promoteChild.mjs'), JSON.stringify(db.config), ws.root, cand, barrier, '0', 'crash'],
        { cwd: pkg },
      ).catch((e) => e);
      expect(died.signal).toBe('SIGKILL');
      expect(readFileSync(join(ws.models, 'meta_learner_production.pkl'), 'utf8')).toBe('old production');
      const leftovers = readdirSync(ws.models).filter((n) => n.includes('.tmp-'));
      expect(leftovers).toHaveLength(1);
      expect(
        await host.dataSource.query('SELECT id FROM model_promotion_history WHERE promoted_to_production = 1'),
      ).toEqual([]);
      // The dead process's lock goes stale (lockStaleMs 2000); until then promotions are refused.
      let r: Awaited<ReturnType<typeof gate.promoteModel>> | undefined;
      for (let i = 0; i < 100 && !r; i++) {
        r = await gate.promoteModel(cand, { modelVersion: 'v1' }).catch((e) => {
          if (e.code !== 'VIGIL_CONFLICT') throw e;
          return new Promise<undefined>((res) => setTimeout(() => res(undefined), 200));
        });
      }
      expect(r?.action).toBe('promote');
      expect(readFileSync(join(ws.models, 'meta_learner_production.pkl')).equals(Buffer.alloc(64 * 1024, 'n'))).toBe(
        true,
      );
      expect(readdirSync(ws.models).filter((n) => n.includes('.tmp-'))).toEqual([]);
      expect(await gate.verifyHistory()).toMatchObject({ ok: true });
    } finally {
      await host.dispose();
      await db.cleanup();
      ws.cleanup();
    }
  });
});
