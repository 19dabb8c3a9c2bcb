import type { BacktestDetector, KsBacktestDetector } from '../backtest.js';
import { SPEC_DEFAULTS, driftOptionsSchema } from '../config.js';

/** The market features the backtest offers: SPY daily log return, its absolute value, 20-day realised volatility, VIX level. */
export const MARKET_FEATURES = ['ret', 'absRet', 'rv20', 'vix'] as const;

/** (a) The spec's DriftDetector defaults on every market feature, untransformed. */
export function specMarketDetector(): KsBacktestDetector {
  return {
    kind: 'ks',
    features: [...MARKET_FEATURES],
    windowSize: SPEC_DEFAULTS.windowSize,
    alertThreshold: SPEC_DEFAULTS.alertThreshold,
    alpha: SPEC_DEFAULTS.alpha,
    correction: SPEC_DEFAULTS.correction,
  };
}

/** (b) The plugin's shipped default (whatever `driftOptionsSchema` defaults to) as the backtest runs it, on the daily return. */
export function recommendedMarketDetector(feature = 'ret'): BacktestDetector {
  const o = driftOptionsSchema.parse({});
  const c = o.cusum;
  if (!c) throw new Error('the default configuration has no CUSUM detector');
  const ds = c.statistics.map((statistic) => ({
    kind: 'cusum' as const,
    feature,
    statistic,
    k: c.k,
    h: c.h,
    direction: c.direction,
    quietSteps: c.quietSteps,
    ...(c.release !== undefined ? { release: c.release } : {}),
    ...(c.cap !== undefined ? { cap: c.cap } : {}),
  }));
  return ds.length === 1 ? (ds[0] as BacktestDetector) : { kind: 'any', detectors: ds };
}

/** The default KS feature check (window of windowSteps days, calibration) as the backtest runs it on a one-record-per-day series. */
export function defaultKsMarketDetector(
  features: readonly string[] = ['ret', 'absRet', 'vixChange'],
): KsBacktestDetector {
  const o = driftOptionsSchema.parse({});
  return {
    kind: 'ks',
    features,
    windowSize: o.windowSteps,
    alertThreshold: o.alertThreshold,
    alpha: o.alpha,
    correction: o.correction,
    calibration: o.calibration ? { targetFalseAlarmRate: o.calibration.targetFalseAlarmRate } : null,
  };
}
