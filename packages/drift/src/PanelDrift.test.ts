import { describe, expect, it } from 'vitest';
import { makePanel } from '../test/panel.js';
import { type EpisodeState, updateEpisode } from './Episode.js';
import {
  type ClosedStep,
  PanelDrift,
  type PanelDriftOptions,
  type StepCusumResult,
  copyCore,
  featureValues,
} from './PanelDrift.js';
import { driftOptionsSchema } from './config.js';
import { applyTransform } from './stats/transforms.js';

const defaults = driftOptionsSchema.parse({});
const engineOptions = (features: string[], over: Partial<PanelDriftOptions> = {}): PanelDriftOptions => ({
  features,
  transforms: {},
  stepMinutes: null,
  referenceSteps: defaults.referenceSteps,
  minStepRecords: 1,
  keepValues: defaults.windowSteps,
  cusum: defaults.cusum,
  ...over,
});

/** Runs the monitor's engine and episode rule (the defaults) over records; the onset steps (retraining requests). */
function onsets(records: ReturnType<typeof makePanel>, batches = 1): { onsets: string[]; steps: string[] } {
  const engine = new PanelDrift(engineOptions(['f0', 'f1', 'f2']));
  let open: EpisodeState | null = null;
  const out: string[] = [];
  const steps: string[] = [];
  const onClose = (s: ClosedStep, c: StepCusumResult) => {
    steps.push(s.step);
    const u = updateEpisode(
      open,
      s,
      c.alarms.length ? ['cusum'] : [],
      { alarmed: c.alarms, elevated: c.elevated },
      c.max,
      defaults.cusum?.quietSteps,
    );
    open = u.open;
    if (u.change?.kind === 'onset') out.push(s.step);
  };
  const size = Math.ceil(records.length / batches);
  for (let i = 0; i < records.length; i += size) engine.ingest(records.slice(i, i + size), onClose);
  return { onsets: out, steps };
}

describe('PanelDrift: the synthetic panel (i.i.d. features, one feature shifts by 1 sd for every symbol on day 300 of 400)', () => {
  for (const symbols of [10, 100, 500]) {
    it(`${symbols} symbols per step: no request before the shift, the first within 5 steps, one episode`, () => {
      const panel = makePanel({ symbols, days: 400, shiftDay: 300, seed: symbols });
      const { onsets: at, steps } = onsets(panel);
      const shift = steps[300] as string;
      expect(at.filter((s) => s < shift)).toEqual([]);
      expect(at.length).toBeGreaterThanOrEqual(1);
      expect(at.length).toBeLessThanOrEqual(2);
      expect(steps.indexOf(at[0] as string) - 300).toBeLessThanOrEqual(5);
    });
  }
  it('batching does not change anything: one batch or 37', () => {
    const panel = makePanel({ symbols: 10, days: 320, shiftDay: 300, seed: 4 });
    expect(onsets(panel, 37)).toEqual(onsets(panel, 1));
  });
});

describe('PanelDrift: per-symbol transforms', () => {
  it("'diff' and 'log_return' are computed within each symbol's own series: a step's values are each symbol's alone", () => {
    const panel = makePanel({ symbols: 7, days: 30, walk: true, seed: 2 });
    const engine = new PanelDrift(
      engineOptions(['f0', 'f1'], { transforms: { f0: 'diff', f1: 'log_return' }, keepValues: 100, cusum: null }),
    );
    const steps: ClosedStep[] = [];
    engine.ingest(panel, (s) => steps.push(s));
    engine.flush((s) => steps.push(s));
    expect(steps).toHaveLength(30);
    for (const [f, t] of [
      ['f0', 'diff'],
      ['f1', 'log_return'],
    ] as const) {
      // each symbol alone: its series, transformed; value d belongs to step d + 1
      const alone = new Map<number, number[]>();
      for (let s = 0; s < 7; s++) {
        const series = panel.filter((r) => r.symbol === `S${s}`).map((r) => r.features[f] as number);
        applyTransform(series, t, f, []).forEach((v, d) => {
          alone.set(d + 1, [...(alone.get(d + 1) ?? []), v]);
        });
      }
      expect(steps[0]?.values?.[f]).toEqual([]); // no symbol has a previous value on the first day
      for (let d = 1; d < 30; d++) expect(steps[d]?.values?.[f]).toEqual(alone.get(d));
    }
  });
});

describe('PanelDrift: state', () => {
  it('round-trips through JSON: a restart from the persisted state gives the same sums as one run', () => {
    const panel = makePanel({ symbols: 20, days: 330, shiftDay: 300, seed: 9 });
    const o = engineOptions(['f0', 'f1', 'f2']);
    const sums: StepCusumResult[] = [];
    const whole = new PanelDrift(o);
    whole.ingest(panel, (_s, c) => sums.push(c));
    const split: StepCusumResult[] = [];
    const first = new PanelDrift(o);
    first.ingest(panel.slice(0, 6_150), (_s, c) => split.push(c));
    const restored = new PanelDrift(
      o,
      JSON.parse(JSON.stringify(first.core)),
      JSON.parse(JSON.stringify(first.history)),
    );
    restored.ingest(panel.slice(6_150), (_s, c) => split.push(c));
    expect(split).toEqual(sums);
  });

  it('ingest given the values a caller read (featureValues layout) closes the same steps as reading them itself', () => {
    const panel = makePanel({ symbols: 6, days: 40, walk: true, seed: 5 });
    const o = engineOptions(['f2', 'f0', 'f1'], { transforms: { f1: 'pct_change' }, referenceSteps: 10 });
    const own: [ClosedStep, StepCusumResult][] = [];
    new PanelDrift(o).ingest(panel, (s, c) => own.push([s, c]));
    const given: [ClosedStep, StepCusumResult][] = [];
    const values = featureValues(panel, o.features);
    expect(values[3 * 1 + 1]).toBe(panel[1]?.features.f0);
    new PanelDrift(o).ingest(panel, (s, c) => given.push([s, c]), values);
    expect(given).toEqual(own);
    expect(() => new PanelDrift(o).ingest(panel, () => {}, values.subarray(1))).toThrow(RangeError);
  });

  it('copyCore gives the same JSON as the core, shares nothing with it, and a batch on the copy leaves the core alone', () => {
    const panel = makePanel({ symbols: 5, days: 40, walk: true, seed: 3 });
    const o = engineOptions(['f0', 'f1', 'f2'], { transforms: { f0: 'diff' }, referenceSteps: 10 });
    const engine = new PanelDrift(o);
    // stops inside a step: the open step, the symbols' last values, the sums and the running sums are all set
    engine.ingest(panel.slice(0, 5 * 30 + 2), () => {});
    const core = engine.core;
    expect(core.open?.predictions.length).toBe(2);
    expect(core.refSum).toBeDefined();
    const before = JSON.stringify(core);
    const copy = copyCore(core);
    expect(JSON.stringify(copy)).toBe(before);
    const objects = (x: unknown, out: Set<unknown> = new Set()): Set<unknown> => {
      if (x !== null && typeof x === 'object') {
        out.add(x);
        for (const v of Object.values(x)) objects(v, out);
      }
      return out;
    };
    const mine = objects(core);
    expect([...objects(copy)].filter((x) => mine.has(x))).toEqual([]);
    new PanelDrift(o, copy, [...engine.history]).ingest(panel.slice(5 * 30 + 2), () => {});
    expect(JSON.stringify(core)).toBe(before);
  });
});

describe("PanelDrift: the reference's running sums", () => {
  it('give the centre a plain recompute gives (level z within 1e-10 relative, features far from 0), in any batching', () => {
    // 700 steps: the running sums go through many drops, compactions and exact recomputes; f0 sits near 1e4
    const panel = makePanel({ symbols: 10, days: 700, seed: 9 }).map((r) => ({
      ...r,
      features: { ...r.features, f0: (r.features.f0 as number) + 1e4 },
    }));
    const cusum = {
      ...(defaults.cusum as NonNullable<PanelDriftOptions['cusum']>),
      statistics: ['level', 'abs'] as const,
    };
    const run = (batches: number) => {
      const options = engineOptions(['f0', 'f1', 'f2'], { cusum });
      let engine = new PanelDrift(options);
      const out: [ClosedStep, StepCusumResult][] = [];
      const size = Math.ceil(panel.length / batches);
      for (let i = 0; i < panel.length; i += size) {
        // as the monitor does per batch: a fresh engine over a copy of the core and history (columns rebuilt)
        engine = new PanelDrift(options, JSON.parse(JSON.stringify(engine.core)), [...engine.history]);
        engine.ingest(panel.slice(i, i + size), (s, c) => out.push([s, c]));
      }
      engine.flush((s, c) => out.push([s, c]));
      return out;
    };
    const one = run(1);
    const R = defaults.referenceSteps;
    let checked = 0;
    for (let t = R; t < one.length; t++) {
      const [step, result] = one[t] as [ClosedStep, StepCusumResult];
      for (const f of ['f0', 'f1', 'f2']) {
        // the plain two-pass figures over the R steps before this one
        const means = one.slice(t - R, t).map(([s]) => (s.stats.features[f] as readonly number[])[1] as number);
        const centre = means.reduce((a, b) => a + b, 0) / R;
        const sd = Math.sqrt(means.reduce((a, b) => a + (b - centre) ** 2, 0) / (R - 1));
        const z = (((step.stats.features[f] as readonly number[])[1] as number) - centre) / sd;
        const got = result.statistics[`${f}:level`]?.z as number;
        expect(Math.abs(got - z) / Math.max(1, Math.abs(z))).toBeLessThan(1e-10);
        checked++;
      }
    }
    expect(checked).toBe(3 * (700 - R));
    // the sums live in the core (copied, through JSON, per batch), so batching changes no bit
    expect(run(41).map(([, c]) => c)).toEqual(one.map(([, c]) => c));
  });
});
