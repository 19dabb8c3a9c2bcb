import {
  type CriterionContext,
  type CriterionResult,
  type GateCriterion,
  VigilError,
  defineCriterion,
  parseIsoDate,
} from '@vigil/core';
import type { FeatureDriftResult } from './DriftDetector.js';
import type { DriftMonitor, RowsInput } from './DriftMonitor.js';

export const DRIFT_SCORE_CRITERION = 'drift.drift_score';

export interface DriftScoreOptions {
  /** Default threshold: the largest share of drifted testable features that passes (spec: 0.20). */
  readonly threshold: number;
  /** Fewer testable features than this share of them (and at least one) is `insufficient`, not a verdict. */
  readonly minTestableShare: number;
  /** Calibration: the false-alarm rate of windows replayed inside the baseline (the monitor's). */
  readonly targetFalseAlarmRate: number;
  readonly maxReplays: number;
}

/**
 * Extra `ValidationResults` fields drift.drift_score reads: `trainingFeatures`, the candidate's training rows'
 * features in time order, `{ [feature]: number[] }`, with, for a panel, `trainingTimestamps` (ISO, one per row) and
 * `trainingSymbols`; each validation prediction may carry `timestamp` (ISO). With timestamps on both sides the
 * score calibrates by time steps, as the monitor does; without, each row is its own step. With `trainingFeatures`
 * the baseline is the candidate's own training data; without, the monitor's baseline (the live model's).
 */
export interface DriftValidationFields {
  readonly trainingFeatures?: Readonly<Record<string, readonly number[]>>;
  readonly trainingTimestamps?: readonly string[];
  readonly trainingSymbols?: readonly string[];
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

const PER_ROW_NOTE =
  'rows without timestamps: calibrated per row (each row its own step); when several rows share a day (a panel of symbols), their common market moves are treated as independent, so the thresholds are too low and the score is optimistic (it flags drift more often than the target rate)';

/**
 * drift.drift_score: the share of testable features whose distribution on the validation rows has moved beyond
 * that feature's calibrated noise, on its stationary transform. The baseline (the candidate's training rows, else
 * the monitor's) is calibrated by the monitor's own rule (DriftMonitor.detectorOf): windows of the validation's
 * size in time steps replayed inside it, each feature's design effect the larger of the replays' and the clustered
 * estimate (within-step correlation across symbols times autocorrelation across steps), thresholds at the
 * monitor's family-wise false-alarm rate. A feature whose threshold exceeds 1 cannot alarm on a window this short
 * (its history moves too much): it is untestable, reported apart and left out of the score, since a test that
 * cannot fire is not evidence of no drift. Too few testable features: `insufficient`. Passes when the score is
 * below the threshold (default 0.20). Sources, in order: `validation.driftScore` (given), the candidate's
 * `trainingFeatures` against its validation features, the monitor's baseline against them, the monitor's latest
 * check.
 */
export function driftScoreCriterion(m: DriftMonitor, o: DriftScoreOptions): GateCriterion {
  return defineCriterion({
    id: DRIFT_SCORE_CRITERION,
    requiredByDefault: true,
    description:
      'share of testable features whose validation distribution moved beyond their calibrated noise (KS on the stationary transform) is below the threshold',
    defaultThreshold: o.threshold,
    async evaluate(ctx: CriterionContext): Promise<CriterionResult> {
      const threshold = ctx.threshold ?? o.threshold;
      const judge = (
        r: FeatureDriftResult,
        source: string,
        details: Record<string, unknown> = {},
        designEffects: Readonly<Record<string, number>> = {},
      ): CriterionResult => {
        const untestable = r.features.filter((f) => f.untestable);
        const testable = r.features.length - untestable.length;
        const needed = Math.max(1, Math.ceil(o.minTestableShare * r.features.length));
        const why = untestable
          .map((f) => {
            const deff = designEffects[f.feature];
            return `${f.feature} (threshold ${f.threshold.toFixed(2)} > 1${deff !== undefined ? `: design effect ${deff.toFixed(1)}, about ${(r.windowSize / deff).toFixed(1)} independent values in ${r.windowSize}` : ''})`;
          })
          .join(', ');
        const perFeature = {
          source,
          rule: r.rule,
          windowSize: r.windowSize,
          drifted: r.driftedFeatureNames,
          untestable: untestable.map((f) => f.feature),
          testable,
          minTestable: needed,
          features: Object.fromEntries(
            r.features.map((f) => [
              f.feature,
              {
                statistic: f.statistic,
                threshold: f.untestable ? null : f.threshold,
                transform: f.transform,
                drifted: f.drifted,
                status: f.untestable ? 'untestable' : f.drifted ? 'drifted' : 'within noise',
                ...(designEffects[f.feature] !== undefined ? { designEffect: designEffects[f.feature] } : {}),
              },
            ]),
          ),
          ...details,
        };
        if (testable < needed)
          return {
            status: 'insufficient',
            value: null,
            threshold,
            message: `${testable} of ${r.features.length} features testable, at least ${needed} needed (${source}); untestable, their history moves too much for a window of ${r.windowSize} values to tell: ${why}`,
            details: perFeature,
          };
        const value = r.driftedFeatureNames.length / testable;
        const pass = value < threshold;
        const moved = r.driftedFeatureNames.length ? `: ${r.driftedFeatureNames.join(', ')}` : '';
        const apart = untestable.length ? `; untestable, not counted: ${why}` : '';
        const perRow =
          details.calibratedBy === 'row' ? '; calibrated per row (no timestamps: optimistic for a panel)' : '';
        return {
          status: pass ? 'pass' : 'fail',
          value,
          threshold,
          message: `drift score ${pct(value)} (${r.driftedFeatureNames.length} of ${testable} testable features beyond their ${r.rule === 'calibrated' ? 'calibrated noise' : 'KS threshold'}${moved}${apart}; ${source}${perRow}) ${pass ? '<' : '>='} ${pct(threshold)}`,
          details: perFeature,
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
        // a panel when every validation row is dated (and, for training rows, they are too): steps as the monitor's
        const stamps = withFeatures.map((p) => parseIsoDate((p as { timestamp?: unknown }).timestamp));
        const dated =
          stamps.every((s) => s !== undefined) &&
          (v.trainingFeatures === undefined || v.trainingTimestamps !== undefined);
        const windowRows: RowsInput = {
          features: columns,
          ...(dated ? { timestamps: stamps as string[], symbols: withFeatures.map((p) => String(p.symbol)) } : {}),
        };
        const calibratedBy = dated ? 'step' : 'row';
        try {
          const window = m.windowOf(windowRows, {
            what: 'validation predictions',
            features: 'validation.predictions[].features',
            timestamps: 'validation.predictions[].timestamp',
            symbols: 'validation.predictions[].symbol',
          });
          const windowColumns = Object.fromEntries(window.features);
          const basis = {
            samples: withFeatures.length,
            windowSteps: window.steps,
            calibratedBy,
            ...(dated ? {} : { note: PER_ROW_NOTE }),
          };
          if (v.trainingFeatures) {
            // the candidate's own training rows are the baseline, calibrated for windows of the validation's steps
            const { detector, steps } = m.detectorOf(
              {
                features: v.trainingFeatures,
                ...(dated && v.trainingTimestamps ? { timestamps: v.trainingTimestamps } : {}),
                ...(dated && v.trainingSymbols ? { symbols: v.trainingSymbols } : {}),
              },
              { windowSteps: window.steps, targetFalseAlarmRate: o.targetFalseAlarmRate, maxReplays: o.maxReplays },
              {
                what: 'training rows',
                features: 'trainingFeatures',
                timestamps: 'trainingTimestamps',
                symbols: 'trainingSymbols',
              },
            );
            const cal = detector.calibration;
            return judge(
              detector.detectFeatureDrift(windowColumns),
              "candidate's training features vs validation features",
              {
                ...basis,
                baselineRows: detector.baselineSize,
                baselineSteps: steps,
                ...(cal
                  ? { calibration: { targetRate: cal.targetRate, replays: cal.replays, windowSteps: cal.windowSteps } }
                  : {}),
              },
              cal?.designEffects,
            );
          }
          const d = live as NonNullable<typeof live>;
          if (withFeatures.length < d.minWindowSize + 1)
            return {
              status: 'insufficient',
              value: null,
              threshold,
              message: `${withFeatures.length} validation predictions with features; at least ${d.minWindowSize + 1} needed`,
            };
          return judge(
            d.detectFeatureDrift(windowColumns),
            "the monitor's baseline vs validation features",
            {
              ...basis,
              calibration: "the monitor's (windows of its windowSteps)",
            },
            d.calibration?.designEffects,
          );
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
      if (last) return judge(last, 'latest monitoring check', {}, live.calibration?.designEffects);
      return {
        status: 'insufficient',
        value: null,
        threshold,
        message: 'no validation features and no monitoring check yet',
      };
    },
  });
}
