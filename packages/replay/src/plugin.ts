import { clockToken, configToken, dataSourceToken, definePlugin, transactorToken } from '@vigil/core';
import { ErrorReplayBuffer } from './ErrorReplayBuffer.js';
import { replayCommands } from './commands.js';
import { replayOptionsSchema } from './config.js';
import { errorReplayEntity } from './entities/ErrorReplayRow.js';
import { replayMetaEntity } from './entities/ReplayMetaRow.js';
import { ReplayInit1700000002000 } from './migrations/ReplayInit1700000002000.js';
import { ReplayModels1700000002100 } from './migrations/ReplayModels1700000002100.js';
import { replayRoutes } from './replayRoutes.js';
import { REPLAY_IMPROVEMENT_CRITERION, replayImprovementCriterion } from './replayImprovementCriterion.js';
import { replayMetrics } from './replayMetrics.js';
import { toErrorInput } from './toErrorInput.js';
import { errorReplayBufferToken, replayOptionsToken } from './tokens.js';
import { replayView } from './view.js';
import { replayReportSections } from './replayReportSection.js';

/** Error replay buffer (spec Module 8): keeps the worst errors, replays them by priority. */
export const replayPlugin = definePlugin({
  id: 'replay',
  description: 'Keeps the top-N worst prediction errors and replays them by priority for retraining.',
  options: replayOptionsSchema,
  entities: [errorReplayEntity, replayMetaEntity],
  migrations: [ReplayInit1700000002000, ReplayModels1700000002100],
  criterionIds: [REPLAY_IMPROVEMENT_CRITERION],
  deps: {
    dataSource: dataSourceToken,
    transactor: transactorToken,
    clock: clockToken,
    config: configToken,
  },
  init({ dataSource, transactor, clock, config }, options) {
    const buffer = new ErrorReplayBuffer({ dataSource, transactor, clock }, { ...options, labels: config.labels });
    return {
      provides: [
        [errorReplayBufferToken, buffer],
        [replayOptionsToken, options],
      ],
      criteria: [replayImprovementCriterion(buffer, { ...options, labels: config.labels })],
      metrics: replayMetrics(buffer),
      start: () => buffer.load(),
      routes: replayRoutes(buffer),
      report: (query) => replayReportSections(buffer, query),
      view: replayView,
      hooks: options.captureResolved
        ? {
            observe: (records, ctx) =>
              buffer.checkFeatures(
                ctx,
                records.map((r) => r.features),
              ),
            async resolve(records, ctx) {
              const wrong = records.filter((r) => !r.correct);
              if (wrong.length === 0) return;
              const { errors, layout } = buffer.validate(wrong.map(toErrorInput), 'records');
              await buffer.writeErrors(ctx, errors, layout);
            },
          }
        : {},
    };
  },
  // `vigil replay stats|export`: declared statically, so `vigil replay --help` needs no database
  commands: replayCommands,
});
