import { type CriterionContext, type CriterionResult, type GateCriterion, VigilError, defineCriterion } from '@vigil/core';
import type { DriftMonitor } from './DriftMonitor.js';

/**
 * drift.drift_score: "drift score < 0.20". The drift score is the largest per-feature two-sample
 * KS statistic (after each feature's transform) between the candidate's validation features and
 * the stored baseline. Taken, in order, from `validation.driftScore`, from the validation
 * predictions' features, or from the monitor's latest check.
 */
export const DRIFT_SCORE_CRITERION = 'drift.drift_score';

export function driftScoreCriterion(m: DriftMonitor, defaultThreshold: number): GateCriterion {
  return defineCriterion({
    id: DRIFT_SCORE_CRITERION,
    requiredByDefault: true,
    description: 'largest per-feature KS statistic between validation features and the drift baseline is below the threshold',
    defaultThreshold,
    async evaluate(ctx: CriterionContext): Promise<CriterionResult> {
      const threshold = ctx.threshold ?? defaultThreshold;
      const judge = (value: number, source: string, details: Record<string, unknown> = {}): CriterionResult => ({
        status: value < threshold ? 'pass' : 'fail',
        value,
        threshold,
        message: `drift score ${value.toFixed(4)} ${value < threshold ? '<' : '>='} ${threshold} (${source})`,
        details: { source, ...details },
      });
      const given = ctx.validation.driftScore;
      if (given !== undefined) {
        if (typeof given !== 'number' || !Number.isFinite(given)) return { status: 'error', value: null, threshold, message: `validation.driftScore must be a finite number, got ${String(given)}` };
        return judge(given, 'validation.driftScore');
      }
      const d = m.detector;
      if (!d) return { status: 'insufficient', value: null, threshold, message: 'no drift baseline has been set or collected yet' };
      const preds = ctx.validation.predictions ?? [];
      const withFeatures = preds.filter((p) => p.features !== undefined);
      if (withFeatures.length > 0) {
        const names = d.featureNames;
        const missing = names.filter((n) => withFeatures.some((p) => typeof p.features?.[n] !== 'number'));
        if (missing.length) return { status: 'insufficient', value: null, threshold, message: `validation predictions lack baseline features: ${missing.join(', ')}` };
        if (withFeatures.length < d.minWindowSize + 1) return { status: 'insufficient', value: null, threshold, message: `${withFeatures.length} validation predictions with features; at least ${d.minWindowSize + 1} needed` };
        const columns = Object.fromEntries(names.map((n) => [n, withFeatures.map((p) => p.features?.[n] as number)]));
        try {
          const r = m.featureDriftOf(columns);
          return judge(r.maxDrift, 'validation predictions vs baseline', {
            samples: withFeatures.length,
            features: Object.fromEntries(r.features.map((f) => [f.feature, { statistic: f.statistic, pValue: f.pValue }])),
          });
        } catch (e) {
          if (e instanceof VigilError && e.code === 'VIGIL_INVALID_INPUT') return { status: 'error', value: null, threshold, message: e.message };
          throw e;
        }
      }
      const last = m.lastFeatureCheck;
      if (last) return judge(last.maxDrift, 'latest monitoring check', { windowSize: last.windowSize });
      return { status: 'insufficient', value: null, threshold, message: 'no validation features and no monitoring check yet' };
    },
  });
}
