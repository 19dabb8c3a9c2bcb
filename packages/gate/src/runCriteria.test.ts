import { type CriterionContext, type GateCriterion, defineCriterion, isVigilError } from '@vigil/core';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import {
  type CriterionOutcome,
  assertUniqueCriteria,
  decide,
  evaluateCriterion,
  missingCriterionReason,
  thresholdsInForce,
} from './runCriteria.js';

const ctx = (threshold?: number): CriterionContext => ({
  modelPath: '/m.pkl',
  validation: { accuracy: 0.7 },
  threshold,
  container,
  now: new Date(0),
});
const crit = (id: string, evaluate: GateCriterion['evaluate'], defaultThreshold?: number) =>
  defineCriterion({
    id,
    description: id,
    requiredByDefault: true,
    evaluate,
    ...(defaultThreshold === undefined ? {} : { defaultThreshold }),
  });

describe('evaluateCriterion', () => {
  it('keeps a passing verdict and fills in the threshold in force', async () => {
    const r = await evaluateCriterion(
      crit('a.x', async () => ({ status: 'pass', value: 0.7, message: 'ok' })),
      ctx(0.6),
      true,
      1000,
    );
    expect(r).toMatchObject({ id: 'a.x', status: 'pass', value: 0.7, threshold: 0.6, required: true, message: 'ok' });
  });

  it('turns a throw (sync or async) into an error verdict that keeps the message', async () => {
    const sync = crit('a.sync', (() => {
      throw new Error('no market data');
    }) as never);
    const asyncThrow = crit('a.async', async () => {
      throw new TypeError('bad shape');
    });
    const r1 = await evaluateCriterion(sync, ctx(), true, 1000);
    const r2 = await evaluateCriterion(asyncThrow, ctx(), false, 1000);
    expect(r1).toMatchObject({ status: 'error', message: "criterion 'a.sync' threw: no market data" });
    expect(r2).toMatchObject({
      status: 'error',
      message: "criterion 'a.async' threw: bad shape",
      details: { error: 'TypeError' },
    });
  });

  it('fails closed on a timeout and on a malformed or non-finite result', async () => {
    const slow = crit('a.slow', () => new Promise(() => undefined));
    expect(await evaluateCriterion(slow, ctx(), true, 20)).toMatchObject({
      status: 'error',
      message: expect.stringContaining('did not answer within 20 ms'),
    });
    const junk = crit('a.junk', async () => ({ status: 'ok' }) as never);
    expect(await evaluateCriterion(junk, ctx(), true, 1000)).toMatchObject({
      status: 'error',
      message: expect.stringContaining('invalid result'),
    });
    const nan = crit('a.nan', async () => ({ status: 'pass', value: Number.NaN, message: 'x' }));
    expect(await evaluateCriterion(nan, ctx(), true, 1000)).toMatchObject({
      status: 'error',
      message: expect.stringContaining('non-finite'),
    });
  });
});

describe('assertUniqueCriteria / thresholdsInForce', () => {
  it('refuses duplicate ids naming them and their plugin', () => {
    const e = (() => {
      try {
        assertUniqueCriteria([
          crit('a.x', async () => ({ status: 'pass', message: '' })),
          crit('a.x', async () => ({ status: 'pass', message: '' })),
        ]);
      } catch (err) {
        return err;
      }
    })();
    expect(isVigilError(e, 'VIGIL_DUPLICATE_CRITERION')).toBe(true);
    expect((e as Error).message).toContain("'a.x'");
  });

  it('uses config, else the default; checks config against [0,1] or the declared range', () => {
    const a = crit('a.x', async () => ({ status: 'pass', message: '' }), 0.65);
    const b = { ...crit('b.y', async () => ({ status: 'pass', message: '' }), 0), thresholdRange: [-1, 1] as const };
    expect(thresholdsInForce([a, b], { 'b.y': -0.5 })).toEqual({
      thresholds: new Map([
        ['a.x', 0.65],
        ['b.y', -0.5],
      ]),
      issues: [],
    });
    const { issues } = thresholdsInForce([a, b], { 'a.x': 1.2, 'b.y': 2 });
    expect(issues.map((i) => i.path)).toEqual([
      'plugins.gate.options.thresholds.a.x',
      'plugins.gate.options.thresholds.b.y',
    ]);
    expect(issues[0]!.message).toBe('must be a number in [0, 1], got 1.2');
  });
});

describe('decide', () => {
  const o = (id: string, status: CriterionOutcome['status'], required = true): CriterionOutcome => ({
    id,
    description: id,
    status,
    required,
    threshold: 0.5,
    value: 0.6,
    message: `${id} ${status}`,
    durationMs: 0,
  });

  it('approves only when every required criterion passes; optional failures only report', () => {
    expect(decide([o('a.x', 'pass'), o('b.y', 'fail', false)], new Map())).toEqual({
      approved: true,
      checksPassed: ['a.x'],
      checksFailed: ['b.y'],
      reasons: [],
    });
    for (const s of ['fail', 'insufficient', 'error'] as const) {
      const d = decide([o('a.x', 'pass'), o('b.y', s)], new Map());
      expect(d.approved, s).toBe(false);
      expect(d.reasons).toEqual([`b.y: ${s}: b.y ${s}`]);
    }
  });

  it('an advisory insufficient verdict is reported but does not block; advisory on any other status is ignored', () => {
    const advisory = (s: CriterionOutcome['status']): CriterionOutcome => ({ ...o('b.y', s), advisory: true });
    expect(decide([o('a.x', 'pass'), advisory('insufficient')], new Map())).toEqual({
      approved: true,
      checksPassed: ['a.x'],
      checksFailed: ['b.y'],
      reasons: [],
    });
    for (const s of ['fail', 'error'] as const)
      expect(decide([o('a.x', 'pass'), advisory(s)], new Map()).approved, s).toBe(false);
    expect(decide([advisory('insufficient')], new Map()).approved).toBe(false);
  });

  it('rejects when a required criterion is missing, and when nothing passed at all', () => {
    const d = decide([o('a.x', 'pass')], new Map([['s.z', 'required criterion s.z missing']]));
    expect(d).toMatchObject({ approved: false, checksFailed: ['s.z'], reasons: ['required criterion s.z missing'] });
    expect(decide([], new Map()).approved).toBe(false);
  });

  it('names the providing plugin and whether it is disabled or not installed', () => {
    const config = { plugins: { sectors: { enabled: false, options: {} }, drift: { enabled: true, options: {} } } };
    expect(missingCriterionReason('sectors.crash_accuracy', config)).toBe(
      "required criterion 'sectors.crash_accuracy' was not evaluated: plugin 'sectors', which provides it, is disabled; enable sectors, or remove 'sectors.crash_accuracy' from plugins.gate.options.required",
    );
    expect(missingCriterionReason('replay.replay_improvement', config)).toContain(
      "plugin 'replay', which provides it, is not installed",
    );
    expect(missingCriterionReason('drift.drift_scor', config)).toContain(
      "plugin 'drift' is enabled but registered no criterion 'drift.drift_scor'",
    );
  });
});
