// Observe throughput into an SQLite file with a no-op plugin, in batches of 1, 100 and 10,000,
// beside the raw sqlite3 driver's best insert rate for the same rows in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePlugin } from '@vigil/core';
import { createHost } from '@vigil/host';
import { makePredictions, rawSqliteInsertRate, reportBench } from '@vigil/test-utils';

const noop = definePlugin({
  id: 'noop',
  deps: {},
  init: () => ({ hooks: { async observe() {}, async resolve() {} } }),
});
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));

async function hostRate(records, batch) {
  const host = createHost({
    config: { database: { type: 'sqlite', path: join(dir, `host-${batch}.db`) }, log: { level: 'silent' } },
    plugins: [noop],
  });
  await host.start();
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += batch) await host.observe(records.slice(i, i + batch));
  const secs = (performance.now() - t0) / 1000;
  await host.stop();
  return records.length / secs;
}

const figures = [];
for (const { batch, total } of [
  { batch: 1, total: 3_000 },
  { batch: 100, total: 50_000 },
  { batch: 10_000, total: 200_000 },
]) {
  const records = makePredictions(total, { seed: 11, idPrefix: `b${batch}-` });
  const raw = await rawSqliteInsertRate(records, batch, dir);
  figures.push({
    label: `observe, batches of ${batch.toLocaleString('en-US')} (${total.toLocaleString('en-US')} records, 20 features)`,
    value: await hostRate(records, batch),
    unit: 'records/s',
    reference: raw,
    referenceLabel: 'raw sqlite3 (best of prepared / multi-row), same batches',
    better: 'higher',
  });
}
rmSync(dir, { recursive: true, force: true });
reportBench({
  name: 'host-observe',
  title: 'Host observe throughput (SQLite file, WAL, no-op plugin)',
  figures,
  notes: [
    'Each host batch is one transaction: validation, the prediction log insert and every plugin hook. The raw driver writes the same rows into the same table shape with the same pragmas.',
  ],
});
