import {
  type CriterionResult,
  type GateCriterion,
  type RecordRules,
  type ValidationPrediction,
  type ValidationResults,
  defineCriterion,
  describeValue,
  renamedFieldIssues,
  throwIfIssues,
} from '@vigil/core';
import { type StressHistory, stressEventKey } from './StressHistory.js';
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
  return {
    status: 'error',
    value: null,
    message: `${name} has values outside [0, 1]: ${bad.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`,
    details: { invalid: Object.fromEntries(bad) },
  };
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
      if (!v.predictions?.length)
        return {
          status: 'insufficient',
          value: null,
          threshold,
          message: 'no validation.sectorAccuracy and no validation.predictions to compute it from',
        };
      const b = evaluateCandidate(v.predictions, {
        sectorMap: o.sectorMap,
        rules: o.rules,
        minResolved: o.minSectorSamples,
      });
      const judged = Object.entries(b.sectors).filter(
        ([s, p]) => s !== UNKNOWN_SECTOR && p.total >= o.minSectorSamples && p.accuracy !== null,
      );
      const insufficientEvidence = b.weakest.insufficientEvidence.filter((s) => s.total > 0);
      const sectors = Object.fromEntries(
        Object.entries(b.sectors).map(([s, p]) => [s, { accuracy: p.accuracy, total: p.total, interval: p.interval }]),
      );
      const details = {
        source: 'validation.predictions',
        minSamples: o.minSectorSamples,
        insufficientEvidence,
        unknownSymbols: b.unknownSymbols,
        sectors,
      };
      if (judged.length === 0) {
        return {
          status: 'insufficient',
          value: null,
          threshold,
          message: `no sector has ${o.minSectorSamples}+ validation predictions (${insufficientEvidence.map((s) => `${s.sector}: ${s.total}`).join(', ') || 'none mapped'})`,
          details: { ...details, below: [] },
        };
      }
      judged.sort((x, y) => (x[1].accuracy as number) - (y[1].accuracy as number));
      const [worst, worstP] = judged[0] as [string, { accuracy: number | null; total: number }];
      const value = worstP.accuracy as number;
      const below = judged
        .filter(([, p]) => (p.accuracy as number) < threshold)
        .map(([sector, p]) => ({ sector, accuracy: p.accuracy, total: p.total, interval: p.interval }));
      const skipped = insufficientEvidence.length
        ? `; ${insufficientEvidence.length} sector(s) with fewer than ${o.minSectorSamples} samples not judged`
        : '';
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

/** What a crash-accuracy verdict rests on, in the order tried. */
export type CrashEvidenceSource =
  | 'validation.regimeAccuracy'
  | 'validation.predictions'
  | 'validation.stressSet'
  | 'prediction log stress episodes';

/**
 * Extra `ValidationResults` fields sectors.crash_accuracy reads when the validation set holds
 * too few crash-regime rows:
 * - `stressSet`: a stress set the caller names, `{ name, predictions }` (every row counts);
 * - `stressPredictions`: the candidate's predictions on the stress episodes already in the
 *   prediction log, `{ id, predictedLabel }[]` (ids from the sectors plugin's `StressHistory.rows()`);
 *   only logged, resolved, crash-regime ids count, scored against the logged outcome; a market
 *   event (symbol and timestamp) logged by several models counts once.
 */
export interface StressValidationFields {
  readonly stressSet?: { readonly name: string; readonly predictions: readonly ValidationPrediction[] };
  readonly stressPredictions?: readonly { readonly id: string; readonly predictedLabel: number }[];
}

export interface CrashCriterionOptions extends SectorCriteriaOptions {
  /** The stress episodes in the prediction log. */
  readonly stress: StressHistory;
  /** 'reject': too little crash evidence blocks approval; 'advisory': it is reported, not blocking. */
  readonly insufficientCrashEvidence: 'reject' | 'advisory';
}

/** "Crash-regime accuracy > 65%": strictly above the threshold, with enough crash samples. */
export function crashAccuracyCriterion(o: CrashCriterionOptions): GateCriterion {
  return defineCriterion({
    id: CRASH_ACCURACY_CRITERION,
    requiredByDefault: true,
    description: `accuracy in the '${o.crashRegime}' regime above the minimum: on the validation set, else on a named stress set or the stress episodes in the prediction log`,
    defaultThreshold: DEFAULT_MIN_CRASH_ACCURACY,
    async evaluate(ctx) {
      const threshold = ctx.threshold ?? DEFAULT_MIN_CRASH_ACCURACY;
      const v = ctx.validation as ValidationResults & StressValidationFields;
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
      // each source in turn; the first with enough rows decides
      const tried: { source: CrashEvidenceSource; name?: string; samples: number; correct: number }[] = [];
      if (v.predictions?.length) {
        const crash = evaluateCandidate(v.predictions, {
          sectorMap: o.sectorMap,
          rules: o.rules,
          minResolved: o.minSectorSamples,
        }).regimes[o.crashRegime];
        tried.push({ source: 'validation.predictions', samples: crash?.total ?? 0, correct: crash?.correct ?? 0 });
      }
      if (v.stressSet !== undefined && tried.every((t) => t.samples < o.minCrashSamples)) {
        const set = v.stressSet;
        if (typeof set?.name !== 'string' || !set.name || !Array.isArray(set.predictions)) {
          return {
            status: 'error',
            value: null,
            threshold,
            message: `validation.stressSet must be { name, predictions }, got ${describeValue(set)}`,
          };
        }
        const all = evaluateCandidate(set.predictions, {
          sectorMap: o.sectorMap,
          rules: o.rules,
          minResolved: o.minSectorSamples,
        }).overall;
        tried.push({ source: 'validation.stressSet', name: set.name, samples: all.total, correct: all.correct });
      }
      if (v.stressPredictions !== undefined && tried.every((t) => t.samples < o.minCrashSamples)) {
        const given = checkStressPredictions(v.stressPredictions, o.rules.labels);
        const logged = await o.stress.outcomes(
          given.map((p) => p.id),
          o.crashRegime,
        );
        let samples = 0;
        let correct = 0;
        // one market event counts once, whichever models logged it (the first id given decides)
        const events = new Set<string>();
        for (const p of given) {
          const row = logged.get(p.id);
          if (!row || events.has(stressEventKey(row))) continue;
          events.add(stressEventKey(row));
          samples++;
          if (row.actualLabel === p.predictedLabel) correct++;
        }
        tried.push({ source: 'prediction log stress episodes', samples, correct });
      }
      const used = tried.find((t) => t.samples >= o.minCrashSamples);
      const evidence = tried.map((t) => ({
        ...t,
        accuracy: t.samples ? t.correct / t.samples : null,
        interval: wilsonInterval(t.correct, t.samples),
      }));
      const details = {
        regime: o.crashRegime,
        minSamples: o.minCrashSamples,
        evidence,
        insufficientCrashEvidence: o.insufficientCrashEvidence,
      };
      if (!used) {
        const best = evidence.reduce<(typeof evidence)[number] | undefined>(
          (a, t) => (!a || t.samples > a.samples ? t : a),
          undefined,
        );
        const had =
          evidence.map((t) => `${t.source}${t.name ? ` '${t.name}'` : ''}: ${t.samples}`).join(', ') ||
          'no validation predictions, stress set or logged stress predictions';
        return {
          status: 'insufficient',
          value: best?.accuracy ?? null,
          threshold,
          message: `too few '${o.crashRegime}'-regime rows to judge crash accuracy (${had}; need ${o.minCrashSamples})${o.insufficientCrashEvidence === 'advisory' ? '; advisory: does not block approval' : '; rejects (insufficientCrashEvidence: reject)'}`,
          details: { ...details, source: null },
          ...(o.insufficientCrashEvidence === 'advisory' ? { advisory: true } : {}),
        };
      }
      const accuracy = used.correct / used.samples;
      const pass = accuracy > threshold;
      const where = used.source === 'validation.stressSet' ? `stress set '${used.name}'` : used.source;
      return {
        status: pass ? 'pass' : 'fail',
        value: accuracy,
        threshold,
        message: `'${o.crashRegime}' accuracy ${pct(accuracy)} (n=${used.samples}, on ${where}) ${pass ? '>' : '<='} ${pct(threshold)}`,
        details: {
          ...details,
          source: used.source,
          ...(used.name ? { stressSet: used.name } : {}),
          samples: used.samples,
          correct: used.correct,
          interval: wilsonInterval(used.correct, used.samples),
        },
      };
    },
  });
}

/** `validation.stressPredictions` must be `{ id: string, predictedLabel: <label> }[]`, ids unique: a VigilError naming the first bad field. */
function checkStressPredictions(list: unknown, labels: readonly number[]): { id: string; predictedLabel: number }[] {
  const issues: { path: string; message: string; value?: unknown }[] = [];
  if (!Array.isArray(list))
    issues.push({
      path: 'validation.stressPredictions',
      message: `must be an array of { id, predictedLabel }, got ${describeValue(list)}`,
      value: list,
    });
  const seen = new Set<string>();
  (Array.isArray(list) ? list : []).forEach((p: unknown, i: number) => {
    const at = `validation.stressPredictions[${i}]`;
    const r = (p ?? {}) as { id?: unknown; predictedLabel?: unknown };
    issues.push(...renamedFieldIssues(at, r, ['id', 'predictedLabel']));
    if (typeof r.id !== 'string' || !r.id)
      issues.push({
        path: `${at}.id`,
        message: `must be a logged prediction id, got ${describeValue(r.id)}`,
        value: r.id,
      });
    else if (seen.has(r.id))
      issues.push({ path: `${at}.id`, message: `duplicates an earlier prediction for '${r.id}'`, value: r.id });
    else seen.add(r.id);
    if (typeof r.predictedLabel !== 'number' || !labels.includes(r.predictedLabel))
      issues.push({
        path: `${at}.predictedLabel`,
        message: `must be one of the labels [${labels.join(', ')}], got ${describeValue(r.predictedLabel)}`,
        value: r.predictedLabel,
      });
  });
  throwIfIssues('stress predictions', issues);
  return list as { id: string; predictedLabel: number }[];
}
