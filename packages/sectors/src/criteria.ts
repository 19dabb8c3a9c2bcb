import { type CriterionResult, type GateCriterion, type RecordRules, type ValidationResults, defineCriterion } from '@vigil/core';
import { evaluateCandidate } from './evaluateCandidate.js';
import { UNKNOWN_SECTOR } from './gics.js';
import type { SectorMap } from './SectorMap.js';
import { wilsonInterval } from './wilson.js';

export interface SectorCriteriaOptions {
  readonly sectorMap: SectorMap;
  readonly rules: RecordRules;
  /** Validation predictions a sector needs before its accuracy is judged. */
  readonly minSectorSamples: number;
  /** Crash-regime validation predictions needed before crash accuracy is judged. */
  readonly minCrashSamples: number;
  readonly crashRegime: string;
}

export const MIN_SECTOR_ACCURACY_CRITERION = 'sectors.min_sector_accuracy';
export const CRASH_ACCURACY_CRITERION = 'sectors.crash_accuracy';
export const DEFAULT_MIN_SECTOR_ACCURACY = 0.55;
export const DEFAULT_MIN_CRASH_ACCURACY = 0.65;

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

function badFigures(name: string, figures: Readonly<Record<string, unknown>>): CriterionResult | undefined {
  const bad = Object.entries(figures).filter(([, v]) => typeof v !== 'number' || !(v >= 0 && v <= 1));
  if (bad.length === 0) return undefined;
  return { status: 'error', value: null, message: `${name} has values outside [0, 1]: ${bad.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`, details: { invalid: Object.fromEntries(bad) } };
}

/** "No sector < 55%": fails if any sector with enough evidence is below the threshold. */
export function minSectorAccuracyCriterion(o: SectorCriteriaOptions): GateCriterion {
  return defineCriterion({
    id: MIN_SECTOR_ACCURACY_CRITERION,
    requiredByDefault: true,
    description: 'no GICS sector below the minimum accuracy on the validation set',
    defaultThreshold: DEFAULT_MIN_SECTOR_ACCURACY,
    async evaluate(ctx) {
      const threshold = ctx.threshold ?? DEFAULT_MIN_SECTOR_ACCURACY;
      const v: ValidationResults = ctx.validation;
      if (v.sectorAccuracy && Object.keys(v.sectorAccuracy).length > 0) {
        const invalid = badFigures('validation.sectorAccuracy', v.sectorAccuracy);
        if (invalid) return { ...invalid, threshold };
        const entries = Object.entries(v.sectorAccuracy).sort((a, b) => a[1] - b[1]);
        const [worst, value] = entries[0] as [string, number];
        const below = entries.filter(([, a]) => a < threshold).map(([sector, accuracy]) => ({ sector, accuracy }));
        return {
          status: below.length ? 'fail' : 'pass',
          value,
          threshold,
          message: below.length
            ? `${below.length} sector(s) below ${pct(threshold)} (precomputed): ${below.map((b) => `${b.sector} ${pct(b.accuracy)}`).join(', ')}`
            : `lowest sector ${worst} at ${pct(value)} >= ${pct(threshold)} (precomputed)`,
          details: { source: 'validation.sectorAccuracy', below, sectors: v.sectorAccuracy },
        };
      }
      if (!v.predictions?.length) return { status: 'insufficient', value: null, threshold, message: 'no validation.sectorAccuracy and no validation.predictions to compute it from' };
      const b = evaluateCandidate(v.predictions, { sectorMap: o.sectorMap, rules: o.rules, minResolved: o.minSectorSamples });
      const judged = Object.entries(b.sectors).filter(([s, p]) => s !== UNKNOWN_SECTOR && p.total >= o.minSectorSamples && p.accuracy !== null);
      const insufficientEvidence = b.weakest.insufficientEvidence.filter((s) => s.total > 0);
      const sectors = Object.fromEntries(Object.entries(b.sectors).map(([s, p]) => [s, { accuracy: p.accuracy, total: p.total, interval: p.interval }]));
      const details = { source: 'validation.predictions', minSamples: o.minSectorSamples, insufficientEvidence, unknownSymbols: b.unknownSymbols, sectors };
      if (judged.length === 0) {
        return { status: 'insufficient', value: null, threshold, message: `no sector has ${o.minSectorSamples}+ validation predictions (${insufficientEvidence.map((s) => `${s.sector}: ${s.total}`).join(', ') || 'none mapped'})`, details: { ...details, below: [] } };
      }
      judged.sort((x, y) => (x[1].accuracy as number) - (y[1].accuracy as number));
      const [worst, worstP] = judged[0] as [string, { accuracy: number | null; total: number }];
      const value = worstP.accuracy as number;
      const below = judged.filter(([, p]) => (p.accuracy as number) < threshold).map(([sector, p]) => ({ sector, accuracy: p.accuracy, total: p.total, interval: p.interval }));
      const skipped = insufficientEvidence.length ? `; ${insufficientEvidence.length} sector(s) with fewer than ${o.minSectorSamples} samples not judged` : '';
      return {
        status: below.length ? 'fail' : 'pass',
        value,
        threshold,
        message: below.length
          ? `${below.length} sector(s) below ${pct(threshold)}: ${below.map((s) => `${s.sector} ${pct(s.accuracy as number)} (n=${s.total})`).join(', ')}${skipped}`
          : `lowest sector ${worst} at ${pct(value)} (n=${worstP.total}) >= ${pct(threshold)} across ${judged.length} sector(s)${skipped}`,
        details: { ...details, below },
      };
    },
  });
}

/** "Crash-regime accuracy > 65%": strictly above the threshold, with enough crash samples. */
export function crashAccuracyCriterion(o: SectorCriteriaOptions): GateCriterion {
  return defineCriterion({
    id: CRASH_ACCURACY_CRITERION,
    requiredByDefault: true,
    description: `accuracy in the '${o.crashRegime}' regime above the minimum on the validation set`,
    defaultThreshold: DEFAULT_MIN_CRASH_ACCURACY,
    async evaluate(ctx) {
      const threshold = ctx.threshold ?? DEFAULT_MIN_CRASH_ACCURACY;
      const v: ValidationResults = ctx.validation;
      const pre = v.regimeAccuracy?.[o.crashRegime];
      if (pre !== undefined) {
        const invalid = badFigures('validation.regimeAccuracy', { [o.crashRegime]: pre });
        if (invalid) return { ...invalid, threshold };
        return {
          status: pre > threshold ? 'pass' : 'fail',
          value: pre,
          threshold,
          message: `'${o.crashRegime}' accuracy ${pct(pre)} ${pre > threshold ? '>' : '<='} ${pct(threshold)} (precomputed)`,
          details: { source: `validation.regimeAccuracy.${o.crashRegime}` },
        };
      }
      if (!v.predictions?.length) return { status: 'insufficient', value: null, threshold, message: `no validation.regimeAccuracy.${o.crashRegime} and no validation.predictions to compute it from` };
      const b = evaluateCandidate(v.predictions, { sectorMap: o.sectorMap, rules: o.rules, minResolved: o.minSectorSamples });
      const crash = b.regimes[o.crashRegime];
      const n = crash?.total ?? 0;
      const details = { source: 'validation.predictions', regime: o.crashRegime, samples: n, minSamples: o.minCrashSamples, correct: crash?.correct ?? 0, interval: wilsonInterval(crash?.correct ?? 0, n) };
      if (!crash || crash.accuracy === null || n < o.minCrashSamples) {
        return { status: 'insufficient', value: crash?.accuracy ?? null, threshold, message: `${n} '${o.crashRegime}'-regime validation samples; at least ${o.minCrashSamples} are needed to judge crash accuracy`, details };
      }
      const pass = crash.accuracy > threshold;
      return {
        status: pass ? 'pass' : 'fail',
        value: crash.accuracy,
        threshold,
        message: `'${o.crashRegime}' accuracy ${pct(crash.accuracy)} (n=${n}) ${pass ? '>' : '<='} ${pct(threshold)}`,
        details,
      };
    },
  });
}
