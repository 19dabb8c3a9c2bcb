import { type RecordRules, clockToken, definePlugin, gateCriterionToken, transactorToken } from '@vigil/core';
import { instanceCachingFactory } from 'tsyringe';
import { sectorsOptionsSchema } from './config.js';
import { crashAccuracyCriterion, minSectorAccuracyCriterion } from './criteria.js';
import { SectorPerformanceEntity } from './entities/SectorPerformanceEntity.js';
import { SectorPerformance1700000003000 } from './migrations/SectorPerformance1700000003000.js';
import { SectorMap } from './SectorMap.js';
import { SectorTracker } from './SectorTracker.js';
import { StressHistory } from './StressHistory.js';
import { sectorMapToken, sectorTrackerToken, stressHistoryToken } from './tokens.js';

export const sectorsPlugin = definePlugin({
  id: 'sectors',
  description: 'Accuracy by official GICS sector, symbol and regime; the sector and crash-regime gate criteria.',
  options: sectorsOptionsSchema,
  entities: [SectorPerformanceEntity],
  migrations: [SectorPerformance1700000003000],
  register({ container, options, config, logger }) {
    const sectorMap = new SectorMap({ ...options, logger });
    const rules: RecordRules = { labels: config.labels, regimes: config.regimes };
    container.register(sectorMapToken, { useValue: sectorMap });
    container.register(sectorTrackerToken, {
      useFactory: instanceCachingFactory((c) => new SectorTracker(c.resolve(transactorToken), sectorMap, rules, { minResolved: options.minResolved, clock: c.resolve(clockToken) })),
    });
    const criteria = { sectorMap, rules, minSectorSamples: options.minSectorSamples, minCrashSamples: options.minCrashSamples, crashRegime: options.crashRegime };
    container.register(gateCriterionToken, { useValue: minSectorAccuracyCriterion(criteria) });
    container.register(stressHistoryToken, { useFactory: instanceCachingFactory((c) => new StressHistory(c.resolve(transactorToken), options.crashRegime)) });
    container.register(gateCriterionToken, { useValue: crashAccuracyCriterion({ ...criteria, stress: () => container.resolve(stressHistoryToken), insufficientCrashEvidence: options.insufficientCrashEvidence }) });
  },
  async start({ container }) {
    await container.resolve(sectorTrackerToken).start();
  },
  hooks: {
    observe: (records, ctx) => ctx.container.resolve(sectorTrackerToken).observeInTx(records, ctx),
    resolve: (records, ctx) => ctx.container.resolve(sectorTrackerToken).resolveInTx(records, ctx),
  },
});
