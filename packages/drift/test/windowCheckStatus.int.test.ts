import { createTestHost, testDatabases } from '@vigil/host/testing';
import { normalSampler, seededRandom } from '@vigil/test-utils';
import { describe, expect, it } from 'vitest';
import { driftMetrics } from '../src/driftMetrics.js';
import { driftHistoryToken, driftMonitorToken, driftPlugin } from '../src/index.js';
import { dayOf, makePanel } from './panel.js';

/** The window checks' statuses: 'tested', 'untestable' features, and 'insufficient' checks with their reason. */
const options = { windowSteps: 5, baselineSteps: 20, referenceSteps: 30, minRecords: 10, checkEvery: 5 };
type Row = { model_version: string; step: string; drift_type: string; drift_detected: number; details_json: string };
const read = async (h: { dataSource: { query(q: string): Promise<unknown> } }, model: string) =>
  (
    (await h.dataSource.query(
      `SELECT model_version, step, drift_type, drift_detected, details_json FROM drift_monitoring WHERE drift_type <> 'cusum' AND model_version = '${model}' ORDER BY step, id`,
    )) as Row[]
  ).map((r) => ({ ...r, details: JSON.parse(r.details_json) }));

/** A baseline of `days` days of 8 symbols: f0 i.i.d., `lvl` one value per day shared by every symbol and persisting. */
function baseline(days: number, seed: number) {
  const z = normalSampler(seededRandom(seed));
  const f0: number[] = [];
  const lvl: number[] = [];
  const timestamps: string[] = [];
  const symbols: string[] = [];
  let level = 0;
  for (let d = 0; d < days; d++) {
    level = 0.98 * level + Math.sqrt(1 - 0.98 ** 2) * z();
    for (let s = 0; s < 8; s++) {
      f0.push(z());
      lvl.push(level);
      timestamps.push(`${dayOf(d - days)}T21:00:00.000Z`);
      symbols.push(`S${s}`);
    }
  }
  return { features: { f0, lvl }, timestamps, symbols };
}
const records = (model: string, fromDay: number, days: number, seed: number) =>
  makePanel({ symbols: 8, days: fromDay + days, features: 2, seed, model })
    .filter((r) => r.timestamp >= dayOf(fromDay))
    .map((r) => ({ ...r, features: { f0: r.features.f0 as number, lvl: 0.1 * (r.features.f1 as number) } }));

describe.each(testDatabases())('window check statuses (%s)', (database) => {
  it('a model on the shared baseline is checked once it has run baselineSteps steps; a persistent shared level is untestable', async () => {
    const host = await createTestHost({
      database,
      plugins: [driftPlugin],
      config: { plugins: { drift: { options } } },
    });
    try {
      // the shared baseline: 250 days (calibrated), no model named
      await host.container.resolve(driftMonitorToken).setBaseline(baseline(250, 1));
      // the live model from day 0; a challenger joins on day 20 for 15 days (a shadow)
      await host.observe(records('live', 0, 20, 2));
      await host.observe(
        [...records('live', 20, 30, 3), ...records('shadow', 20, 15, 4)].sort((a, b) =>
          a.timestamp.localeCompare(b.timestamp),
        ),
      );
      const live = await read(host, 'live');
      const shadow = await read(host, 'shadow');
      // steps 5, 10, 15 of the live model: not enough steps; from step 20 on: tested
      const byStep = (rows: typeof live) => [...new Set(rows.map((r) => `${r.step} ${r.details.status}`))];
      expect(byStep(live)).toEqual([
        `${dayOf(4)} insufficient`,
        `${dayOf(9)} insufficient`,
        `${dayOf(14)} insufficient`,
        `${dayOf(19)} tested`,
        `${dayOf(24)} tested`,
        `${dayOf(29)} tested`,
        `${dayOf(34)} tested`,
        `${dayOf(39)} tested`,
        `${dayOf(44)} tested`,
      ]);
      expect(live[0]?.details.reason).toBe(
        'not enough steps: 5 of 20 (a model is checked against the shared baseline once it has run 20 steps; set a baseline for it to check it sooner)',
      );
      // the challenger never ran 20 steps: never judged against the shared baseline (another model's predictions)
      // 15 days: 14 closed steps (the last stays open), checks at its steps 5 and 10
      expect(shadow.length).toBe(6);
      for (const r of shadow) {
        expect(r).toMatchObject({ drift_detected: 0 });
        expect(r.details.status).toBe('insufficient');
        expect(r.details.reason).toMatch(/^not enough steps: (5|10) of 20 /);
      }
      // the shared level: a window of 5 days of it is about one independent draw; untestable, with no threshold
      const feature = live.find((r) => r.drift_type === 'feature' && r.details.status === 'tested');
      const lvl = feature?.details.features.find((f: { feature: string }) => f.feature === 'lvl');
      const f0 = feature?.details.features.find((f: { feature: string }) => f.feature === 'f0');
      expect(lvl).toMatchObject({ status: 'untestable', threshold: null, drifted: false });
      expect(lvl.reason).toMatch(/^D would have to exceed \d\.\d{3} \(> 1\) to flag/);
      expect(lvl.design_effect).toBeGreaterThan(8 * 4);
      expect(f0).toMatchObject({ status: 'tested', drifted: false });
      expect(f0.threshold).toBeLessThan(1);
      expect(feature?.details.untestable_feature_names).toEqual(['lvl']);
      // /metrics: the latest check's untestable feature is 1 and has no threshold gauge
      const metrics = driftMetrics(
        host.container.resolve(driftMonitorToken),
        host.container.resolve(driftHistoryToken),
        host.container.resolve(driftMonitorToken).options,
      );
      const samples = async (name: string) =>
        (await metrics.find((d) => d.name === name)?.collect()) as {
          labels: Record<string, string>;
          value: number;
        }[];
      const untestable = (await samples('vigil_drift_feature_untestable')).filter((x) => x.labels.model === 'live');
      expect(untestable.map((x) => [x.labels.feature, x.value])).toEqual([
        ['f0', 0],
        ['lvl', 1],
      ]);
      const thresholds = (await samples('vigil_drift_ks_threshold')).filter((x) => x.labels.model === 'live');
      expect(thresholds.map((x) => x.labels.feature)).toEqual(['f0']);
    } finally {
      await host.dispose();
    }
  });

  it("a baseline too short to calibrate windows of windowSteps steps gives 'insufficient' checks, not the i.i.d. rule", async () => {
    const host = await createTestHost({
      database,
      plugins: [driftPlugin],
      config: { plugins: { drift: { options: { ...options, windowSteps: 10, checkEvery: 10 } } } },
    });
    try {
      await host.container.resolve(driftMonitorToken).setBaseline({ ...baseline(15, 5), model: 'm1' });
      await host.observe(records('m1', 0, 21, 6)); // 20 closed steps: checks at 10 and 20
      const rows = await read(host, 'm1');
      expect(rows.map((r) => r.drift_type)).toEqual([
        'feature',
        'regime',
        'prediction',
        'feature',
        'regime',
        'prediction',
      ]);
      for (const r of rows)
        expect(r.details).toMatchObject({
          status: 'insufficient',
          reason: "the baseline's 15 steps cannot calibrate windows of 10 steps (at least 20 needed)",
        });
    } finally {
      await host.dispose();
    }
  });
});
