import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isVigilError } from '@vigil/core';
import { afterAll, describe, expect, it } from 'vitest';
import { gateOptionsSchema } from './config.js';
import { confineModelPath, isInside, resolveGatePaths } from './paths.js';

const root = mkdtempSync(join(tmpdir(), 'vigil-paths-'));
const models = join(root, 'backend/data/ml_models');
mkdirSync(join(models, 'dir_model'), { recursive: true });
writeFileSync(join(models, 'a.pkl'), 'a');
writeFileSync(join(root, 'secret'), 's');
symlinkSync(join(root, 'secret'), join(models, 'out.pkl'));
symlinkSync(join(models, 'a.pkl'), join(models, 'in.pkl'));
const paths = resolveGatePaths(gateOptionsSchema.parse({}), root);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e) => (isVigilError(e) ? e.code : String(e)),
  );

describe('gate paths', () => {
  it('defaults to the spec production paths under the root', () => {
    expect(paths.productionFile).toBe(join(root, 'backend/data/ml_models/meta_learner_production.pkl'));
    expect(paths.productionDir).toBe(join(root, 'backend/data/ml_models/base_models_production'));
  });

  it('isInside treats siblings with a common prefix as outside', () => {
    expect(isInside('/a/models', '/a/models/x')).toBe(true);
    expect(isInside('/a/models', '/a/models-evil/x')).toBe(false);
    expect(isInside('/a/models', '/a')).toBe(false);
  });

  it('accepts files and directories inside, relative to the root or absolute, and in-tree symlinks', async () => {
    expect(await confineModelPath('backend/data/ml_models/a.pkl', paths)).toEqual({
      path: join(models, 'a.pkl'),
      kind: 'file',
    });
    expect(await confineModelPath(join(models, 'dir_model'), paths)).toMatchObject({ kind: 'directory' });
    expect(await confineModelPath(join(models, 'in.pkl'), paths)).toEqual({
      path: join(models, 'a.pkl'),
      kind: 'file',
    });
  });

  it('refuses ../ escapes, absolute paths elsewhere, symlinks out, the models dir itself, and missing files', async () => {
    expect(await code(confineModelPath('backend/data/ml_models/../../../secret', paths))).toBe('VIGIL_PATH_REFUSED');
    expect(await code(confineModelPath(join(root, 'secret'), paths))).toBe('VIGIL_PATH_REFUSED');
    expect(await code(confineModelPath(join(models, 'out.pkl'), paths))).toBe('VIGIL_PATH_REFUSED');
    expect(await code(confineModelPath(models, paths))).toBe('VIGIL_PATH_REFUSED');
    expect(await code(confineModelPath(join(models, 'missing.pkl'), paths))).toBe('VIGIL_NOT_FOUND');
    expect(await code(confineModelPath(42, paths))).toBe('VIGIL_INVALID_INPUT');
  });

  it('config refuses production paths that climb out of the models directory', () => {
    expect(gateOptionsSchema.safeParse({ productionFile: '../prod.pkl' }).success).toBe(false);
    expect(gateOptionsSchema.safeParse({ backupsDir: '/tmp/b' }).success).toBe(false);
  });
});
