import { existsSync } from 'node:fs';
import { type AnyPlugin, type VigilConfigInput, loadConfigFile } from '@vigil/core';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { type VigilHost, createHost } from '@vigil/host';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';

/** The first-party plugins every `vigil` command installs; config enables or disables each. */
export const firstPartyPlugins: readonly AnyPlugin[] = [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin];

export interface GlobalOptions {
  readonly config?: string;
  readonly db?: string;
  readonly json?: boolean;
  readonly logLevel?: string;
}

const DEFAULT_FILES = ['vigil.yaml', 'vigil.yml', 'vigil.json'];

/** Config from `--config`, else ./vigil.yaml|yml|json if present, else defaults; `--db` overrides the database. */
export function loadCliConfig(g: GlobalOptions): VigilConfigInput {
  const file = g.config ?? DEFAULT_FILES.find((f) => existsSync(f));
  const config: VigilConfigInput = file ? loadConfigFile(file) : {};
  const db = g.db
    ? /^postgres(ql)?:\/\//.test(g.db)
      ? { type: 'postgres' as const, url: g.db }
      : { type: 'sqlite' as const, path: g.db }
    : config.database;
  const level = (g.logLevel ?? config.log?.level ?? 'warn') as 'warn';
  return { ...config, ...(db ? { database: db } : {}), log: { level } };
}

/** Starts a host over the configured database, runs `fn`, and always stops it. */
export async function withHost<T>(g: GlobalOptions, fn: (host: VigilHost) => Promise<T>, plugins: readonly AnyPlugin[] = firstPartyPlugins): Promise<T> {
  const host = createHost({ config: loadCliConfig(g), plugins });
  await host.start();
  try {
    return await fn(host);
  } finally {
    await host.stop();
  }
}
