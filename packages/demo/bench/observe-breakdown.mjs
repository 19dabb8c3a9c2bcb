// Where observe's time goes with every plugin on: one host run of the all-plugins bench's workload,
// each plugin's hook timed by wrapping it, validation timed apart, the rest (prediction-log insert,
// transaction, commit) by difference. A diagnostic beside observe-all-plugins.mjs, not a benchmark
// figure: `node bench/observe-breakdown.mjs` (VIGIL_BENCH_RECORDS, VIGIL_BENCH_SYMBOLS as there;
// VIGIL_BENCH_DB=postgres runs it on a fresh schema of DATABASE_URL instead of an SQLite file).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatePredictions } from '@vigil/core';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { createHost } from '@vigil/host';
import { createTestDatabase } from '@vigil/host/testing';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';
import { makePredictions } from '@vigil/test-utils';
import { hookTimer } from './hookTimer.mjs';

const dir = mkdtempSync(join(tmpdir(), 'vigil-breakdown-'));
const total = Number(process.env.VIGIL_BENCH_RECORDS ?? 200_000);
const batch = 10_000;
const named = ['AAPL', 'MSFT', 'JPM', 'XOM', 'JNJ', 'GOOGL', 'PG', 'BAC', 'NEE', 'AMT', 'LIN', 'HD'];
const width = Number(process.env.VIGIL_BENCH_SYMBOLS ?? named.length);
const symbols = Array.from({ length: width }, (_, i) => named[i] ?? `S${String(i).padStart(4, '0')}`);
const records = makePredictions(total, { seed: 5, symbols });

const timer = hookTimer();
const { spent, cpu: cpuSpent } = timer;
const add = (k, ms) => spent.set(k, (spent.get(k) ?? 0) + ms);
const cpuMs = (c) => (c.user + c.system) / 1000;
const onPostgres = process.env.VIGIL_BENCH_DB === 'postgres';
const pg = onPostgres ? await createTestDatabase('postgres') : undefined;
const host = createHost({
  config: {
    database: pg ? pg.config : { type: 'sqlite', path: join(dir, 'all.db') },
    log: { level: 'silent' },
    plugins: { gate: { options: { root: dir } } },
  },
  plugins: [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin].map(timer.wrap),
});
await host.start();
await host.observe(makePredictions(250, { seed: 6, symbols, idPrefix: 'warm-' }));
timer.on = true;
const perBatch = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < records.length; i += batch) {
  const chunk = records.slice(i, i + batch);
  const tv = performance.now();
  const cv = process.cpuUsage();
  validatePredictions(chunk, host.config);
  add('validate (again, apart)', performance.now() - tv);
  cpuSpent.set('validate (again, apart)', (cpuSpent.get('validate (again, apart)') ?? 0) + cpuMs(process.cpuUsage(cv)));
  const tb = performance.now();
  await host.observe(chunk);
  perBatch.push(performance.now() - tb);
}
const wall = performance.now() - t0 - (spent.get('validate (again, apart)') ?? 0);
const cpu = process.cpuUsage(cpu0);
const cpuTotal = cpuMs(cpu) - (cpuSpent.get('validate (again, apart)') ?? 0);
timer.on = false;
await host.stop();
await pg?.cleanup();
rmSync(dir, { recursive: true, force: true });
const hookKeys = [...spent.keys()].filter((k) => k.includes('.observe'));
const sum = (m) => hookKeys.reduce((s, k) => s + (m.get(k) ?? 0), 0);
const validate = 'validate (again, apart)';
const rows = [
  ['observe', wall, cpuTotal],
  ['validation', spent.get(validate) ?? 0, cpuSpent.get(validate) ?? 0],
  ...hookKeys.map((k) => [k, spent.get(k), cpuSpent.get(k)]),
  [
    'log insert + tx + commit (the rest)',
    wall - sum(spent) - (spent.get(validate) ?? 0),
    cpuTotal - sum(cpuSpent) - (cpuSpent.get(validate) ?? 0),
  ],
];
console.log(
  `${onPostgres ? 'PostgreSQL' : 'SQLite file'}, ${total} records, ${width} symbols per step, batches of ${batch}: ${Math.round(total / (wall / 1000))} records/s; load ${loadavg()[0].toFixed(1)}`,
);
// CPU counts every thread of this process (the SQLite driver's thread too; PostgreSQL's own work is in its server process, not here)
console.log(
  `  ${''.padEnd(40)} ${'wall ms'.padStart(8)} ${'%'.padStart(6)} ${'us/record'.padStart(10)} ${'CPU us/record'.padStart(14)}`,
);
for (const [k, w, c] of rows)
  console.log(
    `  ${k.padEnd(40)} ${w.toFixed(0).padStart(8)} ${((100 * w) / wall).toFixed(1).padStart(6)} ${((1000 * w) / total).toFixed(2).padStart(10)} ${((1000 * c) / total).toFixed(2).padStart(14)}`,
  );
console.log(`  batches (ms): ${perBatch.map((v) => v.toFixed(0)).join(' ')}`);
