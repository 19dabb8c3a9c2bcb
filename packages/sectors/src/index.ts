export { sectorsPlugin } from './plugin.js';
export { sectorsOptionsSchema, type SectorsOptions } from './config.js';
export { sectorMapToken, sectorTrackerToken, stressHistoryToken } from './tokens.js';
export { StressHistory, type StressRow } from './StressHistory.js';
export { sectorsView } from './view.js';
export { GICS_SECTORS, GICS_TABLE_PATH, UNKNOWN_SECTOR, gicsTable, sectorOf, type GicsSector } from './gics.js';
export { canonicalSymbol } from './symbols.js';
export { parseSectorCsv, type SectorRow } from './sectorCsv.js';
export { SectorMap, type SectorMapOptions, type UnknownSymbolPolicy } from './SectorMap.js';
export { SectorTracker, type ModelChoice, type SectorTrackerOptions } from './SectorTracker.js';
export { sectorsReport, symbolRows, type SectorsReport, type SectorsReportOptions } from './sectorsReport.js';
export { SectorAggregates, type AggregateRow, type Counts } from './SectorAggregates.js';
export {
  accuracyStats,
  sectorPerformance,
  symbolPerformance,
  weakestSectors,
  type AccuracyStats,
  type RankedSector,
  type SectorPerformance,
  type SymbolPerformance,
  type WeakestSectors,
} from './performance.js';
export { wilsonInterval, Z_95, type Interval } from './wilson.js';
export { evaluateCandidate, type CandidateBreakdown, type CandidateOptions } from './evaluateCandidate.js';
export {
  DEFAULT_MIN_CRASH_ACCURACY,
  DEFAULT_MIN_SECTOR_ACCURACY,
  crashAccuracyCriterion,
  minSectorAccuracyCriterion,
  type CrashCriterionOptions,
  type CrashEvidenceSource,
  type SectorCriteriaOptions,
  type StressValidationFields,
} from './criteria.js';
export type { TrackInput, TrackOutcome } from './validateInput.js';
export {
  SECTOR_PERFORMANCE_TABLE,
  SectorPerformanceEntity,
  type SectorPerformanceRow,
} from './entities/SectorPerformanceEntity.js';
export { SectorPerformance1700000003000 } from './migrations/SectorPerformance1700000003000.js';
export { SectorModels1700000003100 } from './migrations/SectorModels1700000003100.js';
export { SectorRollingIndex1700000003200 } from './migrations/SectorRollingIndex1700000003200.js';
export { queryAggregateRows } from './sectorPerformanceTable.js';
