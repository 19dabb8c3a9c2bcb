import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ReportTableBlock, VigilReport } from '@vigil/core';
import { findChromium } from '@vigil/dashboard/findChromium';
import { runDemo } from '@vigil/demo';
import type { VigilHost } from '@vigil/host';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/index.js';
import { TOKEN } from './helpers.js';
import { expectHtmlMatchesJson, expectSelfContained } from './reportHtml.js';

/**
 * The report over the demo's database (real market history 2015-2018, seven drift episodes,
 * 20+ gate decisions): the HTML page shows the JSON's figures, loads nothing from anywhere, and
 * opens in real Chromium with no console error and no page-wide horizontal scroll, at a desktop
 * and a phone size. Set VIGIL_SCREENSHOTS=<dir> to keep the screenshots.
 */
describe('the report over the demo data, in Chromium', () => {
  const work = mkdtempSync(join(tmpdir(), 'vigil-report-e2e-'));
  const shots = process.env.VIGIL_SCREENSHOTS ?? join(work, 'screenshots');
  let host: VigilHost;
  let app: FastifyInstance;

  beforeAll(async () => {
    const demo = await runDemo({ database: join(work, 'demo.db'), workDir: work, keepHost: true });
    host = demo.host as VigilHost;
    app = await buildServer({ host, token: TOKEN, dashboard: false });
  });
  afterAll(async () => {
    await app?.close();
    await host?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  // biome-ignore lint/suspicious/noExplicitAny: API documents
  const get = async (url: string): Promise<any> => {
    const r = await app.inject({ method: 'GET', url });
    expect(r.statusCode, url).toBe(200);
    return r.headers['content-type']?.toString().startsWith('text/html') ? r.body : r.json();
  };

  it('shows the drift episodes, the gate and the accuracy the API gives, in a page that opens offline', async () => {
    // without a model the report covers the live model (m15, as its promotion named it): its one episode
    const live: VigilReport = await get('/api/report');
    expect(live.query.model).toBe('m15');
    const liveDrift = live.sections.find((s) => s.id === 'drift');
    const liveEpisodes = liveDrift?.blocks.find((b) => b.kind === 'table' && b.title === 'Drift episodes');
    expect(liveEpisodes?.kind === 'table' && liveEpisodes.rows.map((r) => r.onset)).toEqual(['2018-01-18']);
    // `*`: every model side by side
    const report: VigilReport = await get('/api/report?model=*');
    const html: string = await get('/api/report?model=*&format=html');
    expectSelfContained(html);
    expectHtmlMatchesJson(html, { ...report, generatedAt: report.generatedAt });

    const drift = report.sections.find((s) => s.id === 'drift');
    const episodes = drift?.blocks.find((b) => b.kind === 'table' && b.title === 'Drift episodes') as ReportTableBlock;
    const cusum = await get('/api/drift?type=cusum&limit=10000');
    expect(episodes.rows.length).toBeGreaterThan(0);
    expect(episodes.rows.map((r) => r.onset).sort()).toEqual(
      cusum.events
        .filter((e: { details: { onset?: string } }) => e.details?.onset)
        .map((e: { details: { onset: string } }) => e.details.onset)
        .sort(),
    );
    // one per-step chart per episode, each with points
    const charts = drift?.blocks.filter((b) => b.kind === 'chart' && b.title.startsWith('Episode ')) ?? [];
    expect(charts.length).toBe(episodes.rows.length);
    for (const c of charts)
      if (c.kind === 'chart')
        expect(
          c.series.some((s) => s.points.length > 10),
          c.title,
        ).toBe(true);

    const verify = await get('/api/gate/verify');
    const gate = report.sections.find((s) => s.id === 'gate');
    expect(gate?.summary).toContain(verify.ok ? `verified over ${verify.rows} rows` : 'BROKEN');
    // the report over every model: the sum of each model's own sectors figures
    let resolved = 0;
    for (const m of (await get('/api/sectors/models')).models as string[]) {
      const sectors = await get(`/api/sectors?model=${encodeURIComponent(m)}`);
      resolved += sectors.sectors.reduce((n: number, s: { resolved: number }) => n + s.resolved, 0);
    }
    const figures = report.sections.find((s) => s.id === 'sectors')?.blocks.find((b) => b.kind === 'figures');
    expect(figures?.kind === 'figures' && figures.items.find((f) => f.label === 'resolved')?.value).toBe(resolved);

    const file = join(work, 'vigil-report.html');
    writeFileSync(file, html);
    mkdirSync(shots, { recursive: true });
    const found = await findChromium();
    const browser = await chromium.launch({ executablePath: found.executablePath, args: found.args, env: found.env });
    try {
      for (const [name, width, height] of [
        ['report-1440.png', 1440, 900],
        ['report-390.png', 390, 844],
      ] as const) {
        const page = await browser.newPage({ viewport: { width, height } });
        const errors: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('request', (r) => requests.push(r.url()));
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        // evaluated in the page (a string, so this file needs no DOM types)
        const seen = (await page.evaluate(`({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
          svgs: document.querySelectorAll('figure.chart svg').length,
          sections: [...document.querySelectorAll('main > section')].map((s) => s.id),
          // every chart is drawn (has marks), not an empty frame
          drawn: [...document.querySelectorAll('figure.chart svg')].filter((s) => s.querySelectorAll('path').length > 2).length,
        })`)) as { scrollWidth: number; innerWidth: number; svgs: number; sections: string[]; drawn: number };
        expect(errors, name).toEqual([]);
        expect(requests, name).toEqual([pathToFileURL(file).href]);
        expect(seen.scrollWidth, `${name}: no page-wide horizontal scroll`).toBeLessThanOrEqual(seen.innerWidth);
        expect(seen.sections).toEqual(report.sections.map((s) => s.id));
        const withPoints = report.sections
          .flatMap((s) => s.blocks)
          .filter((b) => b.kind === 'chart' && b.series.some((x) => x.points.length)).length;
        expect(seen.svgs).toBe(withPoints);
        expect(seen.drawn).toBe(withPoints);
        await page.screenshot({ path: join(shots, name), fullPage: true });
        expect(statSync(join(shots, name)).size).toBeGreaterThan(50_000);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
