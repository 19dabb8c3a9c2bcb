import { defineToken } from '@vigil/core';
import type { ModelPromotionGate } from './ModelPromotionGate.js';
import type { ShadowRecords } from './ShadowRecords.js';
import type { PromotionSteps } from './installModel.js';

/** The promotion gate service. */
export const gateToken = defineToken<ModelPromotionGate>('gate.service');

/** Optional: hooks into a promotion's steps (tests simulate a crash between copy and rename with it). */
export const gatePromotionStepsToken = defineToken<PromotionSteps>('gate.promotionSteps');

/** The shadow record: challengers observed on live traffic against the champion. */
export const shadowRecordsToken = defineToken<ShadowRecords>('gate.shadows');
