import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDashboardChecks } from '../src/browserChecks.js';
import { layoutProblems, tapMisses } from '../src/browserLayout.js';
import { findChromium } from '../src/findChromium.js';
import { MIN_RESOLVED, sectorsDocument } from './fixtureData.js';
import { type Fixture, startFixtureServer } from './fixtureServer.js';

const TOKEN = 'fixture-token-7f3a';

describe('dashboard in headless Chromium against a fixture API', () => {
  let fx: Fixture;
  let shots: string;
  beforeAll(async () => {
    fx = await startFixtureServer({ token: TOKEN, prefix: '/vigil' });
    shots = process.env.VIGIL_SCREENSHOTS ?? (await mkdtemp(join(tmpdir(), 'vigil-shots-')));
  });
  afterAll(async () => {
    await fx?.close();
    if (!process.env.VIGIL_SCREENSHOTS && shots) await rm(shots, { recursive: true, force: true });
  });

  it('shows the API figures on every view and refuses an override without the token', async () => {
    const before = fx.history.length;
    const summary = await runDashboardChecks({ baseUrl: fx.baseUrl, token: TOKEN, screenshotDir: shots });

    const doc = sectorsDocument();
    expect(summary.sectors.rows).toBe(11);
    expect(summary.sectors.weakest[0]).toBe('Energy');
    expect(summary.sectors.drilledInto).toBe('Energy');
    expect(summary.sectors.symbols).toBe(3);
    expect(doc.insufficient).toEqual(['Real Estate', 'Utilities']);
    expect(doc.minResolved).toBe(MIN_RESOLVED);
    // with no model picked, the live model (m1: what the gate promoted, not m2, the model checked
    // last), its 3 features, its 2 episodes; then the top bar's filters pick the other model
    expect(summary.drift).toMatchObject({ model: 'm1', episodes: 2, features: 3 });
    expect(summary.drift.points).toBeGreaterThan(20);
    expect(summary.drift.ksD).toBeGreaterThan(0);
    expect(summary.filters).toEqual({ model: 'm2', from: '2015-10-02' });
    // the buffer of m1 (the live model; m2 made the newest prediction): confidence >= 70% and the most frequent
    // symbol's sector filter the rows, and the downloaded CSV holds exactly those rows
    expect(summary.replay).toMatchObject({ model: 'm1', total: 1000, topErrors: 20 });
    expect(summary.replay.filtered?.sector).toBeTruthy();
    expect(summary.replay.filtered?.csvRows).toBe(summary.replay.filtered?.rows);
    expect(summary.replay.filtered?.rows).toBeGreaterThan(20);
    expect(summary.replay.filtered?.rows).toBeLessThan(1000);
    expect(summary.sectors.model).toBe('m1');
    expect(summary.sectors.rolling?.series).toBe(3);
    // the latest decision of the live model (m1: its approval, #1), not the newest of any model (m3's rejection, #3)
    expect(summary.gate).toMatchObject({ latestModel: 'm1', latestId: 1, recommendation: 'PROMOTE' });
    expect(Object.values(summary.gate.checks)).toEqual(Array(5).fill('pass'));
    expect(summary.gate.overrideRefusal).toMatch(/401 VIGIL_UNAUTHORIZED/);
    // the fixture's override (of m3, the newest decision) leaves production as it was: m1's stays the latest shown
    expect(summary.gate.latestAfterOverride).toBe(1);
    // the history filtered by the newest row's modelVersion (m3, its file is m-2015-09-01.json) and
    // day, in the page and in the API alike; m3's latest decision (the override, with the checks it
    // overrode) beside it; "all models" shows every model's newest
    expect(summary.gate.filtered).toMatchObject({
      model: 'm3',
      latestId: summary.gate.overrideReportId,
      every: { latestId: summary.gate.overrideReportId },
    });
    expect(summary.gate.filtered?.checks['sectors.crash_accuracy']).toBe('fail');
    expect(summary.gate.filtered?.checks['replay.replay_improvement']).toBe('insufficient');
    expect(summary.gate.filtered?.total).toBeGreaterThan(0);
    // Exactly one report was written, by the accepted override.
    expect(fx.history.length).toBe(before + 1);
    expect(fx.history[0]).toMatchObject({
      id: summary.gate.overrideReportId,
      action: 'override',
      actor: 'dashboard-check',
    });
    expect(summary.screenshots.map((p) => p.slice(shots.length + 1))).toEqual([
      'sectors.png',
      'sectors-drilldown.png',
      'drift.png',
      'replay.png',
      'gate.png',
      'gate-override-refused.png',
      'gate-override-recorded.png',
      'sectors-390.png',
      'sectors-drilldown-390.png',
      'drift-390.png',
      'replay-390.png',
      'gate-390.png',
    ]);
    // at 1440 every table fits its card; at 390 the wide sectors table scrolls inside its card
    expect(summary.layout.desktop.sectors?.scrollingTables).toEqual([]);
    expect(summary.layout.phone.sectors?.scrollingTables).toContain('sectors-table');
    for (const p of summary.screenshots) expect((await stat(p)).size).toBeGreaterThan(10_000);
  });
});

describe('the checks catch a page that disagrees with the API', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixtureServer({ token: TOKEN, prefix: '', lieToBrowser: true });
  });
  afterAll(() => fx?.close());

  it('throws naming the sector and both figures', async () => {
    const doc = sectorsDocument();
    const energy = doc.sectors.find((s) => s.sector === 'Energy')!;
    const shown = `${(((energy.accuracy as number) + 0.02) * 100).toFixed(1)}%`;
    const truth = `${((energy.accuracy as number) * 100).toFixed(1)}%`;
    await expect(runDashboardChecks({ baseUrl: fx.baseUrl, token: TOKEN })).rejects.toThrow(
      `dashboard sectors view: Energy accuracy: page shows "${shown}", API gives "${truth}"`,
    );
    expect(fx.history.length).toBe(3);
  });

  it('fails with a clear message when Chromium is missing', async () => {
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    try {
      await expect(runDashboardChecks({ baseUrl: fx.baseUrl, token: TOKEN })).rejects.toThrow(
        /Chromium not found at \/nonexistent\/chromium \(CHROMIUM_PATH\): install Debian's package/,
      );
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
  });
});

describe('the layout checks catch a broken layout', () => {
  it('report page overflow, text cut off by its card, and a tap that lands on something else', async () => {
    const userDataDir = await mkdtemp(join(tmpdir(), 'vigil-chromium-'));
    const { executablePath, args, env } = await findChromium();
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args,
      env,
      viewport: { width: 390, height: 844 },
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.setContent(`<main>
        <section class="panel" style="overflow:hidden;width:120px">
          <table><tr data-testid="row-a"><td data-testid="cell-wide" style="white-space:nowrap">${'x'.repeat(30)}</td></tr></table>
        </section>
        <div style="width:600px">wide</div>
        <table><tr data-testid="row-b"><td>tap me</td></tr></table>
        <p data-testid="missing">nullnull</p>
        <div style="position:fixed;top:0;left:0;right:0;bottom:0"></div>
      </main>`);
      const { problems } = await layoutProblems(page);
      expect(problems.join('\n')).toMatch(/the page is 6\d\dpx wide in a 390px window/);
      expect(problems.join('\n')).toMatch(/cell-wide is cut off by section.panel/);
      expect(problems.join('\n')).toMatch(/missing shows "nullnull"/);
      expect(await tapMisses(page, '[data-testid="row-b"]')).toEqual(['row-b: a tap lands on div']);
    } finally {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    }
  });
});

describe('empty data', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixtureServer({ token: TOKEN, empty: true });
  });
  afterAll(() => fx?.close());

  it('renders every view with an empty state instead of failing', async () => {
    const userDataDir = await mkdtemp(join(tmpdir(), 'vigil-chromium-'));
    const { executablePath, args, env } = await findChromium();
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args, env });
    const errors: string[] = [];
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      page.setDefaultTimeout(0); // no wall-clock limit of its own (issue 16): the test timeout stops a hang
      page.on('pageerror', (e) => errors.push(e.message));
      const expected: Record<string, string[]> = {
        sectors: ['sectors-empty'],
        drift: ['drift-empty'],
        replay: ['replay-empty'],
        gate: ['gate-latest-empty', 'gate-history-empty'],
      };
      for (const [view, ids] of Object.entries(expected)) {
        await page.goto(`${fx.baseUrl}#/${view}`);
        await page.locator(`[data-testid="view-${view}"][data-state="ready"]`).waitFor();
        for (const id of ids) expect(await page.locator(`[data-testid="${id}"]`).count(), `${view}: ${id}`).toBe(1);
        if (view === 'drift') expect(await page.locator('[data-testid="drift-model"]').textContent()).toBe('—');
        if (view === 'replay') expect(await page.locator('[data-testid="replay-total"]').textContent()).toBe('0');
        if (process.env.VIGIL_SCREENSHOTS)
          await page.screenshot({ path: join(process.env.VIGIL_SCREENSHOTS, `empty-${view}.png`), fullPage: true });
      }
      expect(await page.locator('[data-testid="gate-verify-status"]').textContent()).toBe('verified');
      // A drill-down the API answers 404 for shows the server's message, not a broken view.
      await page.goto(`${fx.baseUrl}#/sectors/Nonexistent`);
      await page.locator('[data-testid="view-sectors"][data-state="ready"] [data-testid="symbols-empty"]').waitFor();
      expect(await page.locator('[data-testid="symbols-empty"]').textContent()).toContain(
        'no GICS sector named "Nonexistent"',
      );
    } finally {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    }
    expect(errors).toEqual([]);
  });
});

describe('a disabled plugin has no tab', () => {
  it('for each plugin disabled in turn: its tab is gone, its route falls back, the other views load, nothing logs an error', async () => {
    const userDataDir = await mkdtemp(join(tmpdir(), 'vigil-chromium-'));
    const { executablePath, args, env } = await findChromium();
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args, env });
    const errors: string[] = [];
    const all = ['sectors', 'drift', 'replay', 'gate'];
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      for (const off of all) {
        const fx = await startFixtureServer({ token: TOKEN, disabled: [off] });
        try {
          const on = all.filter((id) => id !== off);
          await page.goto(`${fx.baseUrl}#/${off}`);
          // an unknown route (the disabled plugin's) shows the first enabled view
          await page.locator(`[data-testid="view-${on[0]}"][data-state="ready"]`).waitFor({ timeout: 15_000 });
          const tabs = await page
            .locator('[data-testid="nav"] a')
            .evaluateAll((as) => as.map((a) => a.getAttribute('data-route')));
          expect(tabs, `${off} disabled`).toEqual(on);
          expect(await page.locator(`[data-testid="nav-${off}"]`).count()).toBe(0);
          for (const id of on) {
            await page.goto(`${fx.baseUrl}#/${id}`);
            await page.locator(`[data-testid="view-${id}"][data-state="ready"]`).waitFor({ timeout: 15_000 });
          }
          expect(await page.locator('[data-testid="health"]').getAttribute('title')).toBe(`plugins: ${on.join(', ')}`);
        } finally {
          await fx.close();
        }
      }
    } finally {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    }
    expect(errors).toEqual([]);
  });
});
