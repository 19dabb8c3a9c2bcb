import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestHost } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import { childrenDir } from './childProcess.js';
import { ensureBuilt } from './ensureBuilt.js';

// Issue 16 item 12. A file-size cap (`ulimit -f`, with SIGXFSZ ignored so the write fails instead
// of killing the process) stands in for a full disk: SQLite's write fails mid-transaction and
// SQLite rolls the transaction back by itself. The transactor then tried a second rollback and
// logged "rollback failed ... cannot rollback - no transaction is active" before the real error.
describe.skipIf(process.platform === 'win32')('a disk that fills up during ingest', () => {
  it('fails with the disk error alone, keeps every committed batch and nothing of the failed one', async () => {
    ensureBuilt(['core', 'host', 'test-utils']);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-full-'));
    const path = join(dir, 'vigil.db');
    try {
      const r = spawnSync(
        'bash',
        [
          '-c',
          `trap '' XFSZ; ulimit -f 6000; exec "${process.execPath}" "${join(childrenDir, 'fullDiskChild.mjs')}" "${path}"`,
        ],
        { encoding: 'utf8' },
      );
      const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as {
        committed: number;
        error?: { code: string; message: string };
        errors: string[];
      };
      expect(out.error?.message).toMatch(/SQLITE_(FULL|IOERR)/);
      expect(out.committed).toBeGreaterThan(0);
      expect(out.errors).toEqual([]);
      // with room again, the file opens and holds exactly the committed batches
      const host = await createTestHost({
        plugins: [],
        database: { config: { type: 'sqlite', path, wal: true, busyTimeoutMs: 10_000 }, cleanup: async () => {} },
      });
      try {
        expect(Number((await host.dataSource.query('SELECT COUNT(*) AS n FROM vigil_predictions'))[0].n)).toBe(
          out.committed * 2000,
        );
        expect((await host.dataSource.query('PRAGMA integrity_check'))[0].integrity_check).toBe('ok');
      } finally {
        await host.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
