// Observe throughput into an SQLite file with a no-op plugin, in batches of 1, 100 and 10,000,
// beside the raw sqlite3 driver's best insert rate for the same rows in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePlugin } from '@vigil/core';
import { createHost } from '@vigil/host';
import { makePredictions, reportBench } from '@vigil/test-utils';

const require = createRequire(import.meta.url);
const sqlite3 = require('sqlite3');

const noop = definePlugin({ id: 'noop', register() {}, hooks: { async observe() {}, async resolve() {} } });
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));

async function hostRate(batch, total, seed) {
  const records = makePredictions(total, { seed, idPrefix: `b${batch}-` });
  const host = createHost({ config: { database: { type: 'sqlite', path: join(dir, `host-${batch}.db`) }, log: { level: 'silent' } }, plugins: [noop] });
  await host.start();
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += batch) await host.observe(records.slice(i, i + batch));
  const secs = (performance.now() - t0) / 1000;
  await host.stop();
  return total / secs;
}

const run = (db, sql, params = []) => new Promise((res, rej) => db.run(sql, params, (e) => (e ? rej(e) : res())));

/** The raw driver, two ways (prepared one-row statement; multi-row VALUES), best of the two. */
async function rawRate(total, batch) {
  const records = makePredictions(total, { seed: 7, idPrefix: 'raw-' });
  const rates = {};
  for (const mode of ['prepared', 'multirow']) {
    const db = new sqlite3.Database(join(dir, `raw-${mode}-${batch}.db`));
    for (const p of ['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = NORMAL', 'PRAGMA cache_size = -16000']) await run(db, p);
    await run(db, 'CREATE TABLE t (id TEXT PRIMARY KEY, timestamp TEXT NOT NULL, symbol TEXT NOT NULL, regime TEXT NOT NULL, features_json TEXT NOT NULL, predicted_label INTEGER NOT NULL, confidence double precision NOT NULL, model_version TEXT NOT NULL, observed_at TEXT NOT NULL, actual_label INTEGER, resolved_at TEXT)');
    const now = new Date().toISOString();
    const row = (r) => [r.id, r.timestamp, r.symbol, r.regime, JSON.stringify(r.features), r.predictedLabel, r.confidence, r.modelVersion, now];
    const t0 = performance.now();
    for (let i = 0; i < records.length; i += batch) {
      const chunk = records.slice(i, i + batch);
      await run(db, 'BEGIN');
      if (mode === 'prepared') {
        const st = db.prepare('INSERT INTO t (id, timestamp, symbol, regime, features_json, predicted_label, confidence, model_version, observed_at) VALUES (?,?,?,?,?,?,?,?,?)');
        for (const r of chunk) await new Promise((res, rej) => st.run(row(r), (e) => (e ? rej(e) : res())));
        await new Promise((res) => st.finalize(res));
      } else {
        for (let j = 0; j < chunk.length; j += 2000) {
          const part = chunk.slice(j, j + 2000);
          await run(db, `INSERT INTO t (id, timestamp, symbol, regime, features_json, predicted_label, confidence, model_version, observed_at) VALUES ${part.map(() => '(?,?,?,?,?,?,?,?,?)').join(',')}`, part.flatMap(row));
        }
      }
      await run(db, 'COMMIT');
    }
    rates[mode] = total / ((performance.now() - t0) / 1000);
    await new Promise((res) => db.close(res));
  }
  return Math.max(rates.prepared, rates.multirow);
}

const cases = [
  { batch: 1, total: 3_000 },
  { batch: 100, total: 50_000 },
  { batch: 10_000, total: 200_000 },
];
const figures = [];
for (const c of cases) {
  const raw = await rawRate(c.total, c.batch);
  const rate = await hostRate(c.batch, c.total, 11);
  figures.push({
    label: `observe, batches of ${c.batch.toLocaleString('en-US')} (${c.total.toLocaleString('en-US')} records, 20 features)`,
    value: rate,
    unit: 'records/s',
    reference: raw,
    referenceLabel: 'raw sqlite3, best of prepared/multi-row, same batches',
    better: 'higher',
  });
}
rmSync(dir, { recursive: true, force: true });
reportBench({
  name: 'host-observe',
  title: 'Host observe throughput (SQLite file, WAL, no-op plugin)',
  figures,
  notes: ['Each host batch is one transaction: the prediction log insert plus every plugin hook. The raw driver writes the same rows into the same table shape with the same pragmas.'],
});
