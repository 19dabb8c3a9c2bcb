import { existsSync } from 'node:fs';
import { type Logger, isVigilError } from '@vigil/core';
import type { ModelPromotionGate } from './ModelPromotionGate.js';

/**
 * Start-up recovery: records a promotion a killed process completed on disk but not in the
 * history. Skipped when there is no models directory yet (never create one as a side effect)
 * or another process holds the promotion lock (its holder, or the next one, reconciles).
 * A failure is logged, not thrown: monitoring must start even if the models disk is unwell.
 */
export async function reconcileAtStart(gate: ModelPromotionGate, logger: Logger): Promise<void> {
  if (!existsSync(gate.paths.modelsDir)) return;
  try {
    await gate.reconcileProduction();
  } catch (e) {
    if (isVigilError(e, 'VIGIL_CONFLICT'))
      logger.debug('promotion lock held elsewhere; production reconciled by its holder or the next promotion');
    else logger.error('could not reconcile the production model with the history', { error: String(e) });
  }
}
