import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { VigilError } from '@vigil/core';
import { copyModel, fsyncDir } from './modelFiles.js';
import type { ModelKind } from './paths.js';

/**
 * Points where tests (and operators' tooling) can step into a promotion. `staged` runs once the
 * candidate's copy is fully written and flushed under its temporary name; `beforeRename` right
 * before production is touched. A throw from either leaves production as it was.
 */
export interface PromotionSteps {
  staged?(tempPath: string): void | Promise<void>;
  beforeRename?(tempPath: string, target: string): void | Promise<void>;
}

/** `2026-11-30T10:58:48.123Z` -> `20261130T105848123Z`: sortable, safe in file names. */
export const backupStamp = (d: Date): string => d.toISOString().replace(/[-:.]/g, '');

const exists = async (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/** `<backups>/<name>.<stamp>[suffix]`, with `-n` added when that name is taken. Call under the promotion lock. */
export async function nextBackupPath(backupsDir: string, target: string, stamp: string, suffix = ''): Promise<string> {
  await mkdir(backupsDir, { recursive: true });
  const base = join(backupsDir, `${basename(target)}.${stamp}`);
  for (let n = 0; ; n++) {
    const p = `${base}${n ? `-${n}` : ''}${suffix}`;
    if (!(await exists(p))) return p;
  }
}

/** A candidate copied and flushed under a temporary name beside its production target. */
export interface StagedModel {
  readonly tempPath: string;
  readonly sha256: string;
  /** Backs up the current production model to `backupPath` (if given) and renames the copy into place. */
  install(backupPath: string | null): Promise<void>;
  /** Removes the temporary copy if it is still there. */
  discard(): Promise<void>;
}

export async function stageModel(
  source: string,
  kind: ModelKind,
  target: string,
  steps: PromotionSteps = {},
): Promise<StagedModel> {
  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  const tempPath = join(dir, `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const discard = () => rm(tempPath, { recursive: true, force: true });
  let sha256: string;
  try {
    sha256 = await copyModel(source, tempPath, kind);
    await fsyncDir(dir);
    await steps.staged?.(tempPath);
  } catch (e) {
    await discard();
    throw e;
  }
  return {
    tempPath,
    sha256,
    discard,
    async install(backupPath) {
      await steps.beforeRename?.(tempPath, target);
      const current = await stat(target).catch(() => undefined);
      if (current && current.isFile() !== (kind === 'file')) {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `production path ${target} holds a ${current.isFile() ? 'file' : 'directory'}, but the candidate is a ${kind}; move it aside by hand`,
          { details: { retryable: false } },
        );
      }
      if (kind === 'file') {
        if (current && backupPath) {
          // A hard link is instant and atomic; across devices fall back to a copy.
          await link(target, backupPath).catch(() => copyFile(target, backupPath));
          await fsyncDir(dirname(backupPath));
        }
        await rename(tempPath, target); // atomic replace: readers see the old file or the new one
        await fsyncDir(dir);
        return;
      }
      // A directory cannot be atomically replaced by rename: move the old one aside first,
      // and put it back if the second rename fails, so production is never left empty.
      let aside: string | null = null;
      if (current) {
        aside = backupPath ?? join(dir, `.${basename(target)}.old-${process.pid}-${randomBytes(4).toString('hex')}`);
        await rename(target, aside);
      }
      try {
        await rename(tempPath, target);
      } catch (e) {
        if (aside) await rename(aside, target);
        throw e;
      }
      await fsyncDir(dir);
      if (aside && !backupPath) await rm(aside, { recursive: true, force: true });
      else if (aside) await fsyncDir(dirname(aside));
    },
  };
}

/**
 * Removes temporary copies a crashed promotion left beside `target` (`.<name>.tmp-*`,
 * `.<name>.old-*`). Call only under the promotion lock, when no other promotion can be writing
 * one. Returns what it removed.
 */
export async function removeLeftovers(target: string): Promise<string[]> {
  const dir = dirname(target);
  const prefix = [`.${basename(target)}.tmp-`, `.${basename(target)}.old-`];
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => prefix.some((p) => n.startsWith(p)));
  for (const n of names) await rm(join(dir, n), { recursive: true, force: true });
  return names.map((n) => join(dir, n));
}

export interface BackupEntry {
  readonly path: string;
  readonly kind: ModelKind;
  readonly stamp: string;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Backups of a production target, newest first (`<name>.<stamp>[-n]`). */
export async function listBackups(backupsDir: string, target: string, kind: ModelKind): Promise<BackupEntry[]> {
  const re = new RegExp(`^${escapeRegExp(basename(target))}\\.(\\d{8}T\\d{9}Z)(?:-(\\d+))?$`);
  const names = await readdir(backupsDir).catch(() => [] as string[]);
  const found = names.flatMap((n) => {
    const m = re.exec(n);
    return m ? [{ path: join(backupsDir, n), kind, stamp: m[1] as string, n: Number(m[2] ?? 0) }] : [];
  });
  found.sort((a, b) => (a.stamp === b.stamp ? b.n - a.n : a.stamp < b.stamp ? 1 : -1));
  return found.map(({ path, kind: k, stamp }) => ({ path, kind: k, stamp }));
}

/**
 * Puts a backup back into production by rename (atomic for a file). The model it replaces is
 * kept at `replacedPath` (in the backups directory), so a rollback loses nothing.
 */
export async function restoreBackup(
  b: BackupEntry,
  target: string,
  replacedPath: string,
): Promise<{ replaced: boolean }> {
  const dir = dirname(target);
  const current = await stat(target).catch(() => undefined);
  if (b.kind === 'file') {
    if (current) await link(target, replacedPath).catch(() => copyFile(target, replacedPath));
    await rename(b.path, target);
  } else {
    if (current) await rename(target, replacedPath);
    try {
      await rename(b.path, target);
    } catch (e) {
      if (current) await rename(replacedPath, target);
      throw e;
    }
  }
  await fsyncDir(dir);
  await fsyncDir(dirname(b.path));
  return { replaced: current !== undefined };
}
