import { type VigilEvent, eventBusToken } from '@vigil/core';
import { createTestHost, testDatabases } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import { driftHistoryToken, driftMonitorToken, driftPlugin } from '../src/index.js';
import { dayOf, makePanel } from './panel.js';

const options = { windowSteps: 5, baselineSteps: 20, referenceSteps: 30, minRecords: 10, checkEvery: 1 };

describe.each(testDatabases())('the drift episode of a model that stops predicting (%s)', (database) => {
  it('ends, as an update of its row, at its last step with predictions, reason retired, announced once', async () => {
    const host = await createTestHost({
      database,
      plugins: [driftPlugin],
      config: { plugins: { drift: { options: { ...options, retireAfterSteps: 8 } } } },
    });
    const committed: VigilEvent[] = [];
    host.container.resolve(eventBusToken).subscribe(async (e, tx) => tx.afterCommit(() => void committed.push(e)));
    try {
      // old: 70 days, a 3-sd shift of f1 from day 60 (an episode opens and is still open on day 69); then replaced
      const old = makePanel({
        symbols: 30,
        days: 70,
        seed: 5,
        shiftDay: 60,
        shiftFeature: 'f1',
        shift: 3,
        model: 'old',
      });
      // new: from day 40 to day 90, calm
      const fresh = makePanel({ symbols: 30, days: 91, seed: 9, model: 'new' }).filter((r) => r.timestamp >= dayOf(40));
      const all = [...old, ...fresh].sort((a, b) =>
        a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0,
      );
      const monitor = host.container.resolve(driftMonitorToken);
      let sawOpen = false;
      let endedOn: string | undefined;
      for (let d = 0; d <= 90; d++) {
        await host.observe(all.filter((r) => r.timestamp.startsWith(dayOf(d))));
        if (d === 69) sawOpen = monitor.episodeOf('old') !== null;
        if (sawOpen && endedOn === undefined && monitor.episodeOf('old') === null) endedOn = dayOf(d);
      }
      expect(sawOpen).toBe(true);
      // noticed once 8 later steps of another model had closed: days 70-77, the last closed by day 78's records
      expect(endedOn).toBe(dayOf(78));
      expect(monitor.episodeOf('old')).toBeNull();

      const rows = (await host.dataSource.query(
        `SELECT step, episode_status, episode_end, details_json FROM drift_monitoring WHERE drift_type = 'cusum' AND model_version = 'old' ORDER BY step`,
      )) as { step: string; episode_status: string; episode_end: string | null; details_json: string }[];
      expect(rows).toHaveLength(1);
      const row = rows[0] as (typeof rows)[number];
      expect(row.episode_status).toBe('closed');
      // its last step with predictions (day 69), not the day the absence was noticed
      expect(row.episode_end).toBe(dayOf(69));
      expect(JSON.parse(row.details_json)).toMatchObject({ status: 'closed', end_reason: 'retired', end: dayOf(69) });

      const ends = committed.filter((e) => e.type === 'drift.episode.end' && e.data.model === 'old');
      expect(ends).toHaveLength(1);
      expect(ends[0]?.data).toMatchObject({ onset: row.step, end: dayOf(69), endReason: 'retired' });
      const episodes = await host.container.resolve(driftHistoryToken).episodes('old');
      expect(episodes[0]).toMatchObject({ end: dayOf(69), endReason: 'retired' });
    } finally {
      await host.dispose();
    }
  });

  it('a retired model that predicts again (a rollback) starts over: no request for its weeks-old step', async () => {
    const host = await createTestHost({
      database,
      plugins: [driftPlugin],
      config: { plugins: { drift: { options: { ...options, retireAfterSteps: 8 } } } },
    });
    const onsets: string[] = [];
    host.container.resolve(eventBusToken).subscribe(async (e, tx) =>
      tx.afterCommit(() => {
        if (e.type === 'drift.episode.onset' && e.data.model === 'old') onsets.push(String(e.data.step));
      }),
    );
    try {
      // old shifts from day 60 and stops after day 69; new runs days 40-100; old comes back, calm, on days 90-100
      const old = makePanel({
        symbols: 30,
        days: 101,
        seed: 5,
        shiftDay: 60,
        shiftFeature: 'f1',
        shift: 3,
        model: 'old',
      })
        .filter((r) => r.timestamp < dayOf(70) || r.timestamp >= dayOf(90))
        .map((r) =>
          r.timestamp >= dayOf(90) ? { ...r, features: { ...r.features, f1: (r.features.f1 as number) - 3 } } : r,
        );
      const fresh = makePanel({ symbols: 30, days: 101, seed: 9, model: 'new' }).filter(
        (r) => r.timestamp >= dayOf(40),
      );
      const all = [...old, ...fresh].sort((a, b) =>
        a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0,
      );
      for (let d = 0; d <= 100; d++) await host.observe(all.filter((r) => r.timestamp.startsWith(dayOf(d))));
      // one episode: the shift's; its end was 'retired'; nothing new when the model returned calm
      expect(onsets).toHaveLength(1);
      expect(onsets[0] && onsets[0] >= dayOf(60) && onsets[0] <= dayOf(65)).toBe(true);
      const episodes = await host.container.resolve(driftHistoryToken).episodes('old');
      expect(episodes).toEqual([expect.objectContaining({ end: dayOf(69), endReason: 'retired' })]);
      expect(host.container.resolve(driftMonitorToken).episodeOf('old')).toBeNull();
    } finally {
      await host.dispose();
    }
  });

  it('stays open while the model is silent for fewer steps than retireAfterSteps', async () => {
    const host = await createTestHost({
      database,
      plugins: [driftPlugin],
      config: { plugins: { drift: { options: { ...options, retireAfterSteps: 50 } } } },
    });
    try {
      const old = makePanel({
        symbols: 30,
        days: 70,
        seed: 5,
        shiftDay: 60,
        shiftFeature: 'f1',
        shift: 3,
        model: 'old',
      });
      const fresh = makePanel({ symbols: 30, days: 91, seed: 9, model: 'new' }).filter((r) => r.timestamp >= dayOf(40));
      const all = [...old, ...fresh].sort((a, b) =>
        a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0,
      );
      for (let i = 0; i < all.length; i += 500) await host.observe(all.slice(i, i + 500));
      expect(host.container.resolve(driftMonitorToken).episodeOf('old')).not.toBeNull();
    } finally {
      await host.dispose();
    }
  });
});
