import { driftHistoryToken, driftMonitorToken } from '@vigil/drift';
import { testDatabases } from '@vigil/host/testing';
import { makePredictions } from '@vigil/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseExposition, value } from './exposition.js';
import { type Served, post, serve } from './helpers.js';

describe.each(testDatabases())('drift on GET /metrics (%s)', (database) => {
  let s: Served;
  beforeEach(async () => {
    s = await serve(database);
  });
  afterEach(() => s.close());

  it('per model and feature: episode state, retraining requests, CUSUM sums, last step, latest window checks', async () => {
    // two models, 8 symbols a day for 60 days; m1's f0 jumps by 4 sd from day 55, m2 stays calm
    const shifted = makePredictions(8 * 60, { seed: 3, features: 3, modelVersion: 'm1' }).map((r, i) =>
      i >= 8 * 55 ? { ...r, features: { ...r.features, f0: (r.features.f0 as number) + 4 } } : r,
    );
    const calm = makePredictions(8 * 60, { seed: 4, features: 3, modelVersion: 'm2', idPrefix: 'q' });
    const all = [...shifted, ...calm].sort((a, b) =>
      a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0,
    );
    for (let i = 0; i < all.length; i += 160)
      expect((await post(s.app, '/api/observe', { records: all.slice(i, i + 160) })).statusCode).toBe(200);

    const r = await s.app.inject({ method: 'GET', url: '/metrics' });
    expect(r.statusCode).toBe(200);
    const m = parseExposition(r.body);
    const monitor = s.host.container.resolve(driftMonitorToken);
    const history = s.host.container.resolve(driftHistoryToken);
    expect(monitor.models).toEqual(['m1', 'm2']);
    for (const model of monitor.models) {
      expect(value(m, 'vigil_drift_episode_open', { model })).toBe(monitor.episodeOf(model) ? 1 : 0);
      expect(value(m, 'vigil_drift_retraining_requests_total', { model })).toBe((await history.episodes(model)).length);
      const stream = monitor.streamOf(model);
      for (const [statistic, sum] of Object.entries(stream?.cusum ?? {}))
        expect(value(m, 'vigil_drift_cusum_sum', { model, statistic })).toBeCloseTo(sum, 12);
      expect(value(m, 'vigil_drift_step_records', { model })).toBe(8);
      const f0 = stream?.lastStep?.stats.features.f0;
      expect(value(m, 'vigil_drift_step_mean', { model, feature: 'f0' })).toBeCloseTo(f0?.[1] as number, 12);
      expect(value(m, 'vigil_drift_step_sd', { model, feature: 'f0' })).toBeCloseTo(Math.sqrt(f0?.[2] as number), 12);
      // the latest feature check's per-feature D and threshold, as drift_monitoring holds them
      const checks = await history.latestChecks(model);
      const feature = checks.find((c) => c.type === 'feature');
      const details = feature?.details?.features as {
        feature: string;
        statistic: number;
        threshold: number;
        drifted: boolean;
      }[];
      expect(details).toHaveLength(3);
      for (const f of details) {
        expect(value(m, 'vigil_drift_ks_statistic', { model, feature: f.feature })).toBeCloseTo(f.statistic, 12);
        expect(value(m, 'vigil_drift_ks_threshold', { model, feature: f.feature })).toBeCloseTo(f.threshold, 12);
        expect(value(m, 'vigil_drift_feature_drifted', { model, feature: f.feature })).toBe(f.drifted ? 1 : 0);
        expect(value(m, 'vigil_drift_feature_untestable', { model, feature: f.feature })).toBe(0);
      }
      for (const c of checks)
        expect(value(m, 'vigil_drift_check_detected', { model, type: c.type })).toBe(c.detected ? 1 : 0);
    }
    // the shift: m1 asked for retraining and its f0 CUSUM is above h; the calm model's f0 did not drift
    expect(m.get('vigil_drift_retraining_requests_total')?.type).toBe('counter');
    expect(value(m, 'vigil_drift_retraining_requests_total', { model: 'm1' })).toBeGreaterThanOrEqual(1);
    expect(value(m, 'vigil_drift_cusum_sum', { model: 'm1', statistic: 'f0:abs' })).toBeGreaterThan(
      value(m, 'vigil_drift_cusum_threshold') as number,
    );
    expect(value(m, 'vigil_drift_episode_open', { model: 'm1' })).toBe(1);
    expect(value(m, 'vigil_drift_feature_drifted', { model: 'm1', feature: 'f0' })).toBe(1);
    expect(value(m, 'vigil_drift_feature_drifted', { model: 'm2', feature: 'f0' })).toBe(0);
  });
});
