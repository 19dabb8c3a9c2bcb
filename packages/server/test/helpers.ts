import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';
import { webhooksPlugin } from '@vigil/webhooks';
import { type TestDatabase, type TestDatabaseHandle, type TestHost, createTestHost } from '@vigil/host/testing';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../src/index.js';

export const TOKEN = 'test-token-0123456789abcdefghij';
export const AUTH = { authorization: `Bearer ${TOKEN}` } as const;

/** Figures that pass every built-in criterion at its default threshold. */
export const GOOD_VALIDATION = {
  accuracy: 0.72,
  regimeAccuracy: { normal: 0.74, crash: 0.69 },
  sectorAccuracy: { 'Information Technology': 0.7, Energy: 0.62, Financials: 0.66 },
  driftScore: 0.05,
  replayImprovement: 0.02,
} as const;

/** The same, with crash-regime accuracy and the weakest sector below their thresholds. */
export const BAD_VALIDATION = {
  ...GOOD_VALIDATION,
  regimeAccuracy: { normal: 0.74, crash: 0.52 },
  sectorAccuracy: { Energy: 0.41 },
} as const;

export interface Served {
  readonly host: TestHost;
  readonly app: FastifyInstance;
  /** Temp root holding `models/` (the gate's modelsDir) and `outside/` (a folder the gate must never read). */
  readonly root: string;
  readonly modelsDir: string;
  close(): Promise<void>;
}

/** A started host with every first-party plugin and the server over it (not listening). */
export async function serve(
  database: TestDatabase | TestDatabaseHandle,
  o: { token?: string | null; drift?: Record<string, unknown>; root?: string } = {},
): Promise<Served> {
  const root = o.root ?? mkdtempSync(join(tmpdir(), 'vigil-server-'));
  const modelsDir = join(root, 'models');
  mkdirSync(modelsDir);
  mkdirSync(join(root, 'outside'));
  const host = await createTestHost({
    database,
    plugins: [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin, webhooksPlugin],
    config: {
      plugins: {
        gate: { options: { root, modelsDir: 'models' } },
        drift: {
          options: { baselineSteps: 10, windowSteps: 5, referenceSteps: 20, minRecords: 10, checkEvery: 1, ...o.drift },
        },
        replay: { options: { maxSize: 200 } },
      },
    },
  });
  const app = await buildServer({ host, dashboard: false, ...(o.token === null ? {} : { token: o.token ?? TOKEN }) });
  return {
    host,
    app,
    root,
    modelsDir,
    close: async () => {
      await app.close();
      await host.dispose();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export const writeModel = (s: Served, rel: string, content: string): string => {
  writeFileSync(join(s.modelsDir, rel), content);
  return `models/${rel}`;
};

/** Every table's rows, each serialised with its column types, sorted: equal dumps mean equal content. */
export async function dumpDatabase(host: TestHost): Promise<Record<string, string[]>> {
  const pg = host.config.database.type === 'postgres';
  const tables: { name: string }[] = await host.dataSource.query(
    pg
      ? `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`
      : `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1`,
  );
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows: Record<string, unknown>[] = await host.dataSource.query(`SELECT * FROM "${name.replace(/"/g, '""')}"`);
    out[name] = rows
      .map((r) =>
        JSON.stringify(Object.entries(r).map(([k, v]) => [k, typeof v, v instanceof Date ? v.toISOString() : v])),
      )
      .sort();
  }
  return out;
}

/** Every file below dir with its SHA-256 (symlinks with their target). */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(p)}`;
      else if (st.isDirectory()) walk(p, r);
      else out[r] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

export const count = async (host: TestHost, table: string): Promise<number> =>
  Number((await host.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

export const post = (
  app: FastifyInstance,
  url: string,
  payload: unknown,
  headers: Record<string, string> = AUTH,
): Promise<LightMyRequestResponse> =>
  app.inject({ method: 'POST', url, payload: payload as InjectOptions['payload'], headers });
