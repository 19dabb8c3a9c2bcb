import type { InjectionToken } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from './clock.js';
import type { NormalizedConfig } from './config.js';
import type { Logger } from './logger.js';
import type { Transactor } from './transactor.js';

/** A typed injection token: `Symbol.for(id)`, ids are `<pluginId>.<name>`. */
export type Token<T> = InjectionToken<T> & symbol & { readonly __type?: T };

const TOKEN_ID = /^[a-z][a-z0-9-]*\.[A-Za-z][A-Za-z0-9_.-]*$/;

export function defineToken<T>(id: string): Token<T> {
  if (!TOKEN_ID.test(id)) {
    throw new TypeError(`token id ${JSON.stringify(id)} must look like '<pluginId>.<name>'`);
  }
  return Symbol.for(`vigil:${id}`) as Token<T>;
}

export const dataSourceToken = defineToken<DataSource>('core.dataSource');
export const configToken = defineToken<NormalizedConfig>('core.config');
export const clockToken = defineToken<Clock>('core.clock');
export const loggerToken = defineToken<Logger>('core.logger');
export const transactorToken = defineToken<Transactor>('core.transactor');

/** The tokens the host binds before any plugin registers (the transactor and data source at start). */
export const coreTokens = {
  dataSource: dataSourceToken,
  config: configToken,
  clock: clockToken,
  logger: loggerToken,
  transactor: transactorToken,
} as const;
