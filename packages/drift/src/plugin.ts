import {
  clockToken,
  dataSourceToken,
  definePlugin,
  eventBusToken,
  liveModelsToken,
  loggerToken,
  predictionLogToken,
  transactorToken,
} from '@vigil/core';
import { driftCommands } from './commands.js';
import { DriftEvents } from './DriftEvents.js';
import { DriftDistribution } from './DriftDistribution.js';
import { DriftHistory } from './DriftHistory.js';
import { DriftMonitor } from './DriftMonitor.js';
import { DriftSeries } from './DriftSeries.js';
import { driftOptionsSchema } from './config.js';
import { driftRoutes } from './driftRoutes.js';
import { driftReportSections } from './driftReportSection.js';
import { DRIFT_SCORE_CRITERION, driftScoreCriterion } from './driftScoreCriterion.js';
import { driftBaselineEntity } from './entities/DriftBaseline.js';
import { driftMonitoringEntity } from './entities/DriftMonitoring.js';
import { driftStateEntity } from './entities/DriftState.js';
import { driftStepEntity } from './entities/DriftStep.js';
import { DriftEpisodes1700000001100 } from './migrations/DriftEpisodes1700000001100.js';
import { DriftInit1700000001000 } from './migrations/DriftInit1700000001000.js';
import { driftEventsToken, driftHistoryToken, driftMonitorToken } from './tokens.js';
import { driftView } from './view.js';
import { driftMetrics } from './driftMetrics.js';
import { DRIFT_EPISODE_EVENTS } from './episodeEvents.js';

export const driftPlugin = definePlugin({
  id: 'drift',
  description: 'Per-model, per-step drift of a panel of predictions; drift episodes raise one retraining request each',
  options: driftOptionsSchema,
  entities: [driftMonitoringEntity, driftBaselineEntity, driftStateEntity, driftStepEntity],
  migrations: [DriftInit1700000001000, DriftEpisodes1700000001100],
  criterionIds: [DRIFT_SCORE_CRITERION],
  deps: {
    dataSource: dataSourceToken,
    transactor: transactorToken,
    log: predictionLogToken,
    clock: clockToken,
    logger: loggerToken,
    bus: eventBusToken,
    liveModels: liveModelsToken,
  },
  init(deps, options) {
    deps.bus.declare(...DRIFT_EPISODE_EVENTS);
    const events = new DriftEvents();
    const monitor = new DriftMonitor({ ...deps, events, options });
    const history = new DriftHistory(deps.dataSource);
    return {
      provides: [
        [driftMonitorToken, monitor],
        [driftEventsToken, events],
        [driftHistoryToken, history],
      ],
      criteria: [
        driftScoreCriterion(monitor, {
          threshold: options.driftScoreThreshold,
          minTestableShare: options.driftScoreMinTestableShare,
          targetFalseAlarmRate: options.calibration?.targetFalseAlarmRate ?? 0.01,
          maxReplays: options.calibration?.maxReplays ?? 400,
        }),
      ],
      hooks: { observe: (records, ctx) => monitor.observe(records, ctx) },
      start: () => monitor.load(),
      routes: driftRoutes(
        history,
        options,
        {
          series: new DriftSeries(deps.dataSource, options.alertThreshold),
          distribution: new DriftDistribution(deps.dataSource, deps.log, monitor),
        },
        monitor,
      ),
      metrics: driftMetrics(monitor, history, options),
      report: (query) => driftReportSections(deps.dataSource, deps.log, history, options, query),
      view: driftView,
    };
  },
  // `vigil drift ...`: declared statically, so `vigil drift --help` and `vigil drift backtest` need no database
  commands: driftCommands,
});
