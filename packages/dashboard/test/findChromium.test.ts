import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { findChromium } from '../src/findChromium.js';

const saved = { path: process.env.CHROMIUM_PATH, which: process.env.VIGIL_CHROMIUM };
afterEach(() => {
  for (const [k, v] of [
    ['CHROMIUM_PATH', saved.path],
    ['VIGIL_CHROMIUM', saved.which],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('findChromium', () => {
  it('takes CHROMIUM_PATH as given, and refuses one that is not there (no silent fallback)', async () => {
    process.env.CHROMIUM_PATH = process.execPath; // any existing file: the path is taken, not probed
    delete process.env.VIGIL_CHROMIUM;
    expect(await findChromium()).toMatchObject({ executablePath: process.execPath, source: 'CHROMIUM_PATH' });
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    await expect(findChromium()).rejects.toThrow(/Chromium not found at \/nonexistent\/chromium \(CHROMIUM_PATH\)/);
  });

  // The path a machine with only Node and npm takes: the Chromium inside an npm package renders a page.
  it('runs the Chromium that @sparticuz/chromium ships', async () => {
    delete process.env.CHROMIUM_PATH;
    process.env.VIGIL_CHROMIUM = 'npm';
    const found = await findChromium();
    expect(found.source).toBe('npm:@sparticuz/chromium');
    const userDataDir = await mkdtemp(join(tmpdir(), 'vigil-chromium-npm-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: found.executablePath,
      headless: true,
      args: found.args,
      env: found.env,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.setContent(
        '<main><h1>Vigil</h1><p id="n">2 + 2 = <span></span></p><script>document.querySelector("span").textContent = 2 + 2</script></main>',
      );
      expect(await page.locator('#n').textContent()).toBe('2 + 2 = 4');
      expect(await page.evaluate(() => navigator.userAgent)).toMatch(/Chrome\/\d+/);
      // Intl must accept the browser's language (this build reports "en-US@posix" under a C locale).
      expect(await page.evaluate(() => new Intl.NumberFormat(navigator.language).format(1234.5))).toBe('1,234.5');
    } finally {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
