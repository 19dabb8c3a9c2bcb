import { definePlugin, gateCriterionToken } from '@vigil/core';
import { instanceCachingFactory } from 'tsyringe';
import { ModelPromotionGate } from './ModelPromotionGate.js';
import { gateOptionsSchema } from './config.js';
import { GatePromotionHistory1700000004000 } from './migrations/GatePromotionHistory1700000004000.js';
import { ModelPromotionHistoryEntity } from './entities/ModelPromotionHistory.js';
import { overallAccuracyCriterion } from './overallAccuracy.js';
import { reconcileAtStart } from './reconcileAtStart.js';
import { highConvictionHitRateCriterion, informationCoefficientCriterion, turnoverCriterion } from './tradingCriteria.js';
import { gateToken } from './tokens.js';

/** The model promotion gate (spec Module 10). */
export const gatePlugin = definePlugin({
  id: 'gate',
  description: 'model promotion gate: every required criterion must pass; atomic promotion; hash-chained history',
  options: gateOptionsSchema,
  entities: [ModelPromotionHistoryEntity],
  migrations: [GatePromotionHistory1700000004000],
  register({ container, options, config, logger }) {
    const cwd = process.cwd();
    container.register(gateCriterionToken, { useValue: overallAccuracyCriterion(options.minSamples) });
    const trading = { ...options.trading, labels: config.labels };
    if (options.trading.enabled) for (const c of [informationCoefficientCriterion(trading), highConvictionHitRateCriterion(trading), turnoverCriterion(trading)]) container.register(gateCriterionToken, { useValue: c });
    container.register(gateToken, { useFactory: instanceCachingFactory((c) => new ModelPromotionGate({ container: c, options, config, logger, cwd })) });
  },
  async start({ container, logger }) {
    const report = await container.resolve(gateToken).verifyHistory();
    if (!report.ok) logger.error('model_promotion_history hash chain is broken', { firstBadId: report.firstBadId, reason: report.reason });
    await reconcileAtStart(container.resolve(gateToken), logger);
  },
});
