import { clockToken, dataSourceToken, definePlugin, gateCriterionToken, transactorToken } from '@vigil/core';
import { DriftEvents } from './DriftEvents.js';
import { DriftMonitor } from './DriftMonitor.js';
import { driftOptionsSchema } from './config.js';
import { driftScoreCriterion } from './driftScoreCriterion.js';
import { driftBaselineEntity } from './entities/DriftBaseline.js';
import { driftMonitoringEntity } from './entities/DriftMonitoring.js';
import { DriftInit1700000001000 } from './migrations/DriftInit1700000001000.js';
import { driftEventsToken, driftMonitorToken } from './tokens.js';

export const driftPlugin = definePlugin({
  id: 'drift',
  description: 'Feature, regime and prediction drift against a persisted baseline; raises retraining requests',
  options: driftOptionsSchema,
  entities: [driftMonitoringEntity, driftBaselineEntity],
  migrations: [DriftInit1700000001000],
  register({ container, options, logger }) {
    const events = new DriftEvents();
    container.register(driftEventsToken, { useValue: events });
    const monitor = new DriftMonitor({
      dataSource: () => container.resolve(dataSourceToken),
      transactor: () => container.resolve(transactorToken),
      clock: container.resolve(clockToken),
      logger,
      events,
      options,
    });
    container.register(driftMonitorToken, { useValue: monitor });
    container.register(gateCriterionToken, { useValue: driftScoreCriterion(() => container.resolve(driftMonitorToken), options.driftScoreThreshold) });
  },
  async start({ container }) {
    await container.resolve(driftMonitorToken).load();
  },
  hooks: {
    async observe(records, ctx) {
      await ctx.container.resolve(driftMonitorToken).observe(records, ctx);
    },
  },
});
