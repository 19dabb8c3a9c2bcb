import {
  type AnyPlugin,
  type GateCriterion,
  type HookContext,
  type Logger,
  type NormalizedConfig,
  type PluginInstance,
  type PluginView,
  type Token,
  type TxContext,
  VigilError,
  assertCriterion,
  gateCriterionToken,
  isVigilError,
  loggerToken,
  tokenId,
} from '@vigil/core';
import type { DependencyContainer } from 'tsyringe';

/** An enabled plugin after `init`: its definition and what it returned. */
export interface InitializedPlugin {
  readonly plugin: AnyPlugin;
  readonly instance: PluginInstance;
}

/** A dashboard tab as the server publishes it. */
export interface ViewManifest extends PluginView {
  readonly pluginId: string;
  readonly route: string;
}

const fail = (plugin: string, message: string, cause?: unknown): VigilError =>
  new VigilError('VIGIL_PLUGIN_WIRING', `plugin '${plugin}': ${message}`, {
    ...(cause ? { cause } : {}),
    details: { plugin },
  });

/**
 * The plugin lifecycle: `init` each enabled plugin in dependency order with the services it
 * declared, bind what it provides, then `start` each, and `stop` in reverse. Wiring mistakes
 * (a dependency nobody provides, a token provided twice, a criterion id registered twice, a
 * criterion that does not match the ids the plugin declared) fail here, naming the plugin.
 */
export class PluginRuntime {
  readonly #initialized: InitializedPlugin[] = [];

  constructor(
    private readonly container: DependencyContainer,
    private readonly plugins: readonly AnyPlugin[],
    private readonly config: NormalizedConfig,
    private readonly logger: Logger,
  ) {}

  get initialized(): readonly InitializedPlugin[] {
    return this.#initialized;
  }

  async init(): Promise<void> {
    const providers = new Map<Token<unknown>, string>();
    const criteria = new Map<string, string>();
    for (const p of this.plugins) {
      const log = this.logger.child({ plugin: p.id });
      const deps: Record<string, unknown> = {};
      for (const [name, token] of Object.entries(p.deps as Record<string, Token<unknown>>)) {
        if (token === loggerToken) {
          deps[name] = log;
          continue;
        }
        if (!this.container.isRegistered(token, true)) {
          throw fail(
            p.id,
            `deps.${name} asks for '${tokenId(token)}', which no core service or enabled plugin initialised before it provides; enable the plugin that provides it and list it in dependsOn`,
          );
        }
        deps[name] = this.container.resolve(token);
      }
      let instance: PluginInstance;
      try {
        instance = (await p.init(deps, this.config.plugins[p.id]?.options)) ?? {};
      } catch (cause) {
        if (isVigilError(cause) && cause.code === 'VIGIL_PLUGIN_WIRING') throw cause;
        throw new VigilError(
          'VIGIL_PLUGIN_START_FAILED',
          `plugin '${p.id}' failed to initialise: ${(cause as Error)?.message ?? cause}`,
          { cause, details: { plugin: p.id } },
        );
      }
      for (const [token, value] of instance.provides ?? []) {
        const other = providers.get(token);
        if (other !== undefined || this.container.isRegistered(token, false)) {
          throw fail(
            p.id,
            `provides '${tokenId(token)}', which ${other ? `plugin '${other}'` : 'the host'} already provides; a token has one provider`,
          );
        }
        providers.set(token, p.id);
        this.container.register(token, { useValue: value });
      }
      const ids: string[] = [];
      for (const c of instance.criteria ?? []) {
        try {
          assertCriterion(c);
        } catch (cause) {
          throw fail(p.id, (cause as Error).message, cause);
        }
        const owner = criteria.get(c.id);
        if (owner !== undefined) {
          throw new VigilError(
            'VIGIL_DUPLICATE_CRITERION',
            `plugin '${p.id}': gate criterion '${c.id}' is already registered by plugin '${owner}'; each id must be registered once (rename one, or disable one of the plugins)`,
            { details: { ids: [c.id], plugins: [owner, p.id] } },
          );
        }
        criteria.set(c.id, p.id);
        ids.push(c.id);
        this.container.register(gateCriterionToken, { useValue: c as GateCriterion });
      }
      if (p.criterionIds) {
        const declared = [...p.criterionIds].sort().join(', ');
        const given = [...ids].sort().join(', ');
        if (declared !== given)
          throw fail(
            p.id,
            `declares criterionIds [${declared}] but init returned criteria [${given}]; make them match`,
          );
      }
      this.#initialized.push({ plugin: p, instance });
    }
  }

  async start(): Promise<void> {
    for (const i of this.#initialized) {
      try {
        await i.instance.start?.();
      } catch (cause) {
        if (isVigilError(cause) && cause.code === 'VIGIL_PLUGIN_WIRING') throw cause;
        throw new VigilError(
          'VIGIL_PLUGIN_START_FAILED',
          `plugin '${i.plugin.id}' failed to start: ${(cause as Error)?.message ?? cause}`,
          { cause, details: { plugin: i.plugin.id } },
        );
      }
    }
  }

  /** Stops what started, in reverse order; returns every error (none stops the others). */
  async stop(): Promise<unknown[]> {
    const list = [...this.#initialized].reverse();
    this.#initialized.length = 0;
    const results = await Promise.allSettled(
      list.map(async ({ plugin, instance }) => {
        try {
          await instance.stop?.();
        } catch (cause) {
          throw new VigilError(
            'VIGIL_PLUGIN_STOP_FAILED',
            `plugin '${plugin.id}' failed to stop: ${(cause as Error)?.message ?? cause}`,
            { cause, details: { plugin: plugin.id } },
          );
        }
      }),
    );
    return results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  }

  /** Runs one hook of every plugin that has it, in dependency order, inside the batch's transaction. */
  async runHooks<R>(which: 'observe' | 'resolve', records: readonly R[], tx: TxContext): Promise<void> {
    for (const { plugin, instance } of this.#initialized) {
      const hook = instance.hooks?.[which] as ((records: readonly R[], ctx: HookContext) => Promise<void>) | undefined;
      if (!hook) continue;
      try {
        await hook.call(instance.hooks, records, { ...tx, logger: this.logger.child({ plugin: plugin.id }) });
      } catch (cause) {
        if (isVigilError(cause) && cause.code === 'VIGIL_INVALID_INPUT') throw cause;
        throw new VigilError(
          'VIGIL_HOOK_FAILED',
          `plugin '${plugin.id}' ${which} hook failed; the batch was rolled back: ${(cause as Error)?.message ?? cause}`,
          { cause, details: { plugin: plugin.id } },
        );
      }
    }
  }

  /** The enabled plugins' dashboard tabs, in tab order. */
  views(): ViewManifest[] {
    return this.#initialized
      .flatMap(({ plugin, instance }) =>
        instance.view ? [{ ...instance.view, pluginId: plugin.id, route: instance.view.route ?? plugin.id }] : [],
      )
      .sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
  }
}
