/**
 * The whole contract from a stranger's side, end to end: acme's table fills through the observe
 * hook; its route answers under /api/acme on the real server; its dashboard tab renders those
 * figures in real Chromium; `vigil acme report` prints them; disabled, each surface says so.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { firstPartyPlugins, runCli } from '@vigil/cli';
import { findChromium } from '@vigil/dashboard/findChromium';
import { createTestDatabase, createTestHost } from '@vigil/host/testing';
import { buildServer } from '@vigil/server';
import { makePredictions } from '@vigil/test-utils';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { acmePlugin, turnoverToken } from '../src/index.js';

const TOKEN = 'acme-example-token-0123456789';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: [string[], string[]] = [[], []];
  out.on('data', (c) => chunks[0].push(String(c)));
  err.on('data', (c) => chunks[1].push(String(c)));
  const code = await runCli(
    [...args, '--log-level', 'silent'],
    { stdin: Readable.from(['']), stdout: out, stderr: err } as never,
    { plugins: [...firstPartyPlugins, acmePlugin] },
  );
  return { code, stdout: chunks[0].join(''), stderr: chunks[1].join('') };
}

describe('acme: table, route, dashboard view, CLI command', () => {
  it('shows the same turnover figures through every surface, and each says when acme is disabled', async () => {
    const db = await createTestDatabase('sqlite-file');
    const dir = await mkdtemp(join(tmpdir(), 'acme-e2e-'));
    const dbPath = (db.config as { path: string }).path;
    const host = await createTestHost({ database: db, plugins: [acmePlugin] });
    const app = await buildServer({ host, token: TOKEN });
    try {
      await host.observe(makePredictions(300, { symbols: ['AAPL', 'MSFT'], modelVersion: 'cand' }));
      const rate = (await host.container.resolve(turnoverToken).rate('cand')) as number;
      expect(rate).toBeGreaterThan(0);

      // route
      const api = (await app.inject({ method: 'GET', url: '/api/acme' })).json();
      expect(api.models).toEqual([{ modelVersion: 'cand', flips: expect.any(Number), total: 298, rate }]);
      expect((await app.inject({ method: 'GET', url: '/api/views' })).json()).toEqual([
        { pluginId: 'acme', title: 'Turnover', label: 'Turnover', route: 'acme', script: 'plugins/acme/turnover.js' },
      ]);

      // view, in Chromium
      await app.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`;
      const { executablePath, args, env } = await findChromium();
      const context = await chromium.launchPersistentContext(join(dir, 'chromium'), {
        executablePath,
        headless: true,
        args,
        env,
      });
      const errors: string[] = [];
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(base);
        await page.locator('[data-testid="view-acme"][data-state="ready"]').waitFor({ timeout: 30_000 });
        expect(
          await page.locator('[data-testid="nav"] a').evaluateAll((as) => as.map((a) => a.getAttribute('data-route'))),
        ).toEqual(['acme']);
        expect(await page.locator('[data-testid="acme-rate-cand"]').textContent()).toBe(rate.toFixed(3));
      } finally {
        await context.close();
      }
      expect(errors).toEqual([]);
      await app.close();
      await host.stop();

      // command
      const report = await cli(['--db', dbPath, '--json', 'acme', 'report']);
      expect(report.stderr).toBe('');
      expect(report.code).toBe(0);
      expect(JSON.parse(report.stdout)).toEqual(api.models);

      // its section of the audit report (vigil report = GET /api/report), rendered by Vigil
      const audit = await cli(['--db', dbPath, '--json', 'report', '--model', 'cand']);
      expect(audit.code, audit.stderr).toBe(0);
      const section = JSON.parse(audit.stdout).sections.find((s: { id: string }) => s.id === 'acme');
      expect(section.blocks[1].rows).toEqual([{ model: 'cand', flips: api.models[0].flips, pairs: 298, rate }]);

      // disabled: the command says how to enable it
      const config = join(dir, 'vigil.json');
      await writeFile(config, JSON.stringify({ plugins: { acme: { enabled: false } } }));
      const off = await cli(['--config', config, '--db', dbPath, 'acme', 'report']);
      expect(off.code).toBe(2);
      expect(off.stderr).toBe(
        "vigil: the acme plugin is disabled in the config (plugins.acme.enabled: false); enable it to use 'vigil acme'\n",
      );
      // and the report says it is disabled
      const offReport = await cli(['--config', config, '--db', dbPath, '--json', 'report']);
      expect(offReport.code, offReport.stderr).toBe(0);
      expect(JSON.parse(offReport.stdout).sections.find((s: { id: string }) => s.id === 'acme')).toMatchObject({
        status: 'disabled',
      });
    } finally {
      await app.close();
      await host.dispose();
      await db.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
