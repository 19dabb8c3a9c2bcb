import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packages = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const newest = (dir: string): number =>
  Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory()
        ? newest(join(dir, e.name))
        : e.name.endsWith('.test.ts')
          ? 0
          : statSync(join(dir, e.name)).mtimeMs,
    ),
  );

/** The child processes run the BUILT dists: rebuild any package whose source is newer than its dist. */
export function ensureBuilt(names: readonly string[] = ['core', 'host', 'drift', 'replay', 'sectors', 'gate']): void {
  for (const name of names) {
    const pkg = join(packages, name);
    let built = 0;
    try {
      built = statSync(join(pkg, 'dist', 'index.js')).mtimeMs;
    } catch {}
    if (built < newest(join(pkg, 'src')))
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: pkg, stdio: 'inherit' });
  }
}
