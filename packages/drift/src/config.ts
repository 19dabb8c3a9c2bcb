import { z } from 'zod';
import { TRANSFORMS, type Transform } from './stats/transforms.js';

/** The spec's literal configuration: DriftDetector(window_size=100, alert_threshold=0.15). */
export const SPEC_DEFAULTS = {
  windowSize: 100,
  alertThreshold: 0.15,
  alpha: 0.05,
  correction: 'holm',
  transforms: {} as Record<string, Transform>,
  calibration: null as { targetFalseAlarmRate: number } | null,
} as const;

/**
 * The recommended default, chosen once from the SPY + VIX 2000-2020 backtest (see BACKTEST.md):
 * retraining requests come from a one-sided CUSUM on each feature's absolute deviation from its
 * baseline mean (a scale shift: k = 1, h = 5 baseline standard deviations), which caught all
 * seven stress episodes within 3 trading days at 0.2% calm-day false alarms. The KS feature check
 * (20-observation window, thresholds calibrated by replay to 1%) still runs and is recorded, and
 * feeds the drift score, but does not raise retraining requests unless `retrainOn` says so.
 */
export const RECOMMENDED_DEFAULTS = {
  windowSize: 20,
  alertThreshold: 0.15,
  alpha: 0.05,
  correction: 'holm',
  transforms: {} as Record<string, Transform>,
  calibration: { targetFalseAlarmRate: 0.01 } as { targetFalseAlarmRate: number } | null,
  cusum: { statistic: 'abs', k: 1, h: 5, direction: 'up' } as const,
  retrainOn: ['cusum'] as ('feature' | 'regime' | 'prediction' | 'cusum')[],
  baselineSize: 250,
} as const;

const transform = z.enum(TRANSFORMS as [Transform, ...Transform[]]);

export const driftOptionsSchema = z
  .object({
    /** Observations per comparison window. */
    windowSize: z.number().int().min(2).default(RECOMMENDED_DEFAULTS.windowSize),
    /** KS statistic a feature must exceed (when not calibrated). */
    alertThreshold: z.number().gt(0).lte(1).default(RECOMMENDED_DEFAULTS.alertThreshold),
    alpha: z.number().gt(0).lt(1).default(RECOMMENDED_DEFAULTS.alpha),
    correction: z.enum(['holm', 'bh', 'none']).default(RECOMMENDED_DEFAULTS.correction),
    /** Per-feature transforms, e.g. { vix: 'log_return' }. */
    transforms: z.record(z.string(), transform).default({}),
    /** Monitored features (default: every feature of the baseline). */
    features: z.array(z.string().min(1)).min(1).optional(),
    minWindowSize: z.number().int().min(2).default(5),
    /** Run a check every N observations (default: every observation up to windowSize, i.e. min(windowSize, 10)). */
    checkEvery: z.number().int().min(1).optional(),
    /** Window checks within one observe call: only the last N check points of a batch run (CUSUM sees every record). */
    maxChecksPerBatch: z.number().int().min(1).default(1),
    /** Without a stored baseline, collect the first N observations as the baseline. */
    autoBaseline: z.boolean().default(true),
    baselineSize: z.number().int().min(10).default(RECOMMENDED_DEFAULTS.baselineSize),
    /** Calibrate thresholds by replaying windows inside the baseline to this false-alarm rate; null disables. */
    calibration: z
      .object({ targetFalseAlarmRate: z.number().gt(0).lt(1), maxReplays: z.number().int().min(10).default(400) })
      .nullable()
      .default({ targetFalseAlarmRate: 0.01, maxReplays: 400 }),
    /**
     * Streaming CUSUM per feature (after its transform), parameters in baseline standard deviations;
     * statistic 'abs' watches the absolute deviation from the baseline mean (scale), 'level' the value. null disables.
     */
    cusum: z
      .object({
        features: z.array(z.string().min(1)).min(1).optional(),
        statistic: z.enum(['abs', 'level']).default(RECOMMENDED_DEFAULTS.cusum.statistic),
        k: z.number().min(0).default(RECOMMENDED_DEFAULTS.cusum.k),
        h: z.number().gt(0).default(RECOMMENDED_DEFAULTS.cusum.h),
        direction: z.enum(['up', 'down', 'both']).default(RECOMMENDED_DEFAULTS.cusum.direction),
      })
      .nullable()
      .default({ ...RECOMMENDED_DEFAULTS.cusum }),
    /** Which detectors raise a retraining request. */
    retrainOn: z.array(z.enum(['feature', 'regime', 'prediction', 'cusum'])).default([...RECOMMENDED_DEFAULTS.retrainOn]),
    /** The gate's default threshold for drift.drift_score. */
    driftScoreThreshold: z.number().gt(0).lte(1).default(0.2),
  })
  .strict();

export type DriftOptions = z.output<typeof driftOptionsSchema>;
