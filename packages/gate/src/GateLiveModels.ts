import { type LiveModelSource, type LiveModelsAt, parseIsoDate } from '@vigil/core';
import type { DataSource, EntityManager } from 'typeorm';
import { productionChanges } from './PromotionHistory.js';
import type { ShadowRecords } from './ShadowRecords.js';

/**
 * The gate's answer to "which modelVersion is live, and which are shadows, at data time t"
 * (registered with core's `LiveModels`). Live: the `model_version` of the newest row that put a
 * model into production (promote, override, rollback) whose data time (its as-of, else when it
 * was recorded) is at or before t; null before the first, or when that row named none (rows
 * written before the column). Shadows: `gate_shadow` rows with since <= t < until.
 */
export class GateLiveModels implements LiveModelSource {
  readonly #ds: DataSource;
  readonly #shadows: ShadowRecords;

  constructor(dataSource: DataSource, shadows: ShadowRecords) {
    this.#ds = dataSource;
    this.#shadows = shadows;
  }

  async at(asOf: string, manager: EntityManager = this.#ds.manager): Promise<Omit<LiveModelsAt, 'asOf' | 'source'>> {
    const t = parseIsoDate(asOf) ?? asOf;
    let live: string | null = null;
    // in the order production changed; the newest in effect at t wins
    for (const c of await productionChanges(manager)) if (c.effective <= t) live = c.modelVersion;
    return { live, shadows: await this.#shadows.shadowsAt(t, manager) };
  }
}
