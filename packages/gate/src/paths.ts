import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { VigilError, describeValue } from '@vigil/core';
import type { GateOptions } from './config.js';

export type ModelKind = 'file' | 'directory';

/** The gate's directories and files, absolute. */
export interface GatePaths {
  readonly root: string;
  readonly modelsDir: string;
  readonly productionFile: string;
  readonly productionDir: string;
  readonly backupsDir: string;
  readonly lockFile: string;
}

export function resolveGatePaths(
  o: Pick<GateOptions, 'root' | 'modelsDir' | 'productionFile' | 'productionDir' | 'backupsDir'>,
  cwd: string = process.cwd(),
): GatePaths {
  const root = resolve(cwd, o.root ?? '.');
  const modelsDir = resolve(root, o.modelsDir);
  return {
    root,
    modelsDir,
    productionFile: join(modelsDir, o.productionFile),
    productionDir: join(modelsDir, o.productionDir),
    backupsDir: join(modelsDir, o.backupsDir),
    lockFile: join(modelsDir, '.vigil-gate.lock'),
  };
}

/** True when `child` is `parent` or below it (both absolute, normalized). */
export const isInside = (parent: string, child: string): boolean => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

export interface ConfinedModel {
  /** The model's real path (symlinks resolved), inside the models directory. */
  readonly path: string;
  readonly kind: ModelKind;
}

const refuse = (given: unknown, why: string): VigilError =>
  new VigilError('VIGIL_PATH_REFUSED', `modelPath ${describeValue(given)} refused: ${why}; nothing was copied`, {
    issues: [{ path: 'modelPath', message: why, value: given }],
  });

/**
 * Resolves a candidate model path (relative paths against the gate's root) and refuses
 * anything outside the models directory: `..` segments that climb out, absolute paths
 * elsewhere, and symlinks whose real target lies outside (checked on the realpath).
 */
export async function confineModelPath(given: unknown, paths: GatePaths): Promise<ConfinedModel> {
  if (typeof given !== 'string' || given.length === 0 || given.includes('\0')) {
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      `modelPath must be a non-empty path string, got ${describeValue(given)}`,
      { issues: [{ path: 'modelPath', message: 'must be a non-empty path string', value: given }] },
    );
  }
  let modelsReal: string;
  try {
    modelsReal = await realpath(paths.modelsDir);
  } catch {
    throw new VigilError(
      'VIGIL_NOT_FOUND',
      `the models directory ${paths.modelsDir} does not exist; create it or set plugins.gate.options.modelsDir`,
      { issues: [{ path: 'plugins.gate.options.modelsDir', message: 'does not exist', value: paths.modelsDir }] },
    );
  }
  const lexical = resolve(paths.root, given);
  if (!isInside(paths.modelsDir, lexical) && !isInside(modelsReal, lexical))
    throw refuse(given, `it resolves to ${lexical}, outside the models directory ${paths.modelsDir}`);
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    throw new VigilError('VIGIL_NOT_FOUND', `modelPath ${describeValue(given)} does not exist (${lexical})`, {
      issues: [{ path: 'modelPath', message: 'does not exist', value: given }],
    });
  }
  if (!isInside(modelsReal, real) || real === modelsReal)
    throw refuse(
      given,
      real === modelsReal
        ? 'it is the models directory itself'
        : `it is a symlink to ${real}, outside the models directory ${paths.modelsDir}`,
    );
  const s = await stat(real);
  if (!s.isFile() && !s.isDirectory()) throw refuse(given, 'it is neither a regular file nor a directory');
  const targets = [paths.productionFile, paths.productionDir].map((t) =>
    join(modelsReal, relative(paths.modelsDir, t)),
  );
  if (targets.some((t) => isInside(t, real))) throw refuse(given, 'it is the production model itself');
  const lock = join(modelsReal, relative(paths.modelsDir, paths.lockFile));
  if (isInside(lock, real)) throw refuse(given, 'it is the promotion lock');
  return { path: real, kind: s.isFile() ? 'file' : 'directory' };
}

/** Where production holds a model of this kind. */
export const productionPath = (paths: GatePaths, kind: ModelKind): string =>
  kind === 'file' ? paths.productionFile : paths.productionDir;
