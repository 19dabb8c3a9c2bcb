import { createHash } from 'node:crypto';
import { type FileHandle, lstat, mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { VigilError } from '@vigil/core';
import type { ModelKind } from './paths.js';

const CHUNK = 1 << 20;

/** Streams a file through SHA-256; with `to`, writes the same bytes there (created, never overwritten) and fsyncs it. */
async function hashAndCopy(from: string, to?: string): Promise<string> {
  const hash = createHash('sha256');
  const src = await open(from, 'r');
  let dst: FileHandle | undefined;
  try {
    if (to) dst = await open(to, 'wx', 0o644);
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await src.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const part = buf.subarray(0, bytesRead);
      hash.update(part);
      if (dst) {
        let off = 0;
        while (off < bytesRead) off += (await dst.write(part, off, bytesRead - off)).bytesWritten;
      }
    }
    await dst?.sync();
  } finally {
    await src.close();
    await dst?.close();
  }
  return hash.digest('hex');
}

/** fsyncs a directory so the names created, renamed or removed in it survive a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (e) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    await fh?.close();
  }
}

/**
 * Walks a model directory in a fixed (sorted) order and hashes it as a manifest of
 * `relative path + content hash` lines, so the same tree always has the same SHA-256.
 * Symlinks inside a model directory are refused: they could point anywhere.
 */
async function walkTree(
  from: string,
  to: string | undefined,
  rel: string,
  manifest: string[],
  dirs: string[],
): Promise<void> {
  const entries = (await readdir(join(from, rel), { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isSymbolicLink())
      throw new VigilError(
        'VIGIL_PATH_REFUSED',
        `model directory ${from} contains a symlink (${r}); copy the real files into the model directory`,
        { issues: [{ path: 'modelPath', message: `contains symlink ${r}`, value: from }] },
      );
    if (e.isDirectory()) {
      manifest.push(`d ${r}`);
      if (to) {
        await mkdir(join(to, r));
        dirs.push(join(to, r));
      }
      await walkTree(from, to, r, manifest, dirs);
    } else if (e.isFile()) {
      manifest.push(`f ${r} ${await hashAndCopy(join(from, r), to ? join(to, r) : undefined)}`);
    } else {
      throw new VigilError(
        'VIGIL_PATH_REFUSED',
        `model directory ${from} contains ${r}, which is neither a file nor a directory`,
        { issues: [{ path: 'modelPath', message: `contains special file ${r}`, value: from }] },
      );
    }
  }
}

async function hashOrCopyTree(from: string, to?: string): Promise<string> {
  const manifest: string[] = [];
  const dirs: string[] = [];
  if (to) {
    await mkdir(to);
    dirs.push(to);
  }
  await walkTree(from, to, '', manifest, dirs);
  for (const d of dirs.reverse()) await fsyncDir(d);
  return createHash('sha256').update('vigil-model-dir-v1\n').update(manifest.join('\n')).digest('hex');
}

/** SHA-256 of a model file, or of a model directory's manifest. */
export async function hashModel(path: string, kind: ModelKind): Promise<string> {
  if (kind === 'file') return hashAndCopy(path);
  const s = await lstat(path);
  if (!s.isDirectory()) throw new VigilError('VIGIL_INVALID_INPUT', `${path} is not a directory`);
  return hashOrCopyTree(path);
}

/** Copies a model to `to` (which must not exist), fsyncing every file and directory; returns the copy's SHA-256. */
export async function copyModel(from: string, to: string, kind: ModelKind): Promise<string> {
  return kind === 'file' ? hashAndCopy(from, to) : hashOrCopyTree(from, to);
}
