import 'reflect-metadata';

export { systemClock, ManualClock, type Clock } from './clock.js';
export {
  ConfigError,
  MIN_TOKEN_LENGTH,
  apiTokenProblem,
  databaseConfigSchema,
  loadConfigFile,
  normalizeConfig,
  redactUrl,
  vigilConfigSchema,
  type DatabaseConfig,
  type NormalizedConfig,
  type PluginConfig,
  type RetentionPolicy,
  type VigilConfigInput,
} from './config.js';
export {
  assertCriterion,
  criterionPluginId,
  defineCriterion,
  gateCriterionToken,
  type CriterionContext,
  type CriterionResult,
  type CriterionStatus,
  type GateCriterion,
  type ValidationPrediction,
  type ValidationResults,
} from './criterion.js';
export { RECORD_COLUMNS, csvCells, csvDocument, csvObjects, csvRow } from './csvRecords.js';
export { MIGRATIONS_TABLE, createDataSource, dialectOf, tuneDataSource, type Dialect } from './datasource.js';
export {
  ERROR_CODES,
  VigilError,
  describeValue,
  isVigilError,
  throwIfIssues,
  type Issue,
  type VigilErrorCode,
} from './errors.js';
export { TransactionalEventBus, type EventBus, type EventSubscriber, type VigilEvent } from './events.js';
export { assertMetric, type MetricDefinition, type MetricSample } from './metrics.js';
export {
  ciOf,
  dayParam,
  dayRange,
  daySchema,
  intParam,
  textSchema,
  withoutAbsolutePaths,
  wordsSchema,
  type QueryString,
} from './http.js';
export { EVERY_MODEL, UNKNOWN_MODEL, chooseModel, modelParam } from './modelChoice.js';
export {
  LiveModels,
  liveModelsToken,
  standingOf,
  type LiveModelSource,
  type LiveModelsAt,
  type ModelStanding,
} from './liveModels.js';
export { MemoryLogger, createLogger, type LogLevel, type Logger } from './logger.js';
export {
  assertPlugin,
  definePlugin,
  optionsOf,
  type AnyPlugin,
  type CommandContext,
  type CommandIO,
  type DepsSpec,
  type EntityDefinition,
  type HookContext,
  type MigrationClass,
  type MonitorPlugin,
  type OptionsSchema,
  type PluginCommands,
  type PluginHooks,
  type PluginInstance,
  type PluginRoutes,
  type PluginView,
  type Provided,
  type ResolvedDeps,
} from './plugin.js';
export type { LoggedOutcome, LoggedPrediction, ModelSummary, PredictionLog } from './predictionLog.js';
export {
  ISO_DATE_RULE,
  RENAMED_FIELDS,
  renamedFieldIssues,
  UNSTORABLE_TEXT,
  checkPrediction,
  checkText,
  outcomeValidator,
  predictionValidator,
  type BatchValidator,
  parseIsoDate,
  validateOutcomes,
  validatePredictions,
  type NormalizedOutcome,
  type Outcome,
  type PredictionInput,
  type PredictionRecord,
  type RecordRules,
  type ResolvedPrediction,
} from './records.js';
export {
  inReportRange,
  parseReportQuery,
  type ReportBlock,
  type ReportChartBlock,
  type ReportColumn,
  type ReportFigure,
  type ReportFiguresBlock,
  type ReportPoint,
  type ReportQuery,
  type ReportSection,
  type ReportSeries,
  type ReportStatus,
  type ReportTableBlock,
  type ReportTextBlock,
  type ReportUnit,
  type ReportValue,
  type VigilReport,
} from './report.js';
export { seededRandom } from './random.js';
export { bulkInsert, columnTypes, ensureIndex, insertRows, placeholder, quoteIdent, selectIn } from './sql.js';
export {
  clockToken,
  configToken,
  containerToken,
  coreTokens,
  dataSourceToken,
  defineToken,
  eventBusToken,
  installedPluginsToken,
  loggerToken,
  predictionLogToken,
  tokenId,
  transactorToken,
  type InstalledPlugin,
  type Token,
} from './tokens.js';
export type { Transactor, TxContext } from './transactor.js';
export { type Interval, Z_95, wilsonInterval } from './stats/wilson.js';
export { binomialUpperTail } from './stats/binomialTail.js';
export { chi2Sf, gammaQ, logGamma } from './stats/gamma.js';
export { type McNemarResult, mcnemar } from './stats/mcnemar.js';
export { type DayPairedRow, type PairedByDay, type PairedDay, pairedByDay } from './stats/pairedByDay.js';
