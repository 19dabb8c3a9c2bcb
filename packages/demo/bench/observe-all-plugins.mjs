// Batched observe with every plugin on (drift, replay, sectors, gate), into an SQLite file,
// beside the raw sqlite3 driver's best insert rate for the same rows in the same run.
// Floor (issue 12): >= 45% of the raw driver; issue 15 aimed at 60%. Each round also times every
// plugin's observe hook (bench/hookTimer.mjs), so the report says where the time went.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { createHost } from '@vigil/host';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';
import { betterSqliteInsertRate, makePredictions, rawSqliteInsertRate, reportBench } from '@vigil/test-utils';
import { hookTimer } from './hookTimer.mjs';

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-all-'));
const total = Number(process.env.VIGIL_BENCH_RECORDS ?? 200_000);
const batch = 10_000;
// VIGIL_BENCH_SYMBOLS: the headline's panel width (records per step); default the 12 names below.
// VIGIL_BENCH_WIDTHS: the wider panels swept after it (observe only, VIGIL_BENCH_SWEEP_RECORDS records each):
// drift's per-step work is shared by a step's symbols, so its cost per record falls as panels widen.
const named = ['AAPL', 'MSFT', 'JPM', 'XOM', 'JNJ', 'GOOGL', 'PG', 'BAC', 'NEE', 'AMT', 'LIN', 'HD'];
const panel = (width) =>
  width === named.length
    ? named
    : Array.from({ length: width }, (_, i) => named[i] ?? `S${String(i).padStart(4, '0')}`);
const width = Number(process.env.VIGIL_BENCH_SYMBOLS ?? named.length);
const sweepWidths = (process.env.VIGIL_BENCH_WIDTHS ?? '100,500').split(',').filter(Boolean).map(Number);
const sweepTotal = Number(process.env.VIGIL_BENCH_SWEEP_RECORDS ?? 100_000);
const symbols = panel(width);
const records = makePredictions(total, { seed: 5, symbols });
// drift collects its baseline from a model's first baselineSteps (60) steps: observed before the timing, on the
// days just before the timed stream's, so the timed records are the steady state (no late steps, baseline set)
const warmSteps = 61;
const warmStart = new Date(Date.parse('2020-01-01T00:00:00Z') - warmSteps * 86_400_000).toISOString();

async function allPlugins(round, records, symbols, withResolve = true) {
  const timer = hookTimer();
  const host = createHost({
    config: {
      database: { type: 'sqlite', path: join(dir, `all-${round}.db`) },
      log: { level: 'silent' },
      plugins: { gate: { options: { root: dir } } },
    },
    plugins: [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin].map(timer.wrap),
  });
  await host.start();
  const warm = makePredictions(warmSteps * symbols.length, { seed: 6, symbols, idPrefix: 'warm-', start: warmStart });
  for (let i = 0; i < warm.length; i += batch) await host.observe(warm.slice(i, i + batch));
  timer.on = true;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += batch) await host.observe(records.slice(i, i + batch));
  const observeMs = performance.now() - t0;
  const used = process.cpuUsage(c0);
  timer.on = false;
  const observe = records.length / (observeMs / 1000);
  // per record, in microseconds: each plugin's observe hook, and the rest (validation, the log insert, transaction, commit)
  const perRecord = (ms) => (1000 * ms) / records.length;
  const hooks = Object.fromEntries(
    [...timer.spent].filter(([k]) => k.endsWith('.observe')).map(([k, v]) => [k.replace('.observe', ''), perRecord(v)]),
  );
  const split = {
    total: perRecord(observeMs),
    ...hooks,
    rest: perRecord(observeMs) - Object.values(hooks).reduce((a, b) => a + b, 0),
  };
  // the same split in CPU time (every thread of the process: the SQLite driver's too), which the neighbours' load inflates less
  const cpuHooks = Object.fromEntries(
    [...timer.cpu].filter(([k]) => k.endsWith('.observe')).map(([k, v]) => [k.replace('.observe', ''), perRecord(v)]),
  );
  const cpuTotal = (used.user + used.system) / records.length;
  const cpuSplit = {
    total: cpuTotal,
    ...cpuHooks,
    rest: cpuTotal - Object.values(cpuHooks).reduce((a, b) => a + b, 0),
  };
  if (!withResolve) {
    await host.stop();
    return { observe, split, cpuSplit };
  }
  const outcomes = records.map((r, i) => ({
    id: r.id,
    actualLabel: i % 3 === 0 ? 1 - r.predictedLabel : r.predictedLabel,
  }));
  const t1 = performance.now();
  for (let i = 0; i < outcomes.length; i += batch) await host.resolve(outcomes.slice(i, i + batch));
  const resolve = outcomes.length / ((performance.now() - t1) / 1000);
  await host.stop();
  return { observe, resolve, split, cpuSplit };
}

// Alternating rounds (the machine is shared: a reference measured minutes apart from the figure
// beside it would measure the neighbours), medians of the rounds.
const ROUNDS = Number(process.env.VIGIL_BENCH_ROUNDS ?? 3);
const rounds = [];
for (let k = 0; k < ROUNDS; k++) {
  const rawStats = {};
  const raw = await rawSqliteInsertRate(records, batch, dir, rawStats);
  const host = await allPlugins(k, records, symbols);
  const better = betterSqliteInsertRate(records, batch, dir);
  rounds.push({ raw, rawCpu: rawStats.cpuMicrosPerRow, better, ...host, load: loadavg()[0] });
}
// the wider panels: observe only, alternating with the raw driver the same way
const sweep = [];
for (const w of sweepWidths) {
  const ws = panel(w);
  const recs = makePredictions(sweepTotal, { seed: 5, symbols: ws });
  const rs = [];
  for (let k = 0; k < ROUNDS; k++) {
    const raw = await rawSqliteInsertRate(recs, batch, dir);
    const host = await allPlugins(`w${w}-${k}`, recs, ws, false);
    rs.push({ raw, ...host });
  }
  const order = rs.map((r) => r.observe / r.raw).sort((a, b) => a - b);
  const mid = rs.find((r) => r.observe / r.raw === order[rs.length >> 1]);
  const drift = rs.map((r) => r.cpuSplit.drift).sort((a, b) => a - b)[rs.length >> 1];
  sweep.push({ width: w, mid, order, drift });
}
const med = (f) => rounds.map(f).sort((a, b) => a - b)[rounds.length >> 1];
const raw = med((r) => r.raw);
const resolveRate = med((r) => r.resolve);
const splitKeys = Object.keys(rounds[0].split);
const split = splitKeys.map((k) => `${k} ${med((r) => r.split[k]).toFixed(1)}`).join(', ');
const cpuSplit = splitKeys.map((k) => `${k} ${med((r) => r.cpuSplit[k]).toFixed(1)}`).join(', ');
const ratios = rounds.map((r) => r.observe / r.raw);
// the headline is the round whose ratio is the median: its figure and its reference were measured side by side
/** The index of the round whose value of `f` is the median. */
const medianRound = (f) => rounds.map((r, i) => [f(r), i]).sort((a, b) => a[0] - b[0])[rounds.length >> 1][1];
const mid = medianRound((r) => r.observe / r.raw);
const midRound = rounds[mid];
const betterMid = medianRound((r) => r.observe / r.better);
const cpuRatios = rounds.map((r) => r.rawCpu / r.cpuSplit.total);
const cpuMid = medianRound((r) => r.rawCpu / r.cpuSplit.total);
const rawPerRecord = 1e6 / raw;
rmSync(dir, { recursive: true, force: true });

reportBench({
  name: 'host-observe-all-plugins',
  title: 'Observe and resolve with every plugin on (SQLite file, batches of 10,000)',
  figures: [
    {
      label: `observe, all plugins (${total.toLocaleString('en-US')} records, 20 features, ${symbols.length} symbols per step), the median round by ratio of ${ROUNDS} alternating rounds`,
      value: midRound.observe,
      unit: 'records/s',
      reference: midRound.raw,
      referenceLabel: 'raw sqlite3 insert, same rows, table and index, same round',
      better: 'higher',
      target: ">= 45% of raw (#12's floor; #15 aimed at 60%)",
      met: midRound.observe >= 0.45 * midRound.raw,
    },
    {
      label: 'observe, all plugins, per CPU-second (every thread of the process), the median round by ratio',
      value: 1e6 / rounds[cpuMid].cpuSplit.total,
      unit: 'records/CPU-s',
      reference: 1e6 / rounds[cpuMid].rawCpu,
      referenceLabel: "raw sqlite3 insert's best variant, same round",
      better: 'higher',
    },
    {
      label: 'observe, all plugins, against better-sqlite3, the median round by ratio',
      value: rounds[betterMid].observe,
      unit: 'records/s',
      reference: rounds[betterMid].better,
      referenceLabel: 'better-sqlite3 prepared insert in a transaction, same rows, table and index, same round',
      better: 'higher',
    },
    ...sweep.map(({ width: w, mid, order }) => ({
      label: `observe, all plugins (${sweepTotal.toLocaleString('en-US')} records, 20 features, ${w} symbols per step), the median round by ratio of ${ROUNDS} alternating rounds (spread ${(100 * order[0]).toFixed(0)}-${(100 * order.at(-1)).toFixed(0)}%)`,
      value: mid.observe,
      unit: 'records/s',
      reference: mid.raw,
      referenceLabel: 'raw sqlite3 insert, same rows, table and index, same round',
      better: 'higher',
      target: ">= 45% of raw (#12's floor)",
      met: mid.observe >= 0.45 * mid.raw,
    })),
    { label: 'resolve, all plugins (one in three wrong, so replay captures)', value: resolveRate, unit: 'outcomes/s' },
  ],
  notes: [
    'One transaction per batch: the prediction log, sector_performance rows, drift windows/CUSUM and (on resolve) replay-buffer candidates commit together.',
    `Rounds (observe / raw sqlite3 / better-sqlite3 records/s, 1-minute load average at the round's end): ${rounds.map((r) => `${Math.round(r.observe)} / ${Math.round(r.raw)} / ${Math.round(r.better)} (load ${r.load.toFixed(1)})`).join('; ')}. Ratio to raw sqlite3 per round: ${ratios.map((x) => `${(100 * x).toFixed(0)}%`).join(', ')} (spread ${(100 * Math.min(...ratios)).toFixed(0)}-${(100 * Math.max(...ratios)).toFixed(0)}%); in CPU time per record (raw / observe): ${cpuRatios.map((x) => `${(100 * x).toFixed(0)}%`).join(', ')}. Wall rates fall with the neighbours' load (two cores shared); CPU time is much less affected by it, and leaves out waits for the disk.`,
    `Where observe's time went (wall microseconds per record, medians of the rounds; each plugin's observe hook timed around its call, the rest by difference: validation, the prediction-log insert, transaction and commit): ${split}; the raw sqlite3 insert took ${rawPerRecord.toFixed(1)}. The same in CPU microseconds per record (every thread of the process, the SQLite driver's included): ${cpuSplit}. \`node bench/observe-breakdown.mjs\` times validation apart and runs on PostgreSQL too.`,
    ...(sweep.length
      ? [
          `Panel width: drift's per-step work (the CUSUMs' reference, the window checks) is shared by a step's symbols; drift's hook took ${sweep.map((x) => `${x.drift.toFixed(1)} CPU µs per record at ${x.width} symbols per step`).join(', ')} (medians of the rounds), against ${med((r) => r.cpuSplit.drift).toFixed(1)} at ${symbols.length}.`,
        ]
      : []),
  ],
});
