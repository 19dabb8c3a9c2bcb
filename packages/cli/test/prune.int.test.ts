import { testDatabases } from '@vigil/host/testing';
import { makePredictions } from '@vigil/test-utils';
import { describe, expect, it } from 'vitest';
import { cliWorkspace } from './cliHarness.js';

describe.each(testDatabases())('vigil prune on %s', (database) => {
  it('applies the config retention or the flags, dry-runs, and refuses a bad value with exit 2', async () => {
    const w = await cliWorkspace(
      database,
      (dir) => `retention: { rowsPerModel: 30 }\nplugins:\n  gate:\n    options: { root: ${JSON.stringify(dir)} }\n`,
    );
    try {
      const recs = makePredictions(50);
      expect(
        (await w.cli(['observe', '--no-progress', w.file('p.jsonl', recs.map((r) => JSON.stringify(r)).join('\n'))]))
          .code,
      ).toBe(0);
      const outcomes = recs.slice(0, 40).map((r) => JSON.stringify({ id: r.id, actualLabel: 1 }));
      expect((await w.cli(['resolve', '--no-progress', w.file('o.jsonl', outcomes.join('\n'))])).code).toBe(0);

      const bad = await w.cli(['prune', '--days', '-3']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/retention\.days/);

      // 50 rows observed together (one observed_at): the 30 newest by id stay; of the 20 older, all resolved
      const dry = JSON.parse((await w.cli(['prune', '--dry-run', '--json'])).stdout);
      expect(dry).toMatchObject({ deleted: 20, byRows: 20, dryRun: true });
      const done = await w.cli(['prune']);
      expect(done.code).toBe(0);
      expect(done.stdout).toMatch(/deleted/);
      expect(JSON.parse((await w.cli(['prune', '--json'])).stdout)).toMatchObject({ deleted: 0 });
      // the flags override the config: nothing is older than a day
      expect(JSON.parse((await w.cli(['prune', '--days', '1', '--json'])).stdout)).toMatchObject({
        deleted: 0,
        byAge: 0,
      });
    } finally {
      await w.cleanup();
    }
  });
});
