import { type ResolvedPrediction, clockToken, dataSourceToken, definePlugin, gateCriterionToken, transactorToken } from '@vigil/core';
import { instanceCachingFactory } from 'tsyringe';
import { ErrorReplayBuffer } from './ErrorReplayBuffer.js';
import { replayOptionsSchema } from './config.js';
import { errorReplayEntity } from './entities/ErrorReplayRow.js';
import { replayMetaEntity } from './entities/ReplayMetaRow.js';
import { toErrorInput } from './toErrorInput.js';
import { ReplayInit1700000002000 } from './migrations/ReplayInit1700000002000.js';
import { replayImprovementCriterion } from './replayImprovementCriterion.js';
import { errorReplayBufferToken, replayOptionsToken } from './tokens.js';

/** Error replay buffer (spec Module 8): keeps the worst errors, replays them by priority. */
export const replayPlugin = definePlugin({
  id: 'replay',
  description: 'Keeps the top-N worst prediction errors and replays them by priority for retraining.',
  options: replayOptionsSchema,
  entities: [errorReplayEntity, replayMetaEntity],
  migrations: [ReplayInit1700000002000],
  register({ container, options, config }) {
    container.register(replayOptionsToken, { useValue: options });
    container.register(errorReplayBufferToken, {
      useFactory: instanceCachingFactory(
        (c) =>
          new ErrorReplayBuffer(
            { dataSource: c.resolve(dataSourceToken), transactor: c.resolve(transactorToken), clock: c.resolve(clockToken) },
            { ...options, labels: config.labels },
          ),
      ),
    });
    container.register(gateCriterionToken, { useValue: replayImprovementCriterion({ ...options, labels: config.labels }) });
  },
  async start({ container }) {
    await container.resolve(errorReplayBufferToken).load();
  },
  hooks: {
    async observe(records, ctx) {
      if (!ctx.container.resolve(replayOptionsToken).captureResolved) return;
      await ctx.container.resolve(errorReplayBufferToken).checkFeatures(ctx, records.map((r) => r.features));
    },
    async resolve(records: readonly ResolvedPrediction[], ctx) {
      if (!ctx.container.resolve(replayOptionsToken).captureResolved) return;
      const buffer = ctx.container.resolve(errorReplayBufferToken);
      const wrong = records.filter((r) => !r.correct);
      if (wrong.length === 0) return;
      const { errors, layout } = buffer.validate(wrong.map(toErrorInput), 'records');
      await buffer.writeErrors(ctx, errors, layout);
    },
  },
});
