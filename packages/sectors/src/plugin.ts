import {
  clockToken,
  configToken,
  dataSourceToken,
  definePlugin,
  loggerToken,
  predictionLogToken,
  transactorToken,
} from '@vigil/core';
import { sectorsCommands } from './commands.js';
import { sectorsOptionsSchema } from './config.js';
import {
  CRASH_ACCURACY_CRITERION,
  MIN_SECTOR_ACCURACY_CRITERION,
  crashAccuracyCriterion,
  minSectorAccuracyCriterion,
} from './criteria.js';
import { SectorPerformanceEntity } from './entities/SectorPerformanceEntity.js';
import { SectorModels1700000003100 } from './migrations/SectorModels1700000003100.js';
import { SectorPerformance1700000003000 } from './migrations/SectorPerformance1700000003000.js';
import { SectorRollingIndex1700000003200 } from './migrations/SectorRollingIndex1700000003200.js';
import { SectorMap } from './SectorMap.js';
import { SectorTracker } from './SectorTracker.js';
import { SectorRolling } from './SectorRolling.js';
import { sectorsRoutes } from './sectorsRoutes.js';
import { sectorsViewRoutes } from './sectorsViewRoutes.js';
import { StressHistory } from './StressHistory.js';
import { sectorMapToken, sectorTrackerToken, stressHistoryToken } from './tokens.js';
import { sectorsMetrics } from './sectorsMetrics.js';
import { sectorsView } from './view.js';
import { sectorsReportSections } from './sectorsReportSection.js';

export const sectorsPlugin = definePlugin({
  id: 'sectors',
  description: 'Accuracy by official GICS sector, symbol and regime; the sector and crash-regime gate criteria.',
  options: sectorsOptionsSchema,
  entities: [SectorPerformanceEntity],
  migrations: [SectorPerformance1700000003000, SectorModels1700000003100, SectorRollingIndex1700000003200],
  criterionIds: [MIN_SECTOR_ACCURACY_CRITERION, CRASH_ACCURACY_CRITERION],
  deps: {
    transactor: transactorToken,
    clock: clockToken,
    config: configToken,
    logger: loggerToken,
    log: predictionLogToken,
    dataSource: dataSourceToken,
  },
  init({ transactor, clock, config, logger, log, dataSource }, options) {
    const sectorMap = new SectorMap({ ...options, logger });
    const rules = { labels: config.labels, regimes: config.regimes };
    const tracker = new SectorTracker(transactor, sectorMap, rules, { minResolved: options.minResolved, clock });
    const stress = new StressHistory(log, options.crashRegime);
    const criteria = {
      sectorMap,
      rules,
      minSectorSamples: options.minSectorSamples,
      minCrashSamples: options.minCrashSamples,
      crashRegime: options.crashRegime,
    };
    return {
      provides: [
        [sectorMapToken, sectorMap],
        [sectorTrackerToken, tracker],
        [stressHistoryToken, stress],
      ],
      criteria: [
        minSectorAccuracyCriterion(criteria),
        crashAccuracyCriterion({ ...criteria, stress, insufficientCrashEvidence: options.insufficientCrashEvidence }),
      ],
      metrics: sectorsMetrics(tracker),
      start: () => tracker.start(),
      routes: async (app, ctx) => {
        await sectorsRoutes(tracker, options)(app, ctx);
        // the dashboard's accuracy chart: GET /api/sectors/rolling
        sectorsViewRoutes(app, new SectorRolling(dataSource, () => tracker.models()));
      },
      report: (query) =>
        sectorsReportSections(
          log,
          sectorMap,
          { minResolved: options.minResolved, models: () => tracker.models() },
          query,
        ),
      view: sectorsView,
      hooks: {
        observe: (records, ctx) => tracker.observeInTx(records, ctx),
        resolve: (records, ctx) => tracker.resolveInTx(records, ctx),
      },
    };
  },
  // `vigil sectors report`: declared statically, so `vigil sectors --help` needs no database
  commands: sectorsCommands,
});
