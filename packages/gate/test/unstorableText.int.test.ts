import { isVigilError } from '@vigil/core';
import { createTestHost, testDatabases } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import { gatePlugin, gateToken } from '../src/index.js';
import { goodFigures, standIns, workspace } from './fixtures.js';

// Found by packages/reliability's fuzz test on PostgreSQL: a NUL in a refused model path or
// actor made the refusal's own history row fail to insert ("invalid byte sequence for encoding
// UTF8: 0x00"), so the attempt went unlogged; a NUL actor on an accepted call reached the driver.
describe.each(testDatabases())('text PostgreSQL cannot store, on %s', (database) => {
  it('refuses it in actor and notes naming the field, and still logs every refused attempt', async () => {
    const ws = workspace();
    const host = await createTestHost({
      database,
      plugins: [gatePlugin, ...standIns],
      config: { plugins: { gate: { options: ws.options } } },
    });
    try {
      const gate = host.container.resolve(gateToken);
      const cand = ws.write('cand.pkl', 'candidate');
      const e1 = await gate
        .validateModel(cand, goodFigures(), { actor: 'ops\u0000', notes: 'half\ud800' })
        .catch((e) => e);
      expect(isVigilError(e1, 'VIGIL_INVALID_INPUT')).toBe(true);
      expect(e1.issues.map((i: { path: string }) => i.path)).toEqual(['actor', 'notes']);
      const e2 = await gate.validateModel(`${cand}\u0000.txt`, goodFigures()).catch((e) => e);
      expect(isVigilError(e2)).toBe(true);
      const rows = (await host.dataSource.query(
        'SELECT model_path, actor, approved FROM model_promotion_history ORDER BY id',
      )) as { model_path: string; actor: string | null; approved: number }[];
      expect(rows).toHaveLength(2);
      expect(rows[0]?.actor).toBe('ops\\u0000');
      expect(rows[1]?.model_path).toBe(`${cand}\\u0000.txt`);
      expect(rows.every((r) => Number(r.approved) === 0)).toBe(true);
      expect(await gate.verifyHistory()).toMatchObject({ ok: true, rows: 2 });
    } finally {
      await host.dispose();
      ws.cleanup();
    }
  });
});
