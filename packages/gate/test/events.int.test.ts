import { type VigilEvent, definePlugin, eventBusToken } from '@vigil/core';
import { type TestHost, createTestHost, testDatabases } from '@vigil/host/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gatePlugin, gateToken } from '../src/index.js';
import { goodFigures, standIns, workspace } from './fixtures.js';

/** A subscriber standing in for webhooks: records each event and the history rows visible in its transaction. */
const seen: { event: VigilEvent; rowsInTx: number }[] = [];
const listener = definePlugin({
  id: 'listener',
  deps: { events: eventBusToken },
  init({ events }) {
    events.subscribe(async (event, tx) => {
      const [r] = await tx.manager.query('SELECT COUNT(*) AS n FROM model_promotion_history');
      seen.push({ event, rowsInTx: Number(r.n) });
    });
    return {};
  },
});

describe.each(testDatabases())('gate events on %s', (database) => {
  let ws: ReturnType<typeof workspace>;
  let host: TestHost;
  beforeEach(async () => {
    seen.length = 0;
    ws = workspace();
    host = await createTestHost({
      database,
      plugins: [gatePlugin, ...standIns, listener],
      config: { plugins: { gate: { options: ws.options } } },
    });
  });
  afterEach(async () => {
    await host.dispose();
    ws.cleanup();
  });

  it('announces decisions and promotions on the core bus, inside the transaction that appends the row', async () => {
    const gate = host.container.resolve(gateToken);
    const good = ws.write('good.pkl', 'good');
    const bad = ws.write('bad.pkl', 'bad');
    const v = await gate.validateModel(good, goodFigures());
    await gate.validateModel(bad, goodFigures({ regimeAccuracy: { crash: 0.4 } }));
    await gate.promoteModel(good, { modelVersion: 'v1', actor: 'ci' });
    expect(seen.map((s) => [s.event.type, s.event.data.action, s.event.data.approved, s.rowsInTx])).toEqual([
      ['gate.decision', 'validate', true, 1],
      ['gate.decision', 'validate', false, 2],
      ['gate.promotion', 'promote', undefined, 3],
    ]);
    expect(seen[0]!.event.data).toMatchObject({
      historyId: v.historyId,
      modelSha256: v.modelSha256,
      recommendation: 'PROMOTE',
      checksFailed: [],
    });
    expect(seen[1]!.event.data).toMatchObject({ recommendation: 'REJECT', checksFailed: ['sectors.crash_accuracy'] });
    expect(seen[2]!.event.data).toMatchObject({ actor: 'ci', modelSha256: v.modelSha256 });
  });
});
