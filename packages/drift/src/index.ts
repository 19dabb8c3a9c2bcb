export { driftPlugin } from './plugin.js';
export { backtestDetector, parseEpisode, type DetectorChoice } from './driftBacktestCommand.js';
export { parseFeatureRows, featureColumns, type FeatureRow, type FeatureTable } from './featureRows.js';
export { driftEventsToken, driftHistoryToken, driftMonitorToken } from './tokens.js';
export { DRIFT_TYPES, DriftHistory, type DriftEpisode, type DriftEvent, type DriftType } from './DriftHistory.js';
export { driftView } from './view.js';
export { DriftEvents, type DriftCheckEvent, type RetrainingRequest } from './DriftEvents.js';
export { ANY_MODEL, DriftMonitor } from './DriftMonitor.js';
export {
  PanelDrift,
  type ClosedStep,
  type PanelDriftOptions,
  type PanelRecord,
  type StepCusumOptions,
  type StepCusumResult,
  type StepStats,
} from './PanelDrift.js';
export { updateEpisode, type EpisodeChange, type EpisodeState } from './Episode.js';
export { stepOf } from './steps.js';
export {
  backtestDrift,
  type BacktestDetector,
  type BacktestOptions,
  type BacktestResult,
  type CusumBacktestDetector,
  type Episode,
  type EpisodeOutcome,
  type HistoryRow,
  type KsBacktestDetector,
} from './backtest.js';
export {
  pickBacktestConfig,
  worstMargin,
  type BacktestCandidate,
  type CusumChoice,
  type PickOptions,
  type TieBreak,
} from './pickBacktestConfig.js';
export {
  DriftDetector,
  type BaselineInput,
  type DriftDetectorOptions,
  type FeatureDriftDetail,
  type FeatureDriftResult,
} from './DriftDetector.js';
export type { FeatureInput } from './featureInput.js';
export type { PredictionDriftResult, PredictionSample, PredictionWindow, RegimeDriftResult } from './mixDrift.js';
export {
  calibrateByReplay,
  designEffectThreshold,
  ksAgainstRest,
  type ReplayCalibration,
} from './calibrate.js';
export { RECOMMENDED_DEFAULTS, SPEC_DEFAULTS, driftOptionsSchema, type DriftOptions } from './config.js';
export { driftScoreCriterion } from './driftScoreCriterion.js';
export { driftMonitoringEntity, DRIFT_MONITORING_TABLE, type DriftMonitoringRow } from './entities/DriftMonitoring.js';
export { driftBaselineEntity, DRIFT_BASELINE_TABLE, type DriftBaselineRow } from './entities/DriftBaseline.js';
export { DriftInit1700000001000 } from './migrations/DriftInit1700000001000.js';
export { DriftEpisodes1700000001100 } from './migrations/DriftEpisodes1700000001100.js';
export { driftStateEntity, DRIFT_STATE_TABLE, type DriftStateRow } from './entities/DriftState.js';
export { driftStepEntity, DRIFT_STEPS_TABLE, type DriftStepRow } from './entities/DriftStep.js';
export {
  ks2Samp,
  ks2SampSorted,
  ksExtremesSorted,
  ksPValue,
  MAX_AUTO_N,
  type KsMethod,
  type KsOptions,
  type KsResult,
} from './stats/ks.js';
export type { KsAlternative } from './stats/ksExact.js';
export { kolmogorovSf, smirnovSf } from './stats/kolmogorov.js';
export { chi2Contingency, chiSquare, type ChiSquareResult } from './stats/chiSquare.js';
export { jensenShannonDistance, wassersteinDistance } from './stats/distances.js';
export { psi, type PsiOptions, type PsiResult } from './stats/psi.js';
export { adjustPValues, benjaminiHochberg, holm, type Correction } from './stats/correction.js';
export { lag1Autocorrelation } from './stats/autocorrelation.js';
export { applyTransform, transformValue, TRANSFORMS, type Transform } from './stats/transforms.js';
export { meanSd } from './stats/meanSd.js';
export { Cusum, type CusumOptions, type CusumState } from './stats/cusum.js';
export { ksFalseAlarmRate, ksNoiseLevel } from './stats/noise.js';
export { buildMarketHistory, type DailyClose } from './market/marketHistory.js';
export { type KsCalmDaysOptions, type KsCalmDaysResult, ksCalmDays } from './market/ksCalmDays.js';
export {
  EARLY_STRESS_EPISODES,
  EIGHTIES_STRESS_EPISODES,
  NINETIES_STRESS_EPISODES,
  OUT_OF_PERIOD,
  cusumGrid,
} from './market/outOfPeriod.js';
export {
  MARKET_FEATURES,
  defaultKsMarketDetector,
  recommendedMarketDetector,
  specMarketDetector,
} from './market/marketDetectors.js';
export { SortedSample } from './stats/SortedSample.js';
