import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock, isVigilError, liveModelsToken } from '@vigil/core';
import { type TestHost, createTestHost, testDatabases } from '@vigil/host/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ModelPromotionGate, gatePlugin, gateToken, shadowRecordsToken } from '../src/index.js';
import { goodFigures, standIns, workspace } from './fixtures.js';

/**
 * What is live is the `modelVersion` its predictions carry: promotions, overrides and rollbacks
 * record it, the production record reports it, and core's LiveModels answers "which model is
 * live, which are shadows" at a data time from them.
 */
describe.each(testDatabases())('the live modelVersion on %s', (database) => {
  let ws: ReturnType<typeof workspace>;
  let host: TestHost;
  let gate: ModelPromotionGate;
  const prod = () => join(ws.models, 'meta_learner_production.pkl');
  const versions = async () =>
    (
      (await host.dataSource.query(
        'SELECT action, promoted_to_production, model_version FROM model_promotion_history ORDER BY id',
      )) as { action: string; promoted_to_production: unknown; model_version: string | null }[]
    ).map((r) => [r.action, Number(r.promoted_to_production), r.model_version]);

  beforeEach(async () => {
    ws = workspace();
    host = await createTestHost({
      database,
      clock: new ManualClock('2026-03-02T14:30:00.000Z'),
      plugins: [gatePlugin, ...standIns],
      config: { plugins: { gate: { options: ws.options } } },
    });
    gate = host.container.resolve(gateToken);
  });
  afterEach(async () => {
    await host.dispose();
    ws.cleanup();
  });

  it('a promotion must name its modelVersion unless its validation did; a mismatch is refused; nothing is copied', async () => {
    ws.write('meta_learner_production.pkl', 'old');
    const cand = ws.write('m1.pkl', 'model one');
    await gate.validateModel(cand, goodFigures());
    const missing = await gate.promoteModel(cand).catch((e) => e);
    expect(isVigilError(missing, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(missing.issues.map((i: { path: string }) => i.path)).toEqual(['modelVersion']);
    const blank = await gate.promoteModel(cand, { modelVersion: ' ' }).catch((e) => e);
    expect(isVigilError(blank, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(blank.issues.map((i: { path: string }) => i.path)).toEqual(['modelVersion']);
    expect(readFileSync(prod(), 'utf8')).toBe('old');

    // a validation that names it: the promotion inherits it, and may not contradict it
    await gate.validateModel(cand, goodFigures(), { modelVersion: 'm1' });
    const other = await gate.promoteModel(cand, { modelVersion: 'm2' }).catch((e) => e);
    expect(isVigilError(other, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(other.message).toContain('"m2" differs from "m1"');
    const r = await gate.promoteModel(cand);
    expect(r.modelVersion).toBe('m1');
    expect(await gate.productionNow()).toMatchObject({ action: 'promote', modelVersion: 'm1' });
    // every refusal is on the record with the version it was given (or none)
    expect(await versions()).toEqual([
      ['validate', 0, null],
      ['promote', 0, null],
      ['promote', 0, ' '],
      ['validate', 0, 'm1'],
      ['promote', 0, 'm2'],
      ['promote', 1, 'm1'],
    ]);
    expect((await gate.verifyHistory()).ok).toBe(true);
  });

  it('an override names its version; a rollback takes the restored bytes’ version from the history', async () => {
    ws.write('meta_learner_production.pkl', 'installed by hand');
    const a = ws.write('a.pkl', 'model a');
    const b = ws.write('b.pkl', 'model b');
    await gate.validateModel(a, goodFigures());
    await gate.promoteModel(a, { modelVersion: 'ma' });
    await gate.validateModel(b, goodFigures({ driftScore: 0.3 }));
    expect(
      isVigilError(
        await gate.overrideModel(b, { actor: 'ana', reason: 'outage' }).catch((e) => e),
        'VIGIL_INVALID_INPUT',
      ),
    ).toBe(true);
    const o = await gate.overrideModel(b, { actor: 'ana', reason: 'outage', modelVersion: 'mb' });
    expect(o.modelVersion).toBe('mb');
    expect((await gate.productionNow())?.modelVersion).toBe('mb');
    // a caller naming another version than the history's for the restored bytes is refused
    const wrong = await gate.rollback({ modelVersion: 'mz' }).catch((e) => e);
    expect(isVigilError(wrong, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect(wrong.message).toContain('"mz" differs from "ma"');
    expect(readFileSync(prod(), 'utf8')).toBe('model b');
    const rb = await gate.rollback();
    expect(rb.modelVersion).toBe('ma');
    expect((await gate.productionNow())?.modelVersion).toBe('ma');
    // the file installed by hand before the gate: no row names its version, so it is unknown
    const first = await gate.rollback();
    expect(readFileSync(prod(), 'utf8')).toBe('installed by hand');
    expect(first.modelVersion).toBeNull();
    expect(await gate.productionNow()).toMatchObject({ action: 'rollback', modelVersion: null });
    // the history shows each row's version; the filter by model matches it
    const live = host.container.resolve(liveModelsToken);
    expect(await live.at(new Date().toISOString())).toMatchObject({ source: 'gate', live: null });
    expect(await live.standing('ma', new Date().toISOString())).toBe('unknown');
    expect((await gate.verifyHistory()).ok).toBe(true);
  });

  it('answers which modelVersion is live and which are shadows at a data time, not by the clock', async () => {
    const live = host.container.resolve(liveModelsToken);
    const shadows = host.container.resolve(shadowRecordsToken);
    const day = (d: string) => `2020-${d}T21:00:00.000Z`;
    expect(await live.at(day('01-05'))).toEqual({ asOf: day('01-05'), source: 'gate', live: null, shadows: [] });
    const m1 = ws.write('m1.pkl', 'one');
    const m2 = ws.write('m2.pkl', 'two');
    await gate.validateModel(m1, goodFigures(), { modelVersion: 'm1', asOf: day('01-10') });
    await gate.promoteModel(m1);
    await gate.validateModel(m2, goodFigures(), { modelVersion: 'm2', asOf: day('02-10') });
    await shadows.start({ model: 'm2', champion: 'm1', since: day('01-15') });
    await shadows.stop('m2', { until: day('02-10') });
    // promoted as of its decision's data time (02-10), recorded now (2026): data time decides
    await gate.promoteModel(m2);
    const at = async (d: string) => {
      const x = await live.at(day(d));
      return [x.live, x.shadows];
    };
    expect(await at('01-09')).toEqual([null, []]);
    expect(await at('01-10')).toEqual(['m1', []]);
    expect(await at('01-14')).toEqual(['m1', []]);
    expect(await at('01-15')).toEqual(['m1', ['m2']]);
    expect(await at('02-07')).toEqual(['m1', ['m2']]);
    expect(await at('02-10')).toEqual(['m2', []]);
    expect(await live.standing('m2', day('01-20'))).toBe('shadow');
    expect(await live.standing('m1', day('01-20'))).toBe('live');
    expect(await live.standing('m9', day('01-20'))).toBe('retired');
    expect(await live.standing('m1', day('02-11'))).toBe('retired');
    expect(await live.standing('m1', day('01-05'))).toBe('unknown');
    // an input in another offset is read as the same instant
    expect((await live.at('2020-01-15T22:00:00+01:00')).shadows).toEqual(['m2']);
  });
});
