import {
  type AnyPlugin,
  type Clock,
  type InstalledPlugin,
  type Logger,
  type NormalizedConfig,
  type Outcome,
  type RetentionPolicy,
  type PredictionInput,
  type PredictionRecord,
  type ResolvedPrediction,
  VigilError,
  type VigilConfigInput,
  clockToken,
  configToken,
  containerToken,
  createLogger,
  dataSourceToken,
  describeValue,
  eventBusToken,
  TransactionalEventBus,
  installedPluginsToken,
  isVigilError,
  LiveModels,
  liveModelsToken,
  loggerToken,
  normalizeConfig,
  predictionLogToken,
  systemClock,
  transactorToken,
  validateOutcomes,
  validatePredictions,
} from '@vigil/core';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';
import type { DataSource } from 'typeorm';
import { type InitializedPlugin, PluginRuntime, type ViewManifest } from './PluginRuntime.js';
import { PredictionLogService } from './PredictionLogService.js';
import { SerialTransactor } from './SerialTransactor.js';
import { type PruneResult, prunePredictions } from './prunePredictions.js';
import { openDataSource } from './openDataSource.js';
import {
  type PredictionRow,
  insertPredictions,
  loadPredictions,
  markResolved,
  rowToRecord,
  sameRecord,
} from './predictionLog.js';

export interface HostOptions {
  /** Written config (validated here) or config already normalized by `normalizeConfig`. */
  readonly config: VigilConfigInput | NormalizedConfig;
  /** Every installed plugin; config decides which are enabled. */
  readonly plugins: readonly AnyPlugin[];
  /** Parent container; the host builds on a child of it (default: tsyringe's root). */
  readonly container?: DependencyContainer;
  readonly logger?: Logger;
  readonly clock?: Clock;
}

export type HostState = 'created' | 'starting' | 'started' | 'stopping' | 'stopped' | 'failed';

export interface ObserveResult {
  /** Newly logged predictions. */
  readonly accepted: number;
  /** Predictions already logged with identical content (a retried batch): no-ops. */
  readonly duplicates: number;
}

export interface ResolveResult {
  readonly resolved: number;
  /** Outcomes already recorded with the same label: no-ops. */
  readonly unchanged: number;
}

export interface VigilHost {
  readonly container: DependencyContainer;
  readonly config: NormalizedConfig;
  /** Enabled plugins, dependencies first. */
  readonly plugins: readonly AnyPlugin[];
  /** Every installed plugin, enabled or not. */
  readonly installed: readonly AnyPlugin[];
  /** The enabled plugins with what their `init` returned (routes, views, hooks); empty before `start()`. */
  readonly initialized: readonly InitializedPlugin[];
  /** The enabled plugins' dashboard tabs; empty before `start()`. */
  views(): ViewManifest[];
  readonly logger: Logger;
  readonly state: HostState;
  /** The data source; throws before `start()`. */
  readonly dataSource: DataSource;
  start(): Promise<void>;
  stop(): Promise<void>;
  observe(records: PredictionInput | readonly PredictionInput[]): Promise<ObserveResult>;
  resolve(outcomes: Outcome | readonly Outcome[]): Promise<ResolveResult>;
  /**
   * Applies the retention policy (default: the config's `retention`) to the raw prediction log,
   * in one transaction; `dryRun` only counts. See prunePredictions for what is kept.
   */
  prune(policy?: RetentionPolicy, options?: { readonly dryRun?: boolean }): Promise<PruneResult>;
  /** One logged prediction with its outcome, if any. */
  getPrediction(
    id: string,
  ): Promise<(PredictionRecord & { actualLabel: number | null; resolvedAt: string | null }) | undefined>;
}

const isNormalized = (c: VigilConfigInput | NormalizedConfig): c is NormalizedConfig =>
  Array.isArray((c as NormalizedConfig).order) && typeof (c as NormalizedConfig).database === 'object';

const isUniqueViolation = (e: unknown): boolean => {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || /SQLITE_CONSTRAINT|UNIQUE constraint failed/.test(String(err?.message ?? ''));
};

/**
 * Builds a host: validates config and orders the enabled plugins by `dependsOn`. `start()` opens
 * ONE data source over every enabled plugin's entities, runs the migrations, binds the core
 * services, then `init`s and starts the plugins in order (see PluginRuntime). It installs no signal handlers and never exits the
 * process: the trading service that embeds it owns the process.
 */
export function createHost(options: HostOptions): VigilHost {
  const config = isNormalized(options.config) ? options.config : normalizeConfig(options.config, options.plugins);
  const logger = options.logger ?? createLogger(config.log.level);
  const clock = options.clock ?? systemClock;
  const byId = new Map(options.plugins.map((p) => [p.id, p]));
  const plugins = config.order.map((id) => byId.get(id) as AnyPlugin);
  const container = (options.container ?? rootContainer).createChildContainer();

  const installed: InstalledPlugin[] = options.plugins.map((p) => ({
    id: p.id,
    enabled: config.order.includes(p.id),
    criterionIds: [...(p.criterionIds ?? [])],
  }));
  const bindBase = (): void => {
    container.register(configToken, { useValue: config });
    container.register(loggerToken, { useValue: logger });
    container.register(clockToken, { useValue: clock });
    container.register(containerToken, { useValue: container });
    container.register(installedPluginsToken, { useValue: installed });
    container.register(eventBusToken, { useValue: new TransactionalEventBus() });
    // which model is live: the gate registers its source in init; without one every model is live
    container.register(liveModelsToken, { useValue: new LiveModels() });
  };
  bindBase();
  let runtime = new PluginRuntime(container, plugins, config, logger);

  let state: HostState = 'created';
  let ds: DataSource | undefined;
  let transactor: SerialTransactor | undefined;

  const requireStarted = (what: string): SerialTransactor => {
    if (state !== 'started' || !transactor)
      throw new VigilError('VIGIL_HOST_STATE', `cannot ${what}: the host is ${state}; call start() first`);
    return transactor;
  };

  async function teardown(): Promise<unknown[]> {
    const errors = await runtime.stop();
    runtime = new PluginRuntime(container, plugins, config, logger);
    // a restart binds everything afresh (plugin services and criteria are re-created by init)
    container.reset();
    bindBase();
    if (ds?.isInitialized) await ds.destroy().catch((e: unknown) => errors.push(e));
    ds = undefined;
    transactor = undefined;
    return errors;
  }

  const host: VigilHost = {
    container,
    config,
    plugins,
    installed: options.plugins,
    logger,
    get initialized() {
      return runtime.initialized;
    },
    views: () => runtime.views(),
    get state() {
      return state;
    },
    get dataSource(): DataSource {
      if (!ds?.isInitialized)
        throw new VigilError('VIGIL_HOST_STATE', `the data source is not open: the host is ${state}`);
      return ds;
    },

    async start() {
      if (state === 'started') return;
      if (state === 'starting' || state === 'stopping')
        throw new VigilError('VIGIL_HOST_STATE', `cannot start while ${state}`);
      state = 'starting';
      try {
        ds = (await openDataSource(config, plugins, logger)).ds;
        transactor = new SerialTransactor(ds, logger);
        // Core services are bound before any plugin's init, so plugins get them as plain values.
        container.register(dataSourceToken, { useValue: ds });
        container.register(transactorToken, { useValue: transactor });
        container.register(predictionLogToken, { useValue: new PredictionLogService(ds) });
        await runtime.init();
        await runtime.start();
        state = 'started';
        logger.info('vigil host started', { plugins: plugins.map((p) => p.id), database: config.database.type });
      } catch (e) {
        state = 'failed';
        const errors = await teardown();
        for (const err of errors) logger.error('cleanup after failed start', { error: String(err) });
        throw e;
      }
    },

    async stop() {
      if (state !== 'started' && state !== 'failed') return;
      state = 'stopping';
      // Let queued writes finish before the data source closes.
      await transactor?.run(async () => undefined).catch(() => undefined);
      const errors = await teardown();
      state = 'stopped';
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) {
        throw new VigilError(
          'VIGIL_PLUGIN_STOP_FAILED',
          `${errors.length} plugins failed to stop:\n${errors.map((e) => `  ${(e as Error).message}`).join('\n')}`,
          { details: { errors } },
        );
      }
    },

    async observe(input) {
      const tx = requireStarted('observe');
      const records = validatePredictions(input, config);
      if (records.length === 0) return { accepted: 0, duplicates: 0 };
      const write = (batch: readonly PredictionRecord[]) =>
        tx.run(async (t) => {
          await insertPredictions(t.manager, batch, clock.now().toISOString());
          await runtime.runHooks('observe', batch, t);
        });
      try {
        await write(records);
        return { accepted: records.length, duplicates: 0 };
      } catch (e) {
        if (isVigilError(e) || !isUniqueViolation(e)) throw e;
      }
      // Some ids are logged already: identical records are a retried batch (no-op); others are an error.
      const existing = new Map(
        (
          await loadPredictions(
            host.dataSource.manager,
            records.map((r) => r.id),
          )
        ).map((r) => [r.id, r]),
      );
      const fresh: PredictionRecord[] = [];
      records.forEach((r, i) => {
        const row = existing.get(r.id);
        if (!row) fresh.push(r);
        else if (!sameRecord(row, r)) {
          throw new VigilError(
            'VIGIL_DUPLICATE_PREDICTION',
            `records[${i}].id: prediction ${describeValue(r.id)} is already logged with different content; nothing was written`,
            {
              issues: [{ path: `records[${i}].id`, message: 'already logged with different content', value: r.id }],
            },
          );
        }
      });
      if (fresh.length) await write(fresh);
      return { accepted: fresh.length, duplicates: records.length - fresh.length };
    },

    async resolve(input) {
      const tx = requireStarted('resolve');
      const outcomes = validateOutcomes(input, config);
      if (outcomes.length === 0) return { resolved: 0, unchanged: 0 };
      const now = clock.now().toISOString();
      return tx.run(async (t) => {
        const rows = new Map(
          (
            await loadPredictions(
              t.manager,
              outcomes.map((o) => o.id),
            )
          ).map((r) => [r.id, r]),
        );
        const unknown = outcomes.filter((o) => !rows.has(o.id)).map((o) => o.id);
        if (unknown.length) {
          throw new VigilError(
            'VIGIL_UNKNOWN_PREDICTION',
            `${unknown.length} outcome(s) name predictions that were never observed: ${unknown
              .slice(0, 5)
              .map((id) => describeValue(id))
              .join(', ')}${unknown.length > 5 ? ', ...' : ''}; nothing was written`,
            {
              issues: unknown.map((id) => ({ path: 'outcomes.id', message: 'no such prediction', value: id })),
            },
          );
        }
        const resolved: ResolvedPrediction[] = [];
        let unchanged = 0;
        for (const o of outcomes) {
          const row = rows.get(o.id) as PredictionRow;
          if (row.actual_label !== null && row.actual_label !== undefined) {
            if (Number(row.actual_label) === o.actualLabel) {
              unchanged++;
              continue;
            }
            throw new VigilError(
              'VIGIL_CONFLICTING_OUTCOME',
              `prediction ${describeValue(o.id)} was already resolved with label ${row.actual_label}, not ${o.actualLabel}; nothing was written`,
              {
                issues: [
                  {
                    path: 'outcomes.actualLabel',
                    message: `already resolved with ${row.actual_label}`,
                    value: o.actualLabel,
                  },
                ],
              },
            );
          }
          const rec = rowToRecord(row);
          resolved.push({
            ...rec,
            actualLabel: o.actualLabel,
            resolvedAt: o.resolvedAt ?? now,
            correct: rec.predictedLabel === o.actualLabel,
          });
        }
        if (resolved.length) {
          await markResolved(t.manager, resolved);
          await runtime.runHooks('resolve', resolved, t);
        }
        return { resolved: resolved.length, unchanged };
      });
    },

    async prune(policy, options) {
      const tx = requireStarted('prune');
      return tx.run((t) =>
        prunePredictions(t.manager, policy ?? config.retention, clock.now(), options?.dryRun ?? false),
      );
    },

    async getPrediction(id) {
      requireStarted('read predictions');
      const p = await container.resolve(predictionLogToken).byId(id);
      if (!p) return undefined;
      const { observedAt: _, ...rest } = p;
      return rest;
    },
  };
  return host;
}
