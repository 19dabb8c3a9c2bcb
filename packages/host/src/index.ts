export {
  createHost,
  type HostOptions,
  type HostState,
  type ObserveResult,
  type ResolveResult,
  type VigilHost,
} from './createHost.js';
export { SerialTransactor, type TransactorOptions } from './SerialTransactor.js';
export { PREDICTIONS_TABLE, PredictionLogEntity, type PredictionRow } from './predictionLog.js';
export { HostPredictionLog1700000000000 } from './migrations/HostPredictionLog1700000000000.js';
export {
  HostPredictionsByModel1700000000050,
  PREDICTIONS_MODEL_TIME_INDEX,
} from './migrations/HostPredictionsByModel1700000000050.js';
export { migrateDatabase, type MigrateOptions } from './migrate.js';
export { openDataSource } from './openDataSource.js';
export { PluginRuntime, type InitializedPlugin, type ViewManifest } from './PluginRuntime.js';
export { PredictionLogService } from './PredictionLogService.js';
export { prunePredictions, type PruneResult } from './prunePredictions.js';
