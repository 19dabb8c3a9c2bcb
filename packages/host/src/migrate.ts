import { type AnyPlugin, type Logger, type VigilConfigInput, createLogger, normalizeConfig } from '@vigil/core';
import { openDataSource } from './openDataSource.js';

export interface MigrateOptions {
  readonly config: VigilConfigInput;
  readonly plugins: readonly AnyPlugin[];
  readonly logger?: Logger;
}

/**
 * Brings a database up to date for the enabled plugins without starting them: the spec's
 * `upgrade_to_phase2_schema`. Idempotent; returns the names of the migrations it applied.
 */
export async function migrateDatabase(o: MigrateOptions): Promise<string[]> {
  const config = normalizeConfig(o.config, o.plugins);
  const byId = new Map(o.plugins.map((p) => [p.id, p]));
  const plugins = config.order.map((id) => byId.get(id) as AnyPlugin);
  const { ds, applied } = await openDataSource(config, plugins, o.logger ?? createLogger(config.log.level));
  await ds.destroy();
  return applied;
}
