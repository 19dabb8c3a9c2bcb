import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from './clock.js';
import type { NormalizedConfig } from './config.js';
import type { Logger } from './logger.js';
import type { PredictionLog } from './predictionLog.js';
import type { Transactor } from './transactor.js';
import type { EventBus } from './events.js';

/** A typed injection token: `Symbol.for(id)`, ids are `<pluginId>.<name>`. */
export type Token<T> = InjectionToken<T> & symbol & { readonly __type?: T };

const TOKEN_ID = /^[a-z][a-z0-9-]*\.[A-Za-z][A-Za-z0-9_.-]*$/;

export function defineToken<T>(id: string): Token<T> {
  if (!TOKEN_ID.test(id)) {
    throw new TypeError(`token id ${JSON.stringify(id)} must look like '<pluginId>.<name>'`);
  }
  return Symbol.for(`vigil:${id}`) as Token<T>;
}

/** The id a token was defined with (`drift.monitor`), for error messages. */
export const tokenId = (t: unknown): string =>
  typeof t === 'symbol'
    ? (t.description ?? String(t)).replace(/^vigil:/, '')
    : String((t as { name?: string })?.name ?? t);

/** An installed plugin as config left it: enabled or not, and the criteria it declares. */
export interface InstalledPlugin {
  readonly id: string;
  readonly enabled: boolean;
  readonly criterionIds: readonly string[];
}

export const dataSourceToken = defineToken<DataSource>('core.dataSource');
export const configToken = defineToken<NormalizedConfig>('core.config');
export const clockToken = defineToken<Clock>('core.clock');
/** Resolved per plugin: each plugin gets a child logger tagged with its id. */
export const loggerToken = defineToken<Logger>('core.logger');
export const transactorToken = defineToken<Transactor>('core.transactor');
export const predictionLogToken = defineToken<PredictionLog>('core.predictionLog');
/** The host's child container, for a consumer that pulls a multi-registration (the gate's criteria). */
export const containerToken = defineToken<DependencyContainer>('core.container');
/** Every installed plugin, enabled or not (the gate names what a disabled plugin no longer provides). */
export const installedPluginsToken = defineToken<readonly InstalledPlugin[]>('core.installedPlugins');

/** Plugins emit events inside their write transactions; integrations (webhooks) subscribe. */
export const eventBusToken = defineToken<EventBus>('core.events');

/** The tokens the host binds before any plugin's `init`. */
export const coreTokens = {
  dataSource: dataSourceToken,
  config: configToken,
  clock: clockToken,
  logger: loggerToken,
  transactor: transactorToken,
  predictionLog: predictionLogToken,
  container: containerToken,
  installedPlugins: installedPluginsToken,
  events: eventBusToken,
} as const;
