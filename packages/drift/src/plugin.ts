import { clockToken, dataSourceToken, definePlugin, gateCriterionToken, transactorToken } from '@vigil/core';
import { DriftEvents } from './DriftEvents.js';
import { DriftMonitor } from './DriftMonitor.js';
import { driftOptionsSchema } from './config.js';
import { driftScoreCriterion } from './driftScoreCriterion.js';
import { driftBaselineEntity } from './entities/DriftBaseline.js';
import { driftMonitoringEntity } from './entities/DriftMonitoring.js';
import { driftStateEntity } from './entities/DriftState.js';
import { driftStepEntity } from './entities/DriftStep.js';
import { DriftEpisodes1700000001100 } from './migrations/DriftEpisodes1700000001100.js';
import { DriftInit1700000001000 } from './migrations/DriftInit1700000001000.js';
import { driftEventsToken, driftMonitorToken } from './tokens.js';

export const driftPlugin = definePlugin({
  id: 'drift',
  description: 'Per-model, per-step drift of a panel of predictions; drift episodes raise one retraining request each',
  options: driftOptionsSchema,
  entities: [driftMonitoringEntity, driftBaselineEntity, driftStateEntity, driftStepEntity],
  migrations: [DriftInit1700000001000, DriftEpisodes1700000001100],
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
