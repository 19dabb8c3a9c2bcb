import type { BacktestDetector, KsBacktestDetector } from '../backtest.js';
import { cusumDetector, specDetector } from '../backtestDetectors.js';
import { driftOptionsSchema } from '../config.js';

/** The market features the backtest offers: SPY daily log return, its absolute value, 20-day realised volatility, VIX level. */
export const MARKET_FEATURES = ['ret', 'absRet', 'rv20', 'vix'] as const;

/** (a) The spec's DriftDetector defaults on every market feature, untransformed. */
export function specMarketDetector(): KsBacktestDetector {
  return specDetector(MARKET_FEATURES);
}

/** (b) The plugin's shipped default (whatever `driftOptionsSchema` defaults to) as the backtest runs it, on the daily return. */
export function recommendedMarketDetector(feature = 'ret'): BacktestDetector {
  return cusumDetector([feature]);
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
