import { type CriterionContext, type GateCriterion, gateCriterionToken } from '@vigil/core';
import { type TestHost, testDatabases } from '@vigil/host/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { bufferOf, randomErrors, startReplayHost } from './helpers.js';

const criterionOf = (h: TestHost): GateCriterion => {
  const all = h.container.resolveAll(gateCriterionToken);
  const c = all.find((x) => x.id === 'replay.replay_improvement');
  if (!c) throw new Error('replay criterion not registered');
  return c;
};

const ctx = (h: TestHost, validation: CriterionContext['validation'], threshold?: number): CriterionContext => ({
  modelPath: 'models/candidate.pkl',
  validation,
  threshold,
  container: h.container,
  now: new Date('2024-01-01T00:00:00Z'),
});

describe.each(testDatabases())('replay.replay_improvement on %s', (database) => {
  let host: TestHost;
  afterEach(async () => host?.dispose());

  it('uses validation.replayImprovement when given', async () => {
    host = await startReplayHost(database);
    const c = criterionOf(host);
    expect(c.defaultThreshold).toBe(0);
    expect(await c.evaluate(ctx(host, { replayImprovement: 0.12 }))).toMatchObject({ status: 'pass', value: 0.12, threshold: 0 });
    expect(await c.evaluate(ctx(host, { replayImprovement: 0 }))).toMatchObject({ status: 'fail', value: 0 });
    expect(await c.evaluate(ctx(host, { replayImprovement: 0.2 }, 0.3))).toMatchObject({ status: 'fail', threshold: 0.3 });
    expect((await c.evaluate(ctx(host, { replayImprovement: Number.NaN }))).status).toBe('error');
    expect((await c.evaluate(ctx(host, {}))).status).toBe('insufficient');
  });

  it('computes it from the candidate predictions on buffered rows, with McNemar, and is insufficient on an empty buffer or too few rows', async () => {
    host = await startReplayHost(database, { symbolWindowDays: 0, minReplaySamples: 20 });
    const c = criterionOf(host);
    expect(await c.evaluate(ctx(host, { replayPredictions: [] }))).toMatchObject({ status: 'insufficient' });
    const buffer = bufferOf(host);
    await buffer.addErrors(randomErrors(200, 6));
    const rows = await buffer.getBufferedSamples();
    // the candidate fixes 3 of every 5 buffered errors
    const replayPredictions = rows.map((r, i) => ({ bufferId: r.id, predicted: i % 5 < 3 ? r.label : r.predicted }));
    const fixed = replayPredictions.filter((p, i) => p.predicted === rows[i]?.label).length;
    const res = await c.evaluate(ctx(host, { replayPredictions }));
    expect(res.status).toBe('pass');
    expect(res.value).toBeCloseTo(fixed / rows.length, 12);
    expect(res.details).toMatchObject({ matched: rows.length, oldErrors: rows.length, repeatErrors: rows.length - fixed, mcnemar: { b: fixed, c: 0 } });
    expect((res.details as { mcnemar: { pExact: number } }).mcnemar.pExact).toBeLessThan(1e-10);

    const same = rows.map((r) => ({ bufferId: r.id, predicted: r.predicted }));
    expect(await c.evaluate(ctx(host, { replayPredictions: same }))).toMatchObject({ status: 'fail', value: 0 });
    expect(await c.evaluate(ctx(host, { replayPredictions: same.slice(0, 5) }))).toMatchObject({ status: 'insufficient' });
    // a baseline that was right on half of them: improvement is new minus old accuracy
    const baseline = rows.map((r, i) => ({ bufferId: r.id, predicted: i % 2 === 0 ? r.label : r.predicted }));
    const withBase = await c.evaluate(ctx(host, { replayPredictions, replayBaselinePredictions: baseline }));
    const oldRight = baseline.filter((p, i) => p.predicted === rows[i]?.label).length;
    expect(withBase.value).toBeCloseTo((fixed - oldRight) / rows.length, 12);
    // unknown row ids are ignored and reported
    const extra = await c.evaluate(ctx(host, { replayPredictions: [...replayPredictions, { bufferId: 999_999, predicted: 1 }] }));
    expect(extra.details).toMatchObject({ unmatched: 1, matched: rows.length });
    // bad predictions are an error naming the field (the gate turns a throw into 'error')
    await expect(c.evaluate(ctx(host, { replayPredictions: [{ bufferId: rows[0]?.id, predicted: 5 }] }))).rejects.toThrow(/replayPredictions\[0\]\.predicted/);
  });
});
