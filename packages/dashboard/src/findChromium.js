// Finds a Chromium for the browser tests and the dashboard checks, in this order:
//   1. CHROMIUM_PATH (an explicit setting: used as given, an error if it is not there);
//   2. the system's Chromium (Debian's package: /usr/bin/chromium, or `chromium` on PATH);
//   3. the Chromium that the npm package @sparticuz/chromium ships inside itself (a dev dependency
//      here), so that a machine with only Node and npm runs the browser tests with no manual step.
// VIGIL_CHROMIUM=npm skips 2 (how the npm fallback itself is tested on a machine that has both).
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';

/** Flags for headless Chromium on a closed network (no background connections, no sandbox as root). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}

/** Unpacking the npm-shipped binary is not atomic; parallel test files take turns (mkdir is). */
async function withUnpackLock(fn) {
  const lock = join(tmpdir(), 'vigil-chromium-unpack.lock');
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // A lock older than 2 minutes belongs to a process that died while unpacking.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 120_000)
        rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 100 + Math.min(i, 20) * 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function fromNpm() {
  let mod;
  try {
    mod = (await import('@sparticuz/chromium')).default;
  } catch (cause) {
    throw new Error(
      "Chromium not found: no CHROMIUM_PATH, no system Chromium (apt-get install -y chromium), and the npm package @sparticuz/chromium is not installed (it is a dev dependency of @vigil/dashboard: run 'pnpm install')",
      { cause },
    );
  }
  const executablePath = await withUnpackLock(() => mod.executablePath());
  // Under a C or POSIX locale this build reports navigator.language as "en-US@posix", which Intl
  // refuses (RangeError: Invalid language tag) and the chart library with it; --lang does not help.
  const lang = process.env.LC_ALL || process.env.LANG || '';
  const env = /^(C|POSIX)?([.@].*)?$/.test(lang)
    ? { ...process.env, LC_ALL: 'en_US.UTF-8', LANG: 'en_US.UTF-8' }
    : undefined;
  return { executablePath, args: CHROMIUM_ARGS, env, source: 'npm:@sparticuz/chromium' };
}

/**
 * @returns {Promise<{ executablePath: string, args: string[], env?: Record<string, string | undefined>, source: string }>}
 */
export async function findChromium() {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new Error(
        `Chromium not found at ${explicit} (CHROMIUM_PATH): install Debian's package (apt-get install -y chromium), point CHROMIUM_PATH at a Chromium binary, or unset it to use the one @sparticuz/chromium ships`,
      );
    }
    return { executablePath: explicit, args: CHROMIUM_ARGS, source: 'CHROMIUM_PATH' };
  }
  if (process.env.VIGIL_CHROMIUM === 'npm') return fromNpm();
  const system = SYSTEM_PATHS.find((p) => existsSync(p)) ?? onPath('chromium');
  if (system) return { executablePath: system, args: CHROMIUM_ARGS, source: 'system' };
  return fromNpm();
}
