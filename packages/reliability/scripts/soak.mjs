// Soak: VIGIL_SOAK_N observations (default 1,000,000), each resolved one batch later, through a
// host with every first-party plugin on, over an SQLite file (WAL). Prints RSS (sampled and the
// kernel's peak) and throughput for the first vs the last 10%, checks the in-memory aggregates
// against the tables at the end, and writes bench-results/reliability-soak.json.
// Runs the BUILT dists: build core, host and the plugins first.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { createHost } from '@vigil/host';
import { errorReplayBufferToken, replayPlugin } from '@vigil/replay';
import { sectorTrackerToken, sectorsPlugin } from '@vigil/sectors';
import { reportBench } from '@vigil/test-utils';
import { fullConfig, makeBatch, outcomesOf } from '../test/children/workload.mjs';

const N = Number(process.env.VIGIL_SOAK_N ?? 1_000_000);
const BATCH = Number(process.env.VIGIL_SOAK_BATCH ?? 2_000);
const FEATURES = 8;
const batches = Math.ceil(N / BATCH);
const dir = mkdtempSync(join(tmpdir(), 'vigil-soak-'));
const database = { type: 'sqlite', path: join(dir, 'vigil.db'), wal: true, busyTimeoutMs: 10_000 };
const plugins = [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin];
const mb = (b) => b / 2 ** 20;

const host = createHost({ config: fullConfig(database, dir, 1000), plugins });
await host.start();
const tenth = Math.max(1, Math.floor(batches / 10));
const segments = []; // per tenth: { records, ms, rssMax }
let seg = { records: 0, ms: 0, rssMax: 0 };
let rssPeakSampled = 0;
const t0 = performance.now();
let prev;
for (let k = 0; k < batches; k++) {
  const batch = makeBatch('s', k, Math.min(BATCH, N - k * BATCH), FEATURES);
  const start = performance.now();
  await host.observe(batch);
  if (prev) await host.resolve(outcomesOf(prev));
  seg.ms += performance.now() - start;
  seg.records += batch.length;
  prev = batch;
  const rss = process.memoryUsage().rss;
  seg.rssMax = Math.max(seg.rssMax, rss);
  rssPeakSampled = Math.max(rssPeakSampled, rss);
  if ((k + 1) % tenth === 0 || k === batches - 1) {
    segments.push(seg);
    process.stdout.write(`  ${String(k * BATCH + batch.length).padStart(9)} observed | ${(seg.records / (seg.ms / 1000)).toFixed(0).padStart(6)} obs+res/s | RSS ${mb(seg.rssMax).toFixed(0)} MiB\n`);
    seg = { records: 0, ms: 0, rssMax: 0 };
  }
}
await host.resolve(outcomesOf(prev));
const totalS = (performance.now() - t0) / 1000;

// The run's end state: every row there, memory equal to the tables.
const q = async (sql) => (await host.dataSource.query(sql))[0];
const preds = await q('SELECT COUNT(*) AS n, COUNT(actual_label) AS r FROM vigil_predictions');
const tracked = await q('SELECT COUNT(*) AS n FROM sector_performance');
const cells = await host.dataSource.query('SELECT sector, regime, COUNT(*) AS t, COUNT(actual_label) AS r, SUM(CASE WHEN correct = 1 THEN 1 ELSE 0 END) AS c FROM sector_performance GROUP BY sector, regime');
const perf = host.container.resolve(sectorTrackerToken).getSectorPerformance();
const sectorsAgree = cells.every((c) => {
  const m = perf[c.sector]?.by_regime[c.regime];
  return m && m.tracked === Number(c.t) && m.total === Number(c.r) && m.correct === Number(c.c);
});
const buffer = host.container.resolve(errorReplayBufferToken);
const stored = (await host.dataSource.query('SELECT id, error_score FROM error_replay_buffer ORDER BY error_score DESC, id')).map((r) => `${r.id}:${r.error_score}`);
const ranking = buffer.ranking().sort((a, b) => b.score - a.score || a.id - b.id).map((r) => `${r.id}:${r.score}`);
const replayAgrees = stored.join() === ranking.join();
await host.stop();
const dbMiB = mb(statSync(database.path).size);
rmSync(dir, { recursive: true, force: true });

const first = segments[0];
const last = segments.at(-1);
const rate = (s) => s.records / (s.ms / 1000);
const peakKernel = process.resourceUsage().maxRSS * 1024;
const ok = Number(preds.n) === N && Number(preds.r) === N && Number(tracked.n) === N && sectorsAgree && replayAgrees;
console.log(`\nsoak: ${N.toLocaleString('en-US')} observations and resolves in ${totalS.toFixed(0)} s; rows ${preds.n}/${preds.r}/${tracked.n}; sectors ${sectorsAgree ? 'agree' : 'DISAGREE'}; replay ${replayAgrees ? 'agrees' : 'DISAGREES'}; database ${dbMiB.toFixed(0)} MiB`);
reportBench({
  name: 'reliability-soak',
  title: `Soak: ${N.toLocaleString('en-US')} observations + resolves, every plugin on (SQLite file, batches of ${BATCH.toLocaleString('en-US')})`,
  figures: [
    { label: 'throughput, first 10% (observe + resolve per record)', value: rate(first), unit: 'records/s', better: 'higher' },
    { label: 'throughput, last 10%', value: rate(last), unit: 'records/s', reference: rate(first), referenceLabel: 'first 10%', better: 'higher', target: '>= 70% of the first 10%', met: rate(last) >= 0.7 * rate(first) },
    { label: 'RSS peak (kernel maxRSS)', value: mb(peakKernel), unit: 'MiB' },
    { label: 'RSS max, first 10%', value: mb(first.rssMax), unit: 'MiB' },
    { label: 'RSS max, last 10%', value: mb(last.rssMax), unit: 'MiB' },
    { label: 'wall time', value: totalS, unit: 's' },
  ],
  notes: [
    `${FEATURES} features per record; every prediction resolved one batch after it was observed (40% wrong, so the replay buffer of 1,000 churns).`,
    `End state checked: ${Number(preds.n).toLocaleString('en-US')} predictions, all resolved; sector_performance has as many rows; in-memory sector counts ${sectorsAgree ? 'equal' : 'DIFFER FROM'} a GROUP BY; replay ranking ${replayAgrees ? 'equals' : 'DIFFERS FROM'} the table. Database file ${dbMiB.toFixed(0)} MiB.`,
  ],
});
if (!ok) process.exitCode = 1;
