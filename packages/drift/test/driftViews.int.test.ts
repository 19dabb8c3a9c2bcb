import { predictionLogToken } from '@vigil/core';
import { createTestHost, testDatabases } from '@vigil/host/testing';
import { seededRandom } from '@vigil/test-utils';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { DriftDistribution, ecdf, furthestApart } from '../src/DriftDistribution.js';
import { DriftSeries } from '../src/DriftSeries.js';
import { driftMonitorToken, driftPlugin } from '../src/index.js';
import { ks2Samp } from '../src/stats/ks.js';
import { dayOf, makePanel } from './panel.js';

// f1 is a per-symbol random walk watched through `diff`: a window rebuilt without per-symbol
// transforms, or with the other model's rows, would not give the D the monitor recorded.
const config = {
  plugins: {
    drift: {
      options: {
        windowSteps: 5,
        baselineSteps: 20,
        referenceSteps: 30,
        minRecords: 10,
        checkEvery: 3,
        transforms: { f1: 'diff' },
      },
    },
  },
};

describe.each(testDatabases())("the drift view's reads (%s)", (database) => {
  it('chart one model at a time, and rebuild each check’s window exactly as the monitor saw it', async () => {
    const host = await createTestHost({ database, plugins: [driftPlugin], config });
    try {
      const a = makePanel({ symbols: 12, days: 70, seed: 3, walk: true, model: 'm1' });
      const b = makePanel({ symbols: 9, days: 70, seed: 4, walk: true, model: 'm2', shiftDay: 45, shift: 4 });
      // the two models interleaved in one stream, day by day
      const stream = [...a, ...b].sort((x, y) => x.timestamp.localeCompare(y.timestamp) || x.id.localeCompare(y.id));
      for (let i = 0; i < stream.length; i += 97) await host.observe(stream.slice(i, i + 97));

      const series = new DriftSeries(host.dataSource, 0.15);
      const dist = new DriftDistribution(
        host.dataSource,
        host.container.resolve(predictionLogToken),
        host.container.resolve(driftMonitorToken),
      );
      expect(await series.models()).toEqual(['m1', 'm2']);
      for (const model of ['m1', 'm2']) {
        const doc = await series.read({ model });
        const rows = (await host.dataSource.query(
          `SELECT id, details_json FROM drift_monitoring WHERE model_version = '${model}' AND drift_type = 'feature' ORDER BY step, id`,
        )) as { id: unknown; details_json: string }[];
        // the checks while the model collected its baseline compared nothing: they say so, and chart no point
        const insufficient = rows.filter((r) => JSON.parse(r.details_json).status === 'insufficient');
        expect(insufficient.length).toBeGreaterThan(0);
        for (const r of insufficient)
          expect(JSON.parse(r.details_json).reason).toMatch(/^not enough steps: \d+ of 20 /);
        const ids = rows.filter((r) => !insufficient.includes(r)).map((r) => Number(r.id));
        // listed apart with their reasons; no regime or prediction point for them either
        expect(doc.insufficient.map((x) => x.reason)).toEqual(
          insufficient.map((r) => JSON.parse(r.details_json).reason),
        );
        const steps = new Set(doc.insufficient.map((x) => x.step));
        expect([...doc.regimes, ...doc.predictions].filter((p) => steps.has(p.step))).toEqual([]);
        expect(doc.predictions.length).toBe(ids.length);
        for (const p of doc.predictions)
          expect(p.detected).toBe(
            (p.classThreshold !== null && (p.classDistance as number) > p.classThreshold) ||
              (p.confidenceD as number) > (p.confidenceThreshold as number),
          );
        expect(ids.length).toBeGreaterThan(5);
        expect(doc.model).toBe(model);
        expect(doc.features.map((f) => f.feature)).toEqual(['f0', 'f1', 'f2']);
        for (const f of doc.features) expect(f.points.map((p) => p.id)).toEqual(ids);
        // every check of every feature: the window rebuilt from the log gives the recorded D
        for (const f of doc.features)
          for (const p of f.points) {
            const d = await dist.read({ model, feature: f.feature, step: p.step });
            if (!d) throw new Error(`no distribution for ${model} ${f.feature} ${p.step}`);
            expect(d.check.id).toBe(p.id);
            expect(d.window).toMatchObject({ lastStep: p.step, steps: 5 });
            // the baseline the check used is still the model's: the same D, and the answer says so
            expect(d.baseline).toMatchObject({ sameAsCheck: true, recordedVersion: d.baseline.version });
            expect(d.note).toBeNull();
            expect(d.ks.statistic).toBeCloseTo(p.statistic, 12);
            expect(Math.abs(d.ks.baselineCdf - d.ks.windowCdf)).toBeCloseTo(p.statistic, 12);
          }
      }
      // m2's shift of f0 on day 45: its checks go over the threshold and an episode opens; m1's stay calm
      const m2 = await series.read({ model: 'm2' });
      expect(m2.features.find((f) => f.feature === 'f0')?.points.some((p) => p.drifted && p.step >= dayOf(45))).toBe(
        true,
      );
      // each model's episodes are its own rows
      for (const model of ['m1', 'm2']) {
        const rows = (await host.dataSource.query(
          `SELECT id FROM drift_monitoring WHERE model_version = '${model}' AND drift_type = 'cusum' ORDER BY step, id`,
        )) as { id: unknown }[];
        expect((await series.read({ model })).episodes.map((e) => e.id)).toEqual(rows.map((r) => Number(r.id)));
      }
      expect(m2.episodes.length).toBeGreaterThan(0);

      // a day range keeps checks whose step lies in it (days inclusive) and the episodes overlapping it
      const from = dayOf(40);
      const to = dayOf(55);
      const ranged = await series.read({ model: 'm2', from, to });
      const steps = ranged.features[0]?.points.map((p) => p.step) ?? [];
      expect(steps.length).toBeGreaterThan(0);
      expect(steps.every((s) => s >= from && s <= to)).toBe(true);
      expect(steps).toEqual(m2.features[0]?.points.map((p) => p.step).filter((s) => s >= from && s <= to));
      expect(ranged.regimes.every((r) => r.step >= from && r.step <= to)).toBe(true);
      expect(ranged.episodes.map((e) => e.id)).toEqual(m2.episodes.filter((e) => e.onset <= to).map((e) => e.id));
      // without a model: the model checked last
      expect((await series.read({})).model).toBe('m2');

      // m1's baseline replaced (an explicit one, from another sample): its earlier checks used the old
      // one, so the D rebuilt now is not the recorded D, and the answer says so instead of passing it off
      const monitor = host.container.resolve(driftMonitorToken);
      const before = await dist.read({ model: 'm1', feature: 'f0', step: dayOf(60) });
      const fresh = makePanel({ symbols: 12, days: 20, seed: 99, walk: true, model: 'm1' });
      await monitor.setBaseline({
        model: 'm1',
        features: Object.fromEntries(['f0', 'f1', 'f2'].map((f) => [f, fresh.map((r) => r.features[f] as number)])),
        timestamps: fresh.map((r) => r.timestamp),
        symbols: fresh.map((r) => r.symbol),
      });
      const after = await dist.read({ model: 'm1', feature: 'f0', step: dayOf(60) });
      if (!before || !after) throw new Error('no distribution for m1 f0');
      expect(after.check).toEqual(before.check);
      expect(after.baseline.recordedVersion).toBe(before.baseline.version);
      expect(after.baseline.version).not.toBe(before.baseline.version);
      expect(after.baseline.sameAsCheck).toBe(false);
      expect(after.note).toMatch(/baseline was replaced after this check.*not the recorded D/);
      expect(after.ks.statistic).not.toBeCloseTo(after.check.statistic, 6);
      // m2 keeps its own baseline: its checks are unaffected
      const m2Check = await dist.read({ model: 'm2', feature: 'f0' });
      expect(m2Check?.baseline.sameAsCheck).toBe(true);
      // a check written before checks recorded their baseline: unknown, said so
      await host.dataSource.query(
        `UPDATE drift_monitoring SET details_json = REPLACE(details_json, '"baseline_version"', '"old_key"') WHERE id = ${before.check.id}`,
      );
      const legacy = await dist.read({ model: 'm1', feature: 'f0', step: dayOf(60) });
      expect(legacy?.baseline).toMatchObject({ recordedVersion: null, sameAsCheck: null });
      expect(legacy?.note).toMatch(/did not record its baseline's version/);

      // refusals name the field
      await expect(dist.read({ model: 'm1', feature: 'nope' })).rejects.toThrow(/querystring\.feature: .*f0, f1, f2/);
      // nothing recorded for the query: null, as /api/gate/latest before any report
      expect(await dist.read({ model: 'm3' })).toBeNull();
      expect(await dist.read({ model: 'm1', step: dayOf(2) })).toBeNull();

      // the routes, as the server mounts them
      const app = Fastify();
      const drift = host.initialized.find((p) => p.plugin.id === 'drift');
      await app.register(async (s) => drift?.instance.routes?.(s, { writeAuth: async () => {} }), {
        prefix: '/api/drift',
      });
      const res = await app.inject({ url: `/api/drift/series?model=m2&from=${from}&to=${to}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().features[0].points.map((p: { step: string }) => p.step)).toEqual(steps);
      const one = await app.inject({ url: `/api/drift/distribution?model=m2&feature=f1&step=${dayOf(60)}` });
      expect(one.statusCode).toBe(200);
      expect(one.json().ks.statistic).toBeCloseTo(one.json().check.statistic, 12);
      expect(one.json().baseline).toMatchObject({ sameAsCheck: true, recordedVersion: one.json().baseline.version });
      expect(one.json().note).toBeNull();
      const replaced = await app.inject({ url: `/api/drift/distribution?model=m1&feature=f0&step=${dayOf(50)}` });
      expect(replaced.json()).toMatchObject({
        baseline: { sameAsCheck: false },
        note: expect.stringMatching(/replaced/),
      });
      expect(one.json().window.ecdf.length).toBeGreaterThan(0);
      const none = await app.inject({ url: '/api/drift/distribution?model=m3' });
      expect([none.statusCode, none.body]).toEqual([200, 'null']);
      // refused naming the field (the server maps VigilError to 400; bare fastify shows its message)
      for (const [bad, field] of [
        ['from=2020-02-30', 'querystring.from'],
        ['from=2020-03-01&to=2020-02-01', 'querystring.from'],
        ['to=yesterday', 'querystring/to'],
      ] as const) {
        const r = await app.inject({ url: `/api/drift/series?${bad}` });
        expect(r.statusCode, bad).not.toBe(200);
        expect(r.json().message, bad).toContain(field);
      }
      for (const [bad, field] of [['step=2020-02-30', 'querystring.step']] as const) {
        const r = await app.inject({ url: `/api/drift/distribution?model=m1&feature=f1&${bad}` });
        expect(r.statusCode, bad).not.toBe(200);
        expect(r.json().message, bad).toContain(field);
      }
      await app.close();
    } finally {
      await host.dispose();
    }
  });
});

describe('ECDF helpers', () => {
  it('find D where the two ECDFs are furthest apart, ties included, as ks2Samp computes it', () => {
    const rand = seededRandom(9);
    for (let k = 0; k < 50; k++) {
      // rounded values: many ties within and across the samples
      const a = Array.from({ length: 5 + Math.floor(rand() * 60) }, () => Math.round(rand() * 20) / 4).sort(
        (x, y) => x - y,
      );
      const b = Array.from({ length: 5 + Math.floor(rand() * 60) }, () => Math.round(rand() * 24) / 4 - 0.5).sort(
        (x, y) => x - y,
      );
      const at = furthestApart(a, b);
      expect(Math.abs(at.fa - at.fb)).toBeCloseTo(ks2Samp(a, b).statistic, 12);
      expect(at.fa).toBe(a.filter((v) => v <= at.x).length / a.length);
      const e = ecdf(a);
      expect(e.at(-1)).toEqual([a.at(-1), 1]);
      for (let i = 1; i < e.length; i++)
        expect((e[i] as [number, number])[1]).toBeGreaterThanOrEqual((e[i - 1] as [number, number])[1]);
    }
    // a large sample is drawn with at most ECDF_POINTS points, ending at 1
    const big = Array.from({ length: 10_000 }, (_, i) => i);
    expect(ecdf(big)).toHaveLength(400);
    expect(ecdf(big).at(-1)).toEqual([9999, 1]);
  });
});
