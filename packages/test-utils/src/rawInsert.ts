import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { PredictionRecord } from '@vigil/core';

const require = createRequire(import.meta.url);

interface Db {
  run(sql: string, params: unknown[], cb: (e: Error | null) => void): void;
  prepare(sql: string): { run(p: unknown[], cb: (e: Error | null) => void): void; finalize(cb: () => void): void };
  close(cb: () => void): void;
}

const COLUMNS = 'id, timestamp, symbol, regime, features_json, predicted_label, confidence, model_version, observed_at';
/**
 * The prediction log's shape, with its indexes (HostPredictionLog1700000000000,
 * HostPredictionsByModel1700000000050), so the reference does the same index work.
 */
const SCHEMA = [
  'CREATE TABLE t (id TEXT PRIMARY KEY, timestamp TEXT NOT NULL, symbol TEXT NOT NULL, regime TEXT NOT NULL, features_json TEXT NOT NULL, predicted_label INTEGER NOT NULL, confidence double precision NOT NULL, model_version TEXT NOT NULL, observed_at TEXT NOT NULL, actual_label INTEGER, resolved_at TEXT)',
  'CREATE INDEX t_observed ON t (observed_at)',
  'CREATE INDEX t_model_time ON t (model_version, timestamp)',
];
const PRAGMAS = ['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = NORMAL', 'PRAGMA cache_size = -16000'];

/**
 * The reference for observe benchmarks: the raw sqlite3 driver writing the same rows into the
 * same table shape and index with the same pragmas, one transaction per batch, best of a prepared one-row
 * statement and 2,000-row multi-row INSERTs. Returns rows per second.
 */
export async function rawSqliteInsertRate(
  records: readonly PredictionRecord[],
  batch: number,
  dir: string,
  /** Filled with the best variant's CPU time per row (every thread of the process, the driver's included), in microseconds. */
  stats?: { cpuMicrosPerRow?: number },
): Promise<number> {
  const sqlite3 = require('sqlite3') as { Database: new (path: string) => Db };
  const rates: number[] = [];
  const cpu: number[] = [];
  for (const mode of ['prepared', 'multirow'] as const) {
    const db = new sqlite3.Database(join(dir, `raw-${mode}-${batch}-${Date.now()}.db`));
    const run = (sql: string, params: unknown[] = []) =>
      new Promise<void>((res, rej) => db.run(sql, params, (e) => (e ? rej(e) : res())));
    for (const p of [...PRAGMAS, ...SCHEMA]) await run(p);
    const now = new Date().toISOString();
    const row = (r: PredictionRecord) => [
      r.id,
      r.timestamp,
      r.symbol,
      r.regime,
      JSON.stringify(r.features),
      r.predictedLabel,
      r.confidence,
      r.modelVersion,
      now,
    ];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < records.length; i += batch) {
      const chunk = records.slice(i, i + batch);
      await run('BEGIN');
      if (mode === 'prepared') {
        const st = db.prepare(`INSERT INTO t (${COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)`);
        for (const r of chunk) await new Promise<void>((res, rej) => st.run(row(r), (e) => (e ? rej(e) : res())));
        await new Promise<void>((res) => st.finalize(res));
      } else {
        for (let j = 0; j < chunk.length; j += 2000) {
          const part = chunk.slice(j, j + 2000);
          await run(
            `INSERT INTO t (${COLUMNS}) VALUES ${part.map(() => '(?,?,?,?,?,?,?,?,?)').join(',')}`,
            part.flatMap(row),
          );
        }
      }
      await run('COMMIT');
    }
    rates.push(records.length / ((performance.now() - t0) / 1000));
    const used = process.cpuUsage(c0);
    cpu.push((used.user + used.system) / records.length);
    await new Promise<void>((res) => db.close(res));
  }
  const best = rates.indexOf(Math.max(...rates));
  if (stats) stats.cpuMicrosPerRow = cpu[best];
  return rates[best] as number;
}

interface BetterDb {
  pragma(p: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): { run(...p: unknown[]): unknown };
  transaction<T extends unknown[]>(fn: (...a: T) => void): (...a: T) => void;
  close(): void;
}

/**
 * The same rows, table, index and pragmas through better-sqlite3 (synchronous, a prepared
 * one-row statement inside one transaction per batch): the fastest way Node writes SQLite.
 * Returns rows per second.
 */
export function betterSqliteInsertRate(records: readonly PredictionRecord[], batch: number, dir: string): number {
  const Database = require('better-sqlite3') as new (path: string) => BetterDb;
  const db = new Database(join(dir, `better-${batch}-${Date.now()}.db`));
  for (const p of PRAGMAS) db.pragma(p.replace('PRAGMA ', ''));
  for (const s of SCHEMA) db.exec(s);
  const st = db.prepare(`INSERT INTO t (${COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)`);
  const now = new Date().toISOString();
  const insert = db.transaction((chunk: readonly PredictionRecord[]) => {
    for (const r of chunk)
      st.run(
        r.id,
        r.timestamp,
        r.symbol,
        r.regime,
        JSON.stringify(r.features),
        r.predictedLabel,
        r.confidence,
        r.modelVersion,
        now,
      );
  });
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += batch) insert(records.slice(i, i + batch));
  const rate = records.length / ((performance.now() - t0) / 1000);
  db.close();
  return rate;
}
