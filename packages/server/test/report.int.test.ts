import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ReportTableBlock, type VigilReport, definePlugin, predictionLogToken } from '@vigil/core';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { createTestHost, testDatabases } from '@vigil/host/testing';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';
import { makePredictions } from '@vigil/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/index.js';
import { GOOD_VALIDATION, type Served, TOKEN, post, serve, writeModel } from './helpers.js';
import { expectHtmlMatchesJson, expectSelfContained } from './reportHtml.js';

const section = (r: VigilReport, id: string) => {
  const s = r.sections.find((x) => x.id === id);
  if (!s) throw new Error(`no section ${id} in ${r.sections.map((x) => x.id).join(', ')}`);
  return s;
};
const figure = (r: VigilReport, id: string, label: string) =>
  section(r, id)
    .blocks.flatMap((b) => (b.kind === 'figures' ? b.items : []))
    .find((f) => f.label === label)?.value;
const table = (r: VigilReport, id: string, title: string) =>
  section(r, id).blocks.find((b) => b.kind === 'table' && b.title === title) as ReportTableBlock;

describe.each(testDatabases())('GET /api/report on %s', (database) => {
  let s: Served;
  // biome-ignore lint/suspicious/noExplicitAny: API documents
  const get = async (url: string, headers: Record<string, string> = {}): Promise<any> => {
    const res = await s.app.inject({ method: 'GET', url, headers });
    expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    return res.headers['content-type']?.toString().startsWith('text/html') ? res.body : res.json();
  };

  beforeAll(async () => {
    s = await serve(database);
    // two model versions over 60 days each, every outcome known
    const a = makePredictions(480, { seed: 3, modelVersion: 'm1', idPrefix: 'a', start: '2020-01-01T21:00:00Z' });
    const b = makePredictions(480, { seed: 4, modelVersion: 'm2', idPrefix: 'b', start: '2020-03-01T21:00:00Z' });
    await s.host.observe([...a, ...b]);
    await s.host.resolve(
      [...a, ...b].map((p, i) => ({ id: p.id, actualLabel: i % 3 === 0 ? 1 - p.predictedLabel : p.predictedLabel })),
    );
    const modelPath = writeModel(s, 'm2.json', '{"weights":[1,2,3]}');
    expect((await post(s.app, '/api/gate/validate', { modelPath, validation: GOOD_VALIDATION })).statusCode).toBe(200);
    expect((await post(s.app, '/api/gate/promote', { modelPath, modelVersion: 'm2' })).statusCode).toBe(200);
  });
  afterAll(async () => s?.close());

  it('reports every plugin, with figures equal to the routes that serve them', async () => {
    // `*`: every model side by side (without a model the report covers the live one, below)
    const r: VigilReport = await get('/api/report?model=*');
    expect(r.plugins.map((p) => p.id)).toEqual(['drift', 'replay', 'sectors', 'gate', 'webhooks']);
    expect(r.sections.map((x) => x.id)).toEqual([
      'predictions',
      'drift',
      'replay',
      'sectors',
      'gate',
      'gate.decisions',
    ]);
    expect(r.query).toEqual({ model: null, from: null, to: null });
    // without a model: the model live now, as the gate's promotion named it
    const byDefault: VigilReport = await get('/api/report');
    expect(byDefault.query).toEqual({ model: 'm2', from: null, to: null });
    expect(table(byDefault, 'predictions', 'By model version').rows.map((x) => x.model)).toEqual(['m2']);

    const counts = await s.host.container.resolve(predictionLogToken).counts();
    expect(figure(r, 'predictions', 'predictions')).toBe(counts.logged);
    expect(figure(r, 'predictions', 'resolved')).toBe(counts.resolved);
    expect(table(r, 'predictions', 'By model version').rows.map((x) => [x.model, x.predictions])).toEqual([
      ['m1', 480],
      ['m2', 480],
    ]);

    // sectors: the same Wilson figures as GET /api/sectors (its aggregates), sector by sector, for one
    // model (figures are per model: GET /api/sectors without one is a 400 with two models here)
    const m1: VigilReport = await get('/api/report?model=m1');
    const api = await get('/api/sectors?model=m1');
    const bySector = table(m1, 'sectors', 'By GICS sector').rows;
    for (const row of bySector) {
      const a = api.sectors.find((x: { sector: string }) => x.sector === row.key);
      expect(a, String(row.key)).toBeDefined();
      expect([row.resolved, row.correct]).toEqual([a.resolved, a.correct]);
      expect(row.accuracy).toBeCloseTo(a.accuracy, 12);
      expect([row.lower, row.upper]).toEqual([expect.closeTo(a.ci[0], 12), expect.closeTo(a.ci[1], 12)]);
    }
    expect(bySector.reduce((n, x) => n + Number(x.resolved), 0)).toBe(
      api.sectors.reduce((n: number, x: { resolved: number }) => n + x.resolved, 0),
    );

    const replay = await get('/api/replay?top=5&model=m1');
    expect(figure(m1, 'replay', 'buffered errors')).toBe(replay.stats.total);
    expect(figure(m1, 'replay', 'draws')).toBe(replay.stats.totalReplays);
    // without a model, each model's buffer side by side
    const byModel = table(r, 'replay', 'Buffers by model').rows;
    expect(byModel.map((x) => x.model)).toEqual(['m1', 'm2']);
    expect(byModel[0]?.errors).toBe(replay.stats.total);
    // and the unfiltered sectors figures say they pool both models
    expect(section(r, 'sectors').summary).toContain('pool 2 model versions (m1, m2)');

    const verify = await get('/api/gate/verify');
    expect(verify.ok).toBe(true);
    expect(figure(r, 'gate', 'hash chain')).toBe('verified');
    expect(figure(r, 'gate', 'in production')).toBe('models/m2.json');
    const history = await get('/api/gate/history');
    expect(table(r, 'gate', 'Promotion history (production changes, newest first)').rows.map((x) => x.id)).toEqual(
      history.rows
        .filter((x: { promotedToProduction: boolean }) => x.promotedToProduction)
        .map((x: { id: number }) => x.id),
    );
    // each criterion of the validation, value against threshold
    const latest = await get('/api/gate/latest');
    const criteria = table(r, 'gate.decisions', 'Criteria: value vs threshold').rows.filter((x) => x.id === latest.id);
    expect(criteria.map((x) => [x.criterion, x.status, x.value, x.threshold])).toEqual(
      latest.checks.map((c: { id: string; status: string; value: number; threshold: number }) => [
        c.id,
        c.status,
        c.value,
        c.threshold,
      ]),
    );
  });

  it('serves the same report as one self-contained HTML page (Accept or ?format=html)', async () => {
    const json: VigilReport = await get('/api/report?model=m1');
    const html: string = await get('/api/report?model=m1&format=html');
    const negotiated: string = await get('/api/report?model=m1', {
      accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
    });
    expect(html).toMatch(/^<!doctype html>/);
    expect(negotiated).toMatch(/^<!doctype html>/);
    expectSelfContained(html);
    expectHtmlMatchesJson(html, json);
    // the JSON embedded in the page is the report itself
    const embedded = JSON.parse(
      /<script type="application\/json" id="vigil-report">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null',
    );
    expect({ ...embedded, generatedAt: null }).toEqual({ ...json, generatedAt: null });
    expect(await get('/api/report?model=m1', { accept: 'application/json' })).toMatchObject({ query: { model: 'm1' } });
  });

  it('filters by model and by [from, to)', async () => {
    const m1: VigilReport = await get('/api/report?model=m1');
    expect(figure(m1, 'predictions', 'predictions')).toBe(480);
    expect(figure(m1, 'sectors', 'resolved')).toBe(480);
    const log = s.host.container.resolve(predictionLogToken);
    const inRange = await log.range({
      from: '2020-01-15T00:00:00.000Z',
      to: '2020-02-01T00:00:00.000Z',
      modelVersion: 'm1',
    });
    const ranged: VigilReport = await get('/api/report?model=m1&from=2020-01-15&to=2020-02-01');
    expect(ranged.query).toEqual({ model: 'm1', from: '2020-01-15T00:00:00.000Z', to: '2020-02-01T00:00:00.000Z' });
    expect(inRange.length).toBeGreaterThan(0);
    expect(figure(ranged, 'predictions', 'predictions')).toBe(inRange.length);
    const correct = inRange.filter((p) => p.actualLabel === p.predictedLabel).length;
    expect(figure(ranged, 'sectors', 'accuracy')).toBeCloseTo(correct / inRange.length, 12);
    // a model that never predicted: empty, said so, not an error
    const none: VigilReport = await get('/api/report?model=nobody');
    expect(figure(none, 'predictions', 'predictions')).toBe(0);
    expect(section(none, 'predictions').status).toBe('warning');
  });

  it('refuses a bad query naming the field, before reading anything', async () => {
    for (const [url, field] of [
      ['/api/report?from=2020-13-01', 'from'],
      ['/api/report?to=yesterday', 'to'],
      ['/api/report?from=2020-02-01&to=2020-01-01', 'to'],
      ['/api/report?format=pdf', 'format'],
      ['/api/report?colour=red', 'colour'],
    ] as const) {
      const res = await s.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.body, url).toContain(field);
    }
  });

  it('is documented in OpenAPI with its query and both response types', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const op = doc.paths['/api/report'].get;
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['format', 'from', 'model', 'to']);
    expect(Object.keys(op.responses['200'].content).sort()).toEqual(['application/json', 'text/html']);
  });
});

describe.each(testDatabases())('report sections from the plugin contract on %s', (database) => {
  it("says a disabled plugin is disabled, lists a third party's sections, and names a plugin whose report fails", async () => {
    const root = mkdtempSync(join(tmpdir(), 'vigil-report-'));
    mkdirSync(join(root, 'models'));
    writeFileSync(join(root, 'models', 'm.pkl'), 'w');
    const acme = definePlugin({
      id: 'acme',
      deps: {},
      init: () => ({
        report: async (q) => [
          {
            id: 'acme.turnover',
            title: 'Turnover <b>',
            status: 'ok' as const,
            summary: `for ${q.model ?? 'all'}`,
            blocks: [{ kind: 'figures' as const, items: [{ label: 'flips', value: 3, unit: 'count' as const }] }],
          },
        ],
      }),
    });
    const broken = definePlugin({
      id: 'broken',
      deps: {},
      init: () => ({
        report: async () => {
          throw new Error(`cannot read ${join(root, 'secret.db')}`);
        },
      }),
    });
    const host = await createTestHost({
      database,
      plugins: [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin, acme, broken],
      config: { plugins: { gate: { options: { root, modelsDir: 'models' } }, replay: { enabled: false } } },
    });
    const app = await buildServer({ host, token: TOKEN, dashboard: false });
    try {
      const r: VigilReport = (await app.inject({ method: 'GET', url: '/api/report?model=x1' })).json();
      expect(r.plugins.find((p) => p.id === 'replay')).toEqual({ id: 'replay', enabled: false, sections: ['replay'] });
      expect(section(r, 'replay')).toMatchObject({ status: 'disabled', blocks: [] });
      expect(section(r, 'replay').summary).toContain(
        "plugin 'replay' is disabled in the config (plugins.replay.enabled: false)",
      );
      expect(section(r, 'acme.turnover')).toMatchObject({ status: 'ok', summary: 'for x1' });
      expect(section(r, 'broken')).toMatchObject({ status: 'error' });
      expect(section(r, 'broken').summary).toContain("plugin 'broken' failed to report: cannot read");
      expect(section(r, 'broken').summary).not.toContain(root);
      const html = (await app.inject({ method: 'GET', url: '/api/report?model=x1&format=html' })).body;
      expect(html).toContain('Turnover &lt;b&gt;');
      expect(html).not.toContain('Turnover <b>');
      expectSelfContained(html);
      expectHtmlMatchesJson(html, r);
    } finally {
      await app.close();
      await host.dispose();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
