import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupStamp, listBackups, nextBackupPath, restoreBackup, stageModel } from './installModel.js';
import { hashModel } from './modelFiles.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-install-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('stageModel / install', () => {
  it('stages a byte-identical copy whose hash matches the source, then renames it into place', async () => {
    const src = join(dir, 'src.pkl');
    writeFileSync(src, Buffer.alloc(3 * 1024 * 1024 + 7, 9));
    const target = join(dir, 'prod.pkl');
    writeFileSync(target, 'old');
    const staged = await stageModel(src, 'file', target);
    expect(staged.sha256).toBe(await hashModel(src, 'file'));
    expect(readFileSync(target, 'utf8')).toBe('old');
    const backup = await nextBackupPath(join(dir, 'b'), target, backupStamp(new Date('2026-01-02T03:04:05.006Z')));
    expect(backup).toBe(join(dir, 'b', 'prod.pkl.20260102T030405006Z'));
    await staged.install(backup);
    expect(readFileSync(target).equals(readFileSync(src))).toBe(true);
    expect(readFileSync(backup, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('hashes directories by content and layout, not by mtime or traversal order', async () => {
    const a = join(dir, 'a');
    mkdirSync(join(a, 'sub'), { recursive: true });
    writeFileSync(join(a, 'z.bin'), 'z');
    writeFileSync(join(a, 'sub', 'y.bin'), 'y');
    const h1 = await hashModel(a, 'directory');
    const staged = await stageModel(a, 'directory', join(dir, 'prod_dir'));
    expect(staged.sha256).toBe(h1);
    writeFileSync(join(a, 'sub', 'y.bin'), 'y2');
    expect(await hashModel(a, 'directory')).not.toBe(h1);
    await staged.discard();
    expect(readdirSync(dir).sort()).toEqual(['a']);
  });

  it('a throw from the staged step removes the temporary copy', async () => {
    const src = join(dir, 's.pkl');
    writeFileSync(src, 's');
    await expect(
      stageModel(src, 'file', join(dir, 'p.pkl'), {
        staged: () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(readdirSync(dir)).toEqual(['s.pkl']);
  });

  it('lists backups newest first, ignoring .replaced copies, and restores one by rename', async () => {
    const b = join(dir, 'backups');
    const target = join(dir, 'prod.pkl');
    mkdirSync(b);
    for (const [n, body] of [
      ['prod.pkl.20260101T000000000Z', 'jan'],
      ['prod.pkl.20260201T000000000Z', 'feb'],
      ['prod.pkl.20260201T000000000Z-1', 'feb2'],
      ['prod.pkl.20260301T000000000Z.replaced', 'x'],
      ['other.pkl.20260401T000000000Z', 'o'],
    ] as const)
      writeFileSync(join(b, n), body);
    const list = await listBackups(b, target, 'file');
    expect(list.map((e) => e.path.slice(b.length + 1))).toEqual([
      'prod.pkl.20260201T000000000Z-1',
      'prod.pkl.20260201T000000000Z',
      'prod.pkl.20260101T000000000Z',
    ]);
    writeFileSync(target, 'current');
    const replaced = await nextBackupPath(b, target, '20260501T000000000Z', '.replaced');
    await restoreBackup(list[0]!, target, replaced);
    expect(readFileSync(target, 'utf8')).toBe('feb2');
    expect(readFileSync(replaced, 'utf8')).toBe('current');
    expect((await listBackups(b, target, 'file')).length).toBe(2);
  });
});
