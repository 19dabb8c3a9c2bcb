import {
  type CriterionContext,
  type CriterionResult,
  type GateCriterion,
  VigilError,
  defineCriterion,
} from '@vigil/core';
import { DriftDetector, type FeatureDriftResult } from './DriftDetector.js';
import type { DriftMonitor } from './DriftMonitor.js';
import type { Transform } from './stats/transforms.js';

export const DRIFT_SCORE_CRITERION = 'drift.drift_score';

export interface DriftScoreOptions {
  /** Default threshold: the largest share of drifted features that passes (spec: 0.20). */
  readonly threshold: number;
  /** The monitor's per-feature stationary transforms, applied to both sides. */
  readonly transforms: Readonly<Record<string, Transform>>;
  readonly minWindowSize: number;
  /** Uncalibrated fallback for a feature's KS threshold. */
  readonly alertThreshold: number;
  /** Calibration: the false-alarm rate of windows replayed inside the baseline (the monitor's). */
  readonly targetFalseAlarmRate: number;
  readonly maxReplays: number;
}

/**
 * Extra `ValidationResults` field drift.drift_score reads: `trainingFeatures`, the candidate's
 * training rows' features in time order, `{ [feature]: number[] }`. With it the baseline is the
 * candidate's own training data; without it, the monitor's baseline (the live model's).
 */
export interface DriftValidationFields {
  readonly trainingFeatures?: Readonly<Record<string, readonly number[]>>;
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

/**
 * drift.drift_score: the share of monitored features whose distribution on the validation rows
 * has moved beyond that feature's calibrated noise, on its stationary transform. Each feature's
 * KS statistic is compared with a threshold calibrated by replaying windows of the same size
 * inside the baseline (all features on one scale, so the family of features false-alarms at the
 * monitor's target rate on baseline-like data). A score of 0.20 therefore means "a fifth of the
 * features drifted beyond their own noise", whatever the feature: a level series such as VIX needs
 * a far larger D than a daily return before it counts. Passes when the score is below the
 * threshold (default 0.20). Sources, in order: `validation.driftScore` (given), the candidate's
 * `trainingFeatures` against its validation features, the monitor's baseline against them, the
 * monitor's latest check.
 */
export function driftScoreCriterion(m: DriftMonitor, o: DriftScoreOptions): GateCriterion {
  return defineCriterion({
    id: DRIFT_SCORE_CRITERION,
    requiredByDefault: true,
    description:
      'share of features whose validation distribution moved beyond their calibrated noise (KS on the stationary transform) is below the threshold',
    defaultThreshold: o.threshold,
    async evaluate(ctx: CriterionContext): Promise<CriterionResult> {
      const threshold = ctx.threshold ?? o.threshold;
      const judge = (r: FeatureDriftResult, source: string, details: Record<string, unknown> = {}): CriterionResult => {
        const value = r.features.length ? r.driftedFeatureNames.length / r.features.length : 0;
        const pass = value < threshold;
        const moved = r.driftedFeatureNames.length ? `: ${r.driftedFeatureNames.join(', ')}` : '';
        return {
          status: pass ? 'pass' : 'fail',
          value,
          threshold,
          message: `drift score ${pct(value)} (${r.driftedFeatureNames.length} of ${r.features.length} features beyond their ${r.rule === 'calibrated' ? 'calibrated noise' : 'KS threshold'}${moved}; ${source}) ${pass ? '<' : '>='} ${pct(threshold)}`,
          details: {
            source,
            rule: r.rule,
            windowSize: r.windowSize,
            drifted: r.driftedFeatureNames,
            features: Object.fromEntries(
              r.features.map((f) => [
                f.feature,
                { statistic: f.statistic, threshold: f.threshold, transform: f.transform, drifted: f.drifted },
              ]),
            ),
            ...details,
          },
        };
      };
      const given = ctx.validation.driftScore;
      if (given !== undefined) {
        if (typeof given !== 'number' || !Number.isFinite(given))
          return {
            status: 'error',
            value: null,
            threshold,
            message: `validation.driftScore must be a finite number, got ${String(given)}`,
          };
        return {
          status: given < threshold ? 'pass' : 'fail',
          value: given,
          threshold,
          message: `drift score ${pct(given)} ${given < threshold ? '<' : '>='} ${pct(threshold)} (validation.driftScore, given)`,
          details: { source: 'validation.driftScore' },
        };
      }
      const v = ctx.validation as typeof ctx.validation & DriftValidationFields;
      const withFeatures = (v.predictions ?? []).filter((p) => p.features !== undefined);
      const live = m.detector;
      const names = v.trainingFeatures ? Object.keys(v.trainingFeatures).sort() : live?.featureNames;
      if (withFeatures.length > 0 && names) {
        const missing = names.filter((n) => withFeatures.some((p) => typeof p.features?.[n] !== 'number'));
        if (missing.length)
          return {
            status: 'insufficient',
            value: null,
            threshold,
            message: `validation predictions lack the features: ${missing.join(', ')}`,
          };
        const columns = Object.fromEntries(names.map((n) => [n, withFeatures.map((p) => p.features?.[n] as number)]));
        try {
          if (v.trainingFeatures) {
            // the candidate's own training data is the baseline; thresholds calibrated for this window size
            const d = new DriftDetector({
              transforms: o.transforms,
              alertThreshold: o.alertThreshold,
              minWindowSize: o.minWindowSize,
              featureNames: names,
              windowSize: withFeatures.length,
            });
            d.setBaseline({
              features: Object.fromEntries(names.map((n) => [n, [...(v.trainingFeatures?.[n] ?? [])]])),
            });
            const cal = d.calibrate(o.targetFalseAlarmRate, {
              windowSize: withFeatures.length,
              maxReplays: o.maxReplays,
            });
            return judge(d.detectFeatureDrift(columns), "candidate's training features vs validation features", {
              samples: withFeatures.length,
              baselineRows: d.baselineSize,
              calibration: { targetRate: cal.targetRate, replays: cal.replays, windowSize: cal.windowSize },
            });
          }
          if (withFeatures.length < (live as DriftDetector).minWindowSize + 1)
            return {
              status: 'insufficient',
              value: null,
              threshold,
              message: `${withFeatures.length} validation predictions with features; at least ${(live as DriftDetector).minWindowSize + 1} needed`,
            };
          return judge(m.featureDriftOf(columns), "the monitor's baseline vs validation features", {
            samples: withFeatures.length,
          });
        } catch (e) {
          if (e instanceof VigilError && e.code === 'VIGIL_INSUFFICIENT_DATA')
            return { status: 'insufficient', value: null, threshold, message: e.message };
          if (e instanceof VigilError && e.code === 'VIGIL_INVALID_INPUT')
            return { status: 'error', value: null, threshold, message: e.message };
          throw e;
        }
      }
      if (!live)
        return {
          status: 'insufficient',
          value: null,
          threshold,
          message: 'no validation trainingFeatures and no drift baseline set or collected yet',
        };
      const last = m.lastFeatureCheck;
      if (last) return judge(last, 'latest monitoring check');
      return {
        status: 'insufficient',
        value: null,
        threshold,
        message: 'no validation features and no monitoring check yet',
      };
    },
  });
}
