import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CriterionResult,
  type GateCriterion,
  type ValidationPrediction,
  type ValidationResults,
  defineCriterion,
  definePlugin,
} from '@vigil/core';

/** The spec's five criterion ids (the gate's own and the ones its stand-ins provide). */
export const B = {
  overallAccuracy: 'gate.overall_accuracy',
  crashAccuracy: 'sectors.crash_accuracy',
  minSectorAccuracy: 'sectors.min_sector_accuracy',
  driftScore: 'drift.drift_score',
  replayImprovement: 'replay.replay_improvement',
} as const;

/**
 * Stand-ins for the criteria the sectors, drift and replay plugins provide, under the same
 * plugin ids and criterion ids, computing their figures the way the spec describes. The gate
 * must not import those plugins; these let its tests exercise the real registration path.
 */
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

const SECTOR_OF: Record<string, string> = {
  AAPL: 'Information Technology',
  MSFT: 'Information Technology',
  JPM: 'Financials',
  BAC: 'Financials',
  XOM: 'Energy',
  JNJ: 'Health Care',
};

function accuracyBy(
  preds: readonly ValidationPrediction[],
  key: (p: ValidationPrediction) => string | undefined,
): Map<string, { n: number; ok: number }> {
  const m = new Map<string, { n: number; ok: number }>();
  for (const p of preds) {
    const k = key(p);
    if (k === undefined) continue;
    const e = m.get(k) ?? { n: 0, ok: 0 };
    e.n++;
    if (p.predictedLabel === p.actualLabel) e.ok++;
    m.set(k, e);
  }
  return m;
}

export const crashAccuracy = defineCriterion({
  id: B.crashAccuracy,
  description: 'crash-regime accuracy > 65%',
  requiredByDefault: true,
  defaultThreshold: 0.65,
  async evaluate({ validation: v, threshold = 0.65 }): Promise<CriterionResult> {
    let value = v.regimeAccuracy?.crash;
    if (value === undefined && v.predictions) {
      const e = accuracyBy(v.predictions, (p) => (p.regime === 'crash' ? 'crash' : undefined)).get('crash');
      if (!e || e.n < 30)
        return {
          status: 'insufficient',
          value: e ? e.ok / e.n : null,
          threshold,
          message: `only ${e?.n ?? 0} crash-regime samples; 30 needed`,
        };
      value = e.ok / e.n;
    }
    if (value === undefined)
      return { status: 'insufficient', value: null, threshold, message: 'no crash-regime accuracy' };
    return {
      status: value > threshold ? 'pass' : 'fail',
      value,
      threshold,
      message: `crash accuracy ${pct(value)} vs ${pct(threshold)}`,
    };
  },
});

export const minSectorAccuracy = defineCriterion({
  id: B.minSectorAccuracy,
  description: 'no sector below 55% accuracy',
  requiredByDefault: true,
  defaultThreshold: 0.55,
  async evaluate({ validation: v, threshold = 0.55 }): Promise<CriterionResult> {
    let by: Record<string, number> | undefined = v.sectorAccuracy ? { ...v.sectorAccuracy } : undefined;
    if (!by && v.predictions)
      by = Object.fromEntries(
        [...accuracyBy(v.predictions, (p) => SECTOR_OF[p.symbol])].map(([k, e]) => [k, e.ok / e.n]),
      );
    const entries = Object.entries(by ?? {});
    if (entries.length === 0) return { status: 'insufficient', value: null, threshold, message: 'no sector accuracy' };
    const [worst, value] = entries.reduce((a, b) => (b[1] < a[1] ? b : a));
    return {
      status: value >= threshold ? 'pass' : 'fail',
      value,
      threshold,
      message: `weakest sector ${worst} at ${pct(value)} vs ${pct(threshold)}`,
      details: { worst, bySector: by },
    };
  },
});

export const driftScore = defineCriterion({
  id: B.driftScore,
  description: 'drift score < 0.20',
  requiredByDefault: true,
  defaultThreshold: 0.2,
  async evaluate({ validation: v, threshold = 0.2 }): Promise<CriterionResult> {
    if (v.driftScore === undefined)
      return { status: 'insufficient', value: null, threshold, message: 'no drift score' };
    return {
      status: v.driftScore < threshold ? 'pass' : 'fail',
      value: v.driftScore,
      threshold,
      message: `drift ${v.driftScore} vs ${threshold}`,
    };
  },
});

export const replayImprovement = Object.assign(
  defineCriterion({
    id: B.replayImprovement,
    description: 'error replay improvement > 0',
    requiredByDefault: true,
    defaultThreshold: 0,
    async evaluate({ validation: v, threshold = 0 }): Promise<CriterionResult> {
      if (v.replayImprovement === undefined)
        return { status: 'insufficient', value: null, threshold, message: 'no replay improvement' };
      return {
        status: v.replayImprovement > threshold ? 'pass' : 'fail',
        value: v.replayImprovement,
        threshold,
        message: `replay improvement ${v.replayImprovement} vs ${threshold}`,
      };
    },
  }),
  { thresholdRange: [-1, 1] as const },
);

const criteriaPlugin = (id: string, criteria: readonly GateCriterion[]) =>
  definePlugin({
    id,
    criterionIds: criteria.map((c) => c.id),
    deps: {},
    init: () => ({ criteria }),
  });

export const sectorsStandIn = criteriaPlugin('sectors', [crashAccuracy, minSectorAccuracy]);
export const driftStandIn = criteriaPlugin('drift', [driftScore]);
export const replayStandIn = criteriaPlugin('replay', [replayImprovement]);
export const standIns = [sectorsStandIn, driftStandIn, replayStandIn] as const;

/** Validation figures that pass all five spec criteria; override one to fail it. */
export const goodFigures = (over: Partial<ValidationResults> = {}): ValidationResults => ({
  accuracy: 0.7,
  regimeAccuracy: { normal: 0.72, crash: 0.68, recovery: 0.7 },
  sectorAccuracy: { 'Information Technology': 0.71, Financials: 0.6, Energy: 0.58 },
  driftScore: 0.08,
  replayImprovement: 0.02,
  ...over,
});

/** A temp project root with `models/` in it; write candidate models with `write`. */
export function workspace() {
  const root = mkdtempSync(join(tmpdir(), 'vigil-gate-'));
  const models = join(root, 'models');
  mkdirSync(models);
  return {
    root,
    models,
    options: { root, modelsDir: 'models' },
    write(rel: string, content: string | Buffer): string {
      const p = join(models, rel);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, content);
      return p;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
