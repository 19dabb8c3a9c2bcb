import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DashboardCheckSummary, runDashboardChecks } from '@vigil/dashboard/browserChecks';
import { runDemo } from '@vigil/demo';
import type { VigilHost } from '@vigil/host';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/index.js';
import { TOKEN } from './helpers.js';

/**
 * The dashboard in real Chromium against the real server over the demo's database (2015-2018
 * market history): every figure on every view equals the API's, and an override is refused
 * without the token and recorded with it. Chromium comes from `findChromium` (CHROMIUM_PATH, the
 * system's, or the one an npm package ships), so this never skips.
 * Set VIGIL_SCREENSHOTS=<dir> to keep the screenshots.
 */
describe('dashboard over the demo data, in Chromium', () => {
  const work = mkdtempSync(join(tmpdir(), 'vigil-dashboard-e2e-'));
  const shots = process.env.VIGIL_SCREENSHOTS ?? join(work, 'screenshots');
  let host: VigilHost;
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    const demo = await runDemo({ database: join(work, 'demo.db'), workDir: work, keepHost: true });
    host = demo.host as VigilHost;
    app = await buildServer({ host, token: TOKEN });
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await app?.close();
    await host?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  // biome-ignore lint/suspicious/noExplicitAny: API documents, compared field by field below
  const api = async (path: string): Promise<any> => (await fetch(`${baseUrl}${path}`)).json();

  it('shows every figure the API gives on every view and records an override only with the token', async () => {
    const before = await api('api/gate/history?limit=1');
    // figures are per model: the dashboard shows the live model by default (the demo's production
    // model, m15, as its promotion named it), not the newest observed prediction's (a shadow, m18)
    const live = await api('api/models/live');
    expect(live).toMatchObject({ source: 'gate', live: 'm15' });
    expect((await api('api/sectors/models')).latest).toBe('m18');
    const shown = async (_plugin: string): Promise<string> => encodeURIComponent(live.live);
    const sectors = await api(`api/sectors?model=${await shown('sectors')}`);
    const replay = await api(`api/replay?top=20&model=${await shown('replay')}`);
    // the demo produced real data on every view
    expect(sectors.sectors.filter((s: { resolved: number }) => s.resolved > 0).length).toBeGreaterThan(3);
    expect(replay.stats.total).toBeGreaterThan(0);
    expect(before.total).toBeGreaterThan(0);
    // the check overrides the newest decision's model (any model's), with its modelVersion
    const latest = await api('api/gate/latest');
    expect(latest.modelVersion).toMatch(/^m\d+$/);
    expect(latest.modelVersion).not.toBe(live.live);
    // the gate view's latest decision is the live model's (m15's approval), not that newest one
    const liveDecision = await api(`api/gate/latest?model=${live.live}`);
    expect(liveDecision).toMatchObject({ modelVersion: 'm15', action: 'validate', approved: true });

    const summary: DashboardCheckSummary = await runDashboardChecks({ baseUrl, token: TOKEN, screenshotDir: shots });
    // the checks' override made that model live (the phone pass's views defaulted to it); the
    // summary's figures are the desktop pass's, over m15
    expect(await api('api/models/live')).toMatchObject({ source: 'gate', live: latest.modelVersion });

    expect(summary.sectors.rows).toBe(sectors.sectors.length);
    expect(summary.sectors.weakest).toEqual(sectors.weakest.map((w: { sector: string }) => w.sector));
    expect(summary.sectors.symbols).toBeGreaterThan(0);
    // the drift view charts the live model (m15), with its episodes, every feature's checks and the
    // distributions of its latest check (D rebuilt from the prediction log equals the one recorded)
    const series = await api(`api/drift/series?model=${live.live}`);
    expect(summary.drift).toMatchObject({
      model: series.model,
      episodes: series.episodes.length,
      features: series.features.length,
    });
    expect(summary.drift.episodes).toBeGreaterThan(0);
    expect(summary.drift.points).toBeGreaterThan(0);
    expect(summary.drift.ksD).toBeGreaterThan(0);
    expect(summary.filters.model).not.toBe(series.model);
    expect(summary.replay).toMatchObject({
      model: decodeURIComponent(await shown('replay')),
      total: replay.stats.total,
      topErrors: replay.top.length,
    });
    // the buffer's filters: the rows shown and the downloaded CSV are the API's rows that pass them
    expect(summary.replay.filtered?.csvRows).toBe(summary.replay.filtered?.rows);
    // the accuracy chart drew the model's sectors over time (at most 6 lines; none for a model younger than the window)
    expect(summary.sectors.model).toBe(decodeURIComponent(await shown('sectors')));
    const rolling = await api(`api/sectors/rolling?window=20&model=${await shown('sectors')}`);
    expect(summary.sectors.rolling.series).toBe(
      Math.min(6, rolling.series.filter((x: { points: unknown[] }) => x.points.length > 0).length),
    );
    expect(summary.gate).toMatchObject({ latestModel: 'm15', latestId: liveDecision.id, recommendation: 'PROMOTE' });
    // after the override its model is live, and the view shows its decision: the override
    expect(summary.gate.latestAfterOverride).toBe(summary.gate.overrideReportId);
    expect(summary.gate.chainOk).toBe(true);
    expect(summary.gate.overrideRefusal).toContain('401');
    // the history filtered by the newest row's model and day, in the page and in the API alike
    expect(summary.gate.filtered?.total).toBeGreaterThan(0);

    // exactly one override was written, by the check, with the token; the chain still verifies
    const after = await api('api/gate/history?limit=5');
    expect(after.total).toBe(before.total + 1);
    expect(after.rows[0]).toMatchObject({
      id: summary.gate.overrideReportId,
      action: 'override',
      actor: 'dashboard-check',
    });
    expect(await api('api/gate/verify')).toMatchObject({ ok: true, rows: after.total });

    const expected = [
      'sectors.png',
      'sectors-drilldown.png',
      'drift.png',
      'replay.png',
      'gate.png',
      'gate-override-refused.png',
      'gate-override-recorded.png',
      // the same views on a phone (390x844)
      'sectors-390.png',
      'sectors-drilldown-390.png',
      'drift-390.png',
      'replay-390.png',
      'gate-390.png',
    ];
    expect(summary.screenshots.map((p) => p.split('/').pop()).sort()).toEqual([...expected].sort());
    for (const p of summary.screenshots) {
      expect(readFileSync(p).subarray(1, 4).toString()).toBe('PNG');
      expect(statSync(p).size).toBeGreaterThan(20_000);
    }
  });
});
