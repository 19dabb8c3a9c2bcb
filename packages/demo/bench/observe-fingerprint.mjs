// A SHA-256 of every table's contents after a fixed observe/resolve workload through the real host
// with every plugin on: the check that a change to observe's hot path left behaviour alone. Run it
// before and after the change and compare (`node bench/observe-fingerprint.mjs`, VIGIL_BENCH_DB=postgres
// for a fresh schema of DATABASE_URL). The workload crosses the 2,000-row statement limit, mixes two
// models, an unknown and a lower-case symbol, a retried batch, a partly retried batch, a refused
// batch, a batch refused by a hook and one conflicting duplicate, then resolves two thirds.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { createHost } from '@vigil/host';
import { createTestDatabase } from '@vigil/host/testing';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';
import { makePredictions } from '@vigil/test-utils';

const dir = mkdtempSync(join(tmpdir(), 'vigil-fingerprint-'));
const onPostgres = process.env.VIGIL_BENCH_DB === 'postgres';
const db = await createTestDatabase(onPostgres ? 'postgres' : 'sqlite-file');
let tick = Date.parse('2026-01-05T00:00:00Z');
const clock = {
  now: () => {
    tick += 1000;
    return new Date(tick);
  },
};
const host = createHost({
  config: { database: db.config, log: { level: 'silent' }, plugins: { gate: { options: { root: dir } } } },
  plugins: [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin],
  clock,
});
await host.start();
const symbols = ['AAPL', 'MSFT', 'JPM', 'XOM', 'JNJ', 'GOOGL', 'PG', 'BAC', 'NEE', 'AMT', 'lin', 'ZZZQ'];
const a = makePredictions(9_000, { seed: 11, symbols, modelVersion: 'm1' });
const b = makePredictions(9_000, { seed: 12, symbols, modelVersion: 'm2', idPrefix: 'q' });
const mixed = a.flatMap((r, i) => [r, b[i]]);
const outcomes = [];
const tryObserve = async (recs) => {
  try {
    return JSON.stringify(await host.observe(recs));
  } catch (e) {
    return `${e.code}: ${e.message.slice(0, 200)}`;
  }
};
const log = [];
log.push(await tryObserve(makePredictions(300, { seed: 6, symbols, idPrefix: 'warm-' })));
for (let i = 0; i < 12_000; i += 4_500) log.push(await tryObserve(mixed.slice(i, i + 4_500)));
log.push(await tryObserve(mixed.slice(9_000, 12_000))); // retried batch: a no-op
log.push(await tryObserve(mixed.slice(11_000, 14_000))); // partly retried
log.push(await tryObserve([...mixed.slice(14_000, 14_010), { ...mixed[14_010], confidence: 2 }])); // refused
log.push(await tryObserve([{ ...mixed[14_000], features: { x: 1 } }])); // refused by drift's hook
log.push(await tryObserve([{ ...mixed[0], confidence: 0.5 }])); // conflicting duplicate
log.push(await tryObserve(mixed.slice(14_000)));
for (let i = 0; i < mixed.length; i++)
  if (i % 3 !== 2)
    outcomes.push({
      id: mixed[i].id,
      actualLabel: i % 5 === 0 ? 1 - mixed[i].predictedLabel : mixed[i].predictedLabel,
    });
for (let i = 0; i < outcomes.length; i += 5_000) await host.resolve(outcomes.slice(i, i + 5_000));

const m = host.dataSource.manager;
const tables = onPostgres
  ? (
      await m.query(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
      )
    ).map((r) => r.name)
  : (await m.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)).map(
      (r) => r.name,
    );
const out = {};
for (const t of tables.sort()) {
  const rows = (await m.query(`SELECT * FROM "${t}"`)).map((r) =>
    JSON.stringify(
      Object.keys(r)
        .sort()
        .map((k) => [k, typeof r[k] === 'bigint' ? String(r[k]) : r[k]]),
    ),
  );
  rows.sort();
  out[t] = `${rows.length} rows ${createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16)}`;
}
await host.stop();
await db.cleanup();
rmSync(dir, { recursive: true, force: true });
console.log(onPostgres ? 'PostgreSQL' : 'SQLite file');
for (const l of log) console.log(`  observe: ${l}`);
for (const [t, v] of Object.entries(out)) console.log(`  ${t.padEnd(34)} ${v}`);
