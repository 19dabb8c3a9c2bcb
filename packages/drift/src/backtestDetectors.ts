import type { BacktestDetector, KsBacktestDetector } from './backtest.js';
import { SPEC_DEFAULTS, driftOptionsSchema } from './config.js';

/** The spec's DriftDetector on `features`: KS per feature, window 100, D > 0.15 and Holm-corrected p < 0.05. */
export function specDetector(features: readonly string[]): KsBacktestDetector {
  return {
    kind: 'ks',
    features: [...features],
    windowSize: SPEC_DEFAULTS.windowSize,
    alertThreshold: SPEC_DEFAULTS.alertThreshold,
    alpha: SPEC_DEFAULTS.alpha,
    correction: SPEC_DEFAULTS.correction,
  };
}

/**
 * The per-step CUSUMs the drift plugin raises retraining requests from, as the backtest runs them: one per
 * feature and statistic, with the plugin's parameters (`cusum`, default: the shipped default), in drift when any is.
 */
export function cusumDetector(
  features: readonly string[],
  cusum = driftOptionsSchema.parse({}).cusum,
): BacktestDetector {
  if (!cusum) throw new Error('the configuration has no CUSUM detector (cusum: null)');
  const c = cusum;
  const ds = features.flatMap((feature) =>
    c.statistics.map((statistic) => ({
      kind: 'cusum' as const,
      feature,
      statistic,
      k: c.k,
      h: c.h,
      direction: c.direction,
      quietSteps: c.quietSteps,
      ...(c.release !== undefined ? { release: c.release } : {}),
      ...(c.cap !== undefined ? { cap: c.cap } : {}),
    })),
  );
  return ds.length === 1 ? (ds[0] as BacktestDetector) : { kind: 'any', detectors: ds };
}
