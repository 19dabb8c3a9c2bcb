import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, createTestHost, testDatabases } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import { gatePlugin, gateToken } from '../src/index.js';
import { goodFigures, standIns, workspace } from './fixtures.js';

const history = async (host: { dataSource: { query(sql: string): Promise<unknown> } }) =>
  (await host.dataSource.query(
    'SELECT id, action, promoted_to_production, model_sha256, actor, criteria_json FROM model_promotion_history ORDER BY id',
  )) as {
    id: number;
    action: string;
    promoted_to_production: number;
    model_sha256: string;
    actor: string | null;
    criteria_json: string;
  }[];

// A promotion renames the model into place inside its history transaction: a process killed
// after the rename and before the commit (found by packages/reliability's SIGKILL test) left
// production holding approved bytes that no history row named.
describe.each(testDatabases())('gate recovery of an interrupted promotion on %s', (database) => {
  it('a restart records the promotion the killed process completed on disk; the next promotion follows it', async () => {
    const ws = workspace();
    const db = await createTestDatabase(database);
    const config = { plugins: { gate: { options: ws.options } } };
    let host = await createTestHost({ database: db, plugins: [gatePlugin, ...standIns], config });
    try {
      ws.write('meta_learner_production.pkl', 'hand-placed first model');
      const a = ws.write('a.pkl', 'candidate a');
      const b = ws.write('b.pkl', 'candidate b');
      const gate = host.container.resolve(gateToken);
      const va = await gate.validateModel(a, goodFigures());
      await gate.validateModel(b, goodFigures());
      // What the killed promotion left: production replaced, its row rolled back.
      copyFileSync(a, join(ws.models, 'meta_learner_production.pkl'));
      await host.stop();

      host = await createTestHost({ database: db, plugins: [gatePlugin, ...standIns], config });
      const after = await history(host);
      expect(after).toHaveLength(3);
      const recovered = after[2];
      expect(recovered).toMatchObject({
        action: 'promote',
        promoted_to_production: 1,
        model_sha256: va.modelSha256,
        actor: null,
      });
      expect(JSON.parse(recovered?.criteria_json ?? '{}')).toMatchObject({
        recovered: true,
        decisionId: va.historyId,
        kind: 'file',
      });

      // Nothing more to record on the next start; a promotion of b now follows the recovered row.
      const gate2 = host.container.resolve(gateToken);
      expect(await gate2.reconcileProduction()).toEqual([]);
      await gate2.promoteModel(b, { modelVersion: 'v1' });
      expect((await history(host)).filter((r) => Number(r.promoted_to_production) === 1).map((r) => r.action)).toEqual([
        'promote',
        'promote',
      ]);
      expect(await gate2.verifyHistory()).toMatchObject({ ok: true, rows: 4 });
    } finally {
      await host.dispose();
      await db.cleanup();
      ws.cleanup();
    }
  });

  it('a production model no gate decision covers (placed by hand) is left alone, not recorded', async () => {
    const ws = workspace();
    const host = await createTestHost({
      database,
      plugins: [gatePlugin, ...standIns],
      config: { plugins: { gate: { options: ws.options } } },
    });
    try {
      ws.write('meta_learner_production.pkl', 'hand-placed');
      expect(await host.container.resolve(gateToken).reconcileProduction()).toEqual([]);
      expect(await history(host)).toEqual([]);
    } finally {
      await host.dispose();
      ws.cleanup();
    }
  });
});
