export { replayPlugin } from './plugin.js';
export { replayOptionsSchema, type ReplayOptions, type ReplayOptionsInput } from './config.js';
export { errorReplayBufferToken, replayOptionsToken } from './tokens.js';
export {
  ErrorReplayBuffer,
  type AddOutcome,
  type AddResult,
  type BufferDeps,
  type BufferOptions,
  type BufferedPrediction,
  type ErrorStats,
  type FoldResult,
  type ReplayEvaluation,
  type ReplaySamples,
  type SampleOptions,
  type SkipReason,
} from './ErrorReplayBuffer.js';
export type { RejectReason } from './BufferIndex.js';
export type { StoredSample, TopError } from './bufferSql.js';
export { replayReport, type ReplayReport } from './replayReport.js';
export { replayView } from './view.js';
export { FeatureLayout, type FeatureInput } from './FeatureLayout.js';
export type { ErrorInput, NormalizedError } from './validateErrors.js';
export { replayImprovementCriterion, type ReplayValidationFields } from './replayImprovementCriterion.js';
export { prioritizedSample, priorityProbabilities, type PrioritizedDraw } from './prioritizedSample.js';
export {
  mixReplay,
  replayCount,
  type MixOptions,
  type MixedBatch,
  type ReplayRows,
  type TrainingBatch,
} from './trainingMix.js';
export { trainLogistic, type LogisticModel, type LogisticOptions } from './trainLogistic.js';
export { mcnemar, type McNemarResult } from './stats/mcnemar.js';
export { replayImprovement, type PairedPrediction, type ReplayImprovement } from './stats/replayImprovement.js';
export { mulberry32 } from './random.js';
export { ERROR_REPLAY_TABLE, errorReplayEntity, type ErrorReplayRow } from './entities/ErrorReplayRow.js';
export { REPLAY_META_TABLE, replayMetaEntity } from './entities/ReplayMetaRow.js';
export { ReplayInit1700000002000 } from './migrations/ReplayInit1700000002000.js';
export { ReplayModels1700000002100 } from './migrations/ReplayModels1700000002100.js';
