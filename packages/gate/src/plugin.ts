import {
  clockToken,
  configToken,
  containerToken,
  dataSourceToken,
  definePlugin,
  eventBusToken,
  installedPluginsToken,
  liveModelsToken,
  loggerToken,
  predictionLogToken,
  transactorToken,
} from '@vigil/core';
import { ModelPromotionGate } from './ModelPromotionGate.js';
import { checkWiring } from './checkWiring.js';
import { gateCommands } from './commands.js';
import { gateRoutes } from './gateRoutes.js';
import { gateOptionsSchema } from './config.js';
import { GatePromotionHistory1700000004000 } from './migrations/GatePromotionHistory1700000004000.js';
import { ModelPromotionHistoryEntity } from './entities/ModelPromotionHistory.js';
import { overallAccuracyCriterion } from './overallAccuracy.js';
import { reconcileAtStart } from './reconcileAtStart.js';
import { gateToken, shadowRecordsToken } from './tokens.js';
import { ShadowRecords } from './ShadowRecords.js';
import { GateLiveModels } from './GateLiveModels.js';
import { challengerCriterion } from './challengerCriterion.js';
import { ShadowRecordEntity } from './entities/ShadowRecord.js';
import { GateShadow1700000004100 } from './migrations/GateShadow1700000004100.js';
import { GateModelVersion1700000004200 } from './migrations/GateModelVersion1700000004200.js';
import { GateHistoryByModel1700000004300 } from './migrations/GateHistoryByModel1700000004300.js';
import {
  highConvictionHitRateCriterion,
  informationCoefficientCriterion,
  turnoverCriterion,
} from './tradingCriteria.js';
import { GATE_EVENTS } from './historyEvents.js';
import { gateMetrics } from './gateMetrics.js';
import { gateView } from './view.js';
import { gateReportSections } from './gateReportSection.js';

/** The model promotion gate (spec Module 10). */
export const gatePlugin = definePlugin({
  id: 'gate',
  description: 'model promotion gate: every required criterion must pass; atomic promotion; hash-chained history',
  options: gateOptionsSchema,
  entities: [ModelPromotionHistoryEntity, ShadowRecordEntity],
  migrations: [
    GatePromotionHistory1700000004000,
    GateShadow1700000004100,
    GateModelVersion1700000004200,
    GateHistoryByModel1700000004300,
  ],
  // no fixed criterionIds: the trading criteria exist only when options.trading.enabled (and a
  // disabled gate evaluates nothing, so there is nothing to name as missing)
  deps: {
    container: containerToken,
    transactor: transactorToken,
    dataSource: dataSourceToken,
    clock: clockToken,
    config: configToken,
    installed: installedPluginsToken,
    logger: loggerToken,
    events: eventBusToken,
    log: predictionLogToken,
    liveModels: liveModelsToken,
  },
  init(deps, options) {
    deps.events.declare(...GATE_EVENTS);
    const gate = new ModelPromotionGate({ ...deps, options, cwd: process.cwd() });
    const shadows = new ShadowRecords({ ...deps, paths: gate.paths });
    // which modelVersion is live at a data time, and which are shadows: drift and the views ask core's LiveModels
    deps.liveModels.register('gate', new GateLiveModels(deps.dataSource, shadows));
    const trading = { ...options.trading, labels: deps.config.labels };
    return {
      provides: [
        [gateToken, gate],
        [shadowRecordsToken, shadows],
      ],
      criteria: [
        overallAccuracyCriterion(options.minSamples),
        ...(options.challenger.enabled ? [challengerCriterion(shadows, options.challenger)] : []),
        ...(options.trading.enabled
          ? [
              informationCoefficientCriterion(trading),
              highConvictionHitRateCriterion(trading),
              turnoverCriterion(trading),
            ]
          : []),
      ],
      metrics: gateMetrics(deps.dataSource, shadows),
      routes: gateRoutes(gate, shadows),
      report: (query) => gateReportSections(gate, query),
      view: gateView,
      async start() {
        // every plugin has run init: the criteria are all registered now
        checkWiring(gate.criteria(), options, deps.installed);
        const report = await gate.verifyHistory();
        if (!report.ok)
          deps.logger.error('model_promotion_history hash chain is broken', {
            firstBadId: report.firstBadId,
            reason: report.reason,
          });
        await reconcileAtStart(gate, deps.logger);
      },
    };
  },
  // `vigil gate ...`: declared statically, so `vigil gate --help` needs no database
  commands: gateCommands,
});
