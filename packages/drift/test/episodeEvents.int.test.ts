import { type VigilEvent, eventBusToken } from '@vigil/core';
import { createTestHost, testDatabases } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import { driftPlugin } from '../src/index.js';
import { dayOf, makePanel } from './panel.js';

const config = {
  plugins: {
    drift: { options: { windowSteps: 5, baselineSteps: 20, referenceSteps: 30, minRecords: 10, checkEvery: 1 } },
  },
};

describe.each(testDatabases())('drift episode events (%s)', (database) => {
  it('announces one onset for a shift and its end once it calms, as its rows say', async () => {
    const host = await createTestHost({ database, plugins: [driftPlugin], config });
    const committed: VigilEvent[] = [];
    host.container.resolve(eventBusToken).subscribe(async (e, tx) => tx.afterCommit(() => void committed.push(e)));
    try {
      expect([...host.container.resolve(eventBusToken).types]).toEqual(
        expect.arrayContaining(['drift.episode.onset', 'drift.episode.end']),
      );
      // 30 symbols: calm for 60 days, a 3-sd shift of f1 for 10 days, calm again
      const shifted = makePanel({ symbols: 30, days: 110, seed: 5, shiftDay: 60, shiftFeature: 'f1', shift: 3 });
      const back = makePanel({ symbols: 30, days: 110, seed: 5 });
      const panel = shifted.map((r, i) => (r.timestamp >= `${dayOf(70)}` ? (back[i] as typeof r) : r));
      for (let i = 0; i < panel.length; i += 300) await host.observe(panel.slice(i, i + 300));

      const rows = (await host.dataSource.query(
        `SELECT step, episode_status, episode_end FROM drift_monitoring WHERE drift_type = 'cusum' ORDER BY step`,
      )) as { step: string; episode_end: string | null }[];
      const onsets = committed.filter((e) => e.type === 'drift.episode.onset');
      const ends = committed.filter((e) => e.type === 'drift.episode.end');
      // one event per episode row, carrying what the row says
      expect(onsets.map((e) => e.data.step)).toEqual(rows.map((r) => r.step));
      expect(ends.map((e) => e.data.end)).toEqual(rows.filter((r) => r.episode_end !== null).map((r) => r.episode_end));
      const first = onsets[0];
      expect(first?.data).toMatchObject({ model: 'm1' });
      expect(String(first?.data.step) >= dayOf(60) && String(first?.data.step) <= dayOf(65)).toBe(true);
      expect(first?.occurredAt.startsWith(String(first?.data.step))).toBe(true);
      expect(ends.length).toBeGreaterThanOrEqual(1);
    } finally {
      await host.dispose();
    }
  });
});
