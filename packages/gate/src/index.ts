export { gatePlugin } from './plugin.js';
export { gateOptionsSchema, type GateOptions, type GateOptionsInput } from './config.js';
export { gatePromotionStepsToken, gateToken, shadowRecordsToken } from './tokens.js';
export {
  ShadowRecords,
  type ShadowComparison,
  type ShadowView,
  type StartShadow,
  type StopShadow,
} from './ShadowRecords.js';
export { CHALLENGER_CRITERION, challengerCriterion, type ChallengerOptions } from './challengerCriterion.js';
export { SHADOW_TABLE, ShadowRecordEntity, type ShadowRow } from './entities/ShadowRecord.js';
export { GateShadow1700000004100 } from './migrations/GateShadow1700000004100.js';
export { GateHistoryByModel1700000004300 } from './migrations/GateHistoryByModel1700000004300.js';
export type { ProductionNow } from './HistoryReader.js';
export { ModelPromotionGate } from './ModelPromotionGate.js';
export type {
  AttemptOptions,
  GateDeps,
  OverrideOptions,
  PromoteOptions,
  PromotionResult,
  RollbackResult,
} from './gateTypes.js';
export { DEFAULT_MIN_OVERALL_ACCURACY, overallAccuracyCriterion, predictionAccuracy } from './overallAccuracy.js';
export { checkValidation, type ValidationRules } from './checkValidation.js';
export {
  assertUniqueCriteria,
  decide,
  evaluateCriterion,
  missingCriterionReason,
  thresholdsInForce,
  type CriterionOutcome,
  type Decision,
  type RangedCriterion,
} from './runCriteria.js';
export {
  GENESIS_HASH,
  KEYED_PREFIX,
  rowHash,
  verifyChain,
  type ChainReport,
  type HistoryAction,
  type HistoryRow,
  type VerifyOptions,
} from './historyChain.js';
export { MIN_HISTORY_KEY_LENGTH, loadHistoryKey } from './historyKey.js';
export { canonicalJson } from './canonicalJson.js';
export { backupStamp, type PromotionSteps } from './installModel.js';
export { resolveGatePaths, type GatePaths, type ModelKind } from './paths.js';
export type { GateReport, HistoryEntry } from './report.js';
export { HISTORY_TABLE, ModelPromotionHistoryEntity } from './entities/ModelPromotionHistory.js';
export { GatePromotionHistory1700000004000 } from './migrations/GatePromotionHistory1700000004000.js';
export { checkView, reportViews, validationView, type CheckView, type ReportView } from './reportView.js';
export { pathBelow } from './gateReports.js';
export { dayQuery, historyFilter, type FilterableRow } from './historyFilter.js';
export { gateView } from './view.js';
