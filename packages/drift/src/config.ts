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
 * a short window, thresholds calibrated by replay to a 1% false-alarm rate inside the baseline.
 */
export const RECOMMENDED_DEFAULTS = {
  windowSize: 10,
  alertThreshold: 0.15,
  alpha: 0.05,
  correction: 'holm',
  transforms: {} as Record<string, Transform>,
  calibration: { targetFalseAlarmRate: 0.01 } as { targetFalseAlarmRate: number } | null,
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
    /** Without a stored baseline, collect the first N observations as the baseline. */
    autoBaseline: z.boolean().default(true),
    baselineSize: z.number().int().min(10).default(RECOMMENDED_DEFAULTS.baselineSize),
    /** Calibrate thresholds by replaying windows inside the baseline to this false-alarm rate; null disables. */
    calibration: z
      .object({ targetFalseAlarmRate: z.number().gt(0).lt(1), maxReplays: z.number().int().min(10).default(400) })
      .nullable()
      .default({ targetFalseAlarmRate: 0.01, maxReplays: 400 }),
    /** An optional CUSUM on one feature (after its transform), parameters in baseline standard deviations. */
    cusum: z
      .object({ feature: z.string().min(1), k: z.number().min(0).default(0.5), h: z.number().gt(0).default(5), direction: z.enum(['up', 'down', 'both']).default('both') })
      .nullable()
      .default(null),
    /** Which detectors raise a retraining request. */
    retrainOn: z.array(z.enum(['feature', 'regime', 'prediction', 'cusum'])).default(['feature', 'regime', 'cusum']),
    /** The gate's default threshold for drift.drift_score. */
    driftScoreThreshold: z.number().gt(0).lte(1).default(0.2),
  })
  .strict();

export type DriftOptions = z.output<typeof driftOptionsSchema>;
