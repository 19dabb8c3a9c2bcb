import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { DependencyContainer } from 'tsyringe';
import type { EntitySchema, MixedList } from 'typeorm';
import type { NormalizedConfig } from './config.js';
import { VigilError } from './errors.js';
import type { Logger } from './logger.js';
import type { PredictionRecord, ResolvedPrediction } from './records.js';
import type { TxContext } from './transactor.js';

/**
 * A plugin's option schema: any Standard Schema (zod, valibot, arktype...). It must validate
 * synchronously, since config is checked before anything starts; its output is the normalized
 * options (defaults applied).
 */
export type OptionsSchema<O> = StandardSchemaV1<unknown, O>;

// biome-ignore lint/complexity/noBannedTypes: TypeORM takes migration classes by constructor.
export type MigrationClass = Function;
// biome-ignore lint/suspicious/noExplicitAny: entity schemas vary in their row type.
export type EntityDefinition = EntitySchema<any>;

export interface RegisterContext<O> {
  /** The host's child container: bind this plugin's tokens and contribute criteria here. */
  readonly container: DependencyContainer;
  readonly options: O;
  readonly config: NormalizedConfig;
  readonly logger: Logger;
}

export interface StartContext {
  readonly container: DependencyContainer;
  readonly logger: Logger;
}

/** What a hook gets: the batch's transaction, the container and a logger. */
export interface HookContext extends TxContext {
  readonly container: DependencyContainer;
  readonly logger: Logger;
}

export interface PluginHooks {
  /** New predictions, inside the transaction that logs them. Throwing rolls the batch back. */
  observe?(records: readonly PredictionRecord[], ctx: HookContext): Promise<void>;
  /** Predictions joined with their outcomes, inside the transaction that records them. */
  resolve?(records: readonly ResolvedPrediction[], ctx: HookContext): Promise<void>;
}

export interface MonitorPlugin<O = unknown> {
  /** kebab-case, unique. */
  readonly id: string;
  readonly description?: string;
  readonly dependsOn?: readonly string[];
  readonly options?: OptionsSchema<O>;
  readonly entities?: MixedList<EntityDefinition>;
  readonly migrations?: readonly MigrationClass[];
  /** Sync: bind tokens, contribute criteria; no I/O. */
  register(ctx: RegisterContext<O>): void;
  /** The data source is ready and migrated; called in dependency order. */
  start?(ctx: StartContext): Promise<void>;
  /** Called in reverse order; errors are collected, never stop the others. */
  stop?(): Promise<void>;
  readonly hooks?: PluginHooks;
}

// biome-ignore lint/suspicious/noExplicitAny: a list of plugins holds differing option types.
export type AnyPlugin = MonitorPlugin<any>;

const PLUGIN_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function assertPlugin(p: unknown): asserts p is AnyPlugin {
  const problems: string[] = [];
  const o = (p ?? {}) as Record<string, unknown>;
  if (typeof o.id !== 'string' || !PLUGIN_ID.test(o.id)) problems.push(`id must be kebab-case, got ${JSON.stringify(o.id)}`);
  if (typeof o.register !== 'function') problems.push('register must be a function');
  if (o.dependsOn !== undefined && !(Array.isArray(o.dependsOn) && o.dependsOn.every((d) => typeof d === 'string'))) problems.push('dependsOn must be an array of plugin ids');
  for (const k of ['start', 'stop'] as const) if (o[k] !== undefined && typeof o[k] !== 'function') problems.push(`${k} must be a function`);
  if (o.options !== undefined && typeof (o.options as { '~standard'?: unknown })['~standard'] !== 'object') problems.push('options must be a Standard Schema (e.g. a zod schema)');
  if (problems.length) throw new VigilError('VIGIL_INVALID_PLUGIN', `plugin ${JSON.stringify(o.id)} is invalid: ${problems.join('; ')}`);
}

/** Identity with a check, like Vite's `defineConfig`: gives type inference and fails early. */
export function definePlugin<O>(plugin: MonitorPlugin<O>): MonitorPlugin<O> {
  assertPlugin(plugin);
  return plugin;
}
