/**
 * Drift asks for retraining only for the live model: through the real host with drift and the
 * gate, a shadow's episode and a retired model's are recorded (with why they asked nothing),
 * the live model's raises the request, and which model is live follows the promotions' data
 * time (as-of), not the wall clock.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PredictionInput } from '@vigil/core';
import { type RetrainingRequest, driftEventsToken, driftHistoryToken, driftPlugin } from '@vigil/drift';
import { gatePlugin, gateToken, shadowRecordsToken } from '@vigil/gate';
import { type TestHost, createTestHost, testDatabases } from '@vigil/host/testing';
import { normalSampler, seededRandom } from '@vigil/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const day = (d: number): string => new Date(Date.UTC(2020, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
const stamp = (d: number): string => `${day(d)}T21:00:00.000Z`;

/**
 * 30 symbols a day, three N(0, 1) features; f1 shifts by 3 sd for every symbol from `shifts.f1`,
 * f2 from `shifts.f2`. Every model scores the same rows (a shadow sees live traffic).
 */
function panel(days: number, shifts: Record<string, number>, models: readonly string[]): PredictionInput[][] {
  const rand = seededRandom(7);
  const z = normalSampler(rand);
  const out: PredictionInput[][] = [];
  for (let d = 0; d < days; d++) {
    const rows: PredictionInput[] = [];
    for (let s = 0; s < 30; s++) {
      const features: Record<string, number> = {};
      for (const f of ['f0', 'f1', 'f2']) features[f] = z() + (shifts[f] !== undefined && d >= shifts[f] ? 3 : 0);
      const label = rand() < 0.5 ? 0 : 1;
      const confidence = 0.5 + rand() / 2;
      for (const m of models)
        rows.push({
          id: `${m}-${day(d)}-S${s}`,
          timestamp: stamp(d),
          symbol: `S${s}`,
          regime: 'normal',
          features,
          predictedLabel: label,
          confidence,
          modelVersion: m,
        });
    }
    out.push(rows);
  }
  return out;
}

const drift = { windowSteps: 5, baselineSteps: 20, referenceSteps: 30, minRecords: 10, checkEvery: 1 };

describe.each(testDatabases())('retraining requests follow the live model (%s)', (database) => {
  let root: string;
  let host: TestHost;
  let requests: RetrainingRequest[];

  /** A model file the gate can install under `version`, validated and installed by override (asOf: data day). */
  const install = async (version: string, asOf: number) => {
    const gate = host.container.resolve(gateToken);
    writeFileSync(join(root, 'models', `${version}.json`), JSON.stringify({ version }));
    await gate.validateModel(`models/${version}.json`, { accuracy: 0.7 }, { asOf: stamp(asOf) });
    await gate.overrideModel(`models/${version}.json`, {
      actor: 'test',
      reason: 'test install',
      asOf: stamp(asOf),
      modelVersion: version,
    });
  };
  const run = async (days: readonly PredictionInput[][]) => {
    for (const rows of days) await host.observe(rows);
    return host.container.resolve(driftHistoryToken).episodes();
  };

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'vigil-live-'));
    mkdirSync(join(root, 'models'));
    host = await createTestHost({
      database,
      plugins: [driftPlugin, gatePlugin],
      config: {
        plugins: { drift: { options: drift }, gate: { options: { root, modelsDir: 'models' } } },
      },
    });
    requests = [];
    host.container.resolve(driftEventsToken).on('retrainingRequested', (r) => requests.push(r));
  });
  afterEach(async () => {
    await host.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it("a shadow's episode is recorded and raises no request; the live model's does", async () => {
    await install('live', 0);
    await host.container.resolve(shadowRecordsToken).start({ model: 'shadow', champion: 'live', since: stamp(0) });
    const episodes = await run(panel(80, { f1: 60 }, ['live', 'shadow']));
    const onset = (m: string) => episodes.filter((e) => e.model === m);
    // both models' data drift the same way: each has its episode, on the same step
    expect(onset('live').length).toBeGreaterThan(0);
    expect(onset('shadow').map((e) => e.onset)).toEqual(onset('live').map((e) => e.onset));
    expect(onset('live')[0]?.onset).toBe(day(60));
    expect(onset('live').every((e) => e.retrainingRequested && e.standing === 'live')).toBe(true);
    expect(onset('shadow').every((e) => !e.retrainingRequested && e.standing === 'shadow')).toBe(true);
    // one request per live episode, none for the shadow
    expect(requests.map((r) => [r.model, r.step])).toEqual(onset('live').map((e) => ['live', e.onset]));
    // the shadow's row says why it asked nothing
    const rows = (await host.dataSource.query(
      `SELECT details_json FROM drift_monitoring WHERE drift_type = 'cusum' AND model_version = 'shadow' ORDER BY step`,
    )) as { details_json: string }[];
    expect(JSON.parse(rows[0]?.details_json as string).retraining).toEqual({
      requested: false,
      standing: 'shadow',
      live: 'live',
      asOf: stamp(60),
    });
  });

  it('a promotion as of a data day switches which model asks, from that day on, whenever it was recorded', async () => {
    // both installs are recorded before any data is observed: only their as-of days can tell drift apart
    await install('a', 0);
    await install('b', 100);
    const episodes = await run(panel(130, { f1: 60, f2: 110 }, ['a', 'b']));
    const first = episodes.filter((e) => e.onset >= day(60) && e.onset < day(100));
    const second = episodes.filter((e) => e.onset >= day(110));
    expect(first.map((e) => e.model).sort()).toEqual(['a', 'b']);
    expect(second.map((e) => e.model).sort()).toEqual(['a', 'b']);
    // before day 100, a is live and b is neither live nor a shadow: retired
    expect(first.map((e) => [e.model, e.standing, e.retrainingRequested])).toEqual(
      expect.arrayContaining([
        ['a', 'live', true],
        ['b', 'retired', false],
      ]),
    );
    // from day 100, b is live and a is retired
    expect(second.map((e) => [e.model, e.standing, e.retrainingRequested])).toEqual(
      expect.arrayContaining([
        ['a', 'retired', false],
        ['b', 'live', true],
      ]),
    );
    expect(requests.map((r) => [r.model, r.step])).toEqual(
      episodes.filter((e) => e.retrainingRequested).map((e) => [e.model, e.onset]),
    );
    expect(requests.map((r) => r.model)).toEqual(['a', 'b']);
  });
});
