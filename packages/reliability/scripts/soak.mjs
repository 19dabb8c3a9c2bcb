// Soak: VIGIL_SOAK_N observations (default 1,000,000), each resolved one batch later, through a
// host with every first-party plugin on, over an SQLite file (WAL) or PostgreSQL
// (VIGIL_SOAK_DB=postgres, needs DATABASE_URL; a schema of its own, dropped at the end).
// Observe and resolve are timed apart: the first vs the last 10% of each, RSS (sampled and the
// kernel's peak), database size; checks the in-memory aggregates against the tables at the end
// and writes bench-results/reliability-soak-<db>.json.
// Runs the BUILT dists: build core, host and the plugins first.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { createHost } from '@vigil/host';
import { createTestDatabase } from '@vigil/host/testing';
import { errorReplayBufferToken, replayPlugin } from '@vigil/replay';
import { sectorTrackerToken, sectorsPlugin } from '@vigil/sectors';
import { reportBench } from '@vigil/test-utils';
import { fullConfig, makeBatch, outcomesOf } from '../test/children/workload.mjs';

const N = Number(process.env.VIGIL_SOAK_N ?? 1_000_000);
const BATCH = Number(process.env.VIGIL_SOAK_BATCH ?? 2_000);
const KIND = process.env.VIGIL_SOAK_DB ?? 'sqlite';
const FEATURES = 8;
const batches = Math.ceil(N / BATCH);
const dir = mkdtempSync(join(tmpdir(), 'vigil-soak-'));
const pgDb = KIND === 'postgres' ? await createTestDatabase('postgres') : undefined;
const database = pgDb ? pgDb.config : { type: 'sqlite', path: join(dir, 'vigil.db'), wal: true, busyTimeoutMs: 10_000 };
const plugins = [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin];
const mb = (b) => b / 2 ** 20;

const host = createHost({ config: fullConfig(database, dir, 1000), plugins });
await host.start();
const tenth = Math.max(1, Math.floor(batches / 10));
const segments = []; // per tenth: { observed, observeMs, resolved, resolveMs, rssMax }
const fresh = () => ({ observed: 0, observeMs: 0, resolved: 0, resolveMs: 0, rssMax: 0 });
let seg = fresh();
let rssPeakSampled = 0;
const t0 = performance.now();
let prev;
for (let k = 0; k < batches; k++) {
  const batch = makeBatch('s', k, Math.min(BATCH, N - k * BATCH), FEATURES);
  let start = performance.now();
  await host.observe(batch);
  seg.observeMs += performance.now() - start;
  seg.observed += batch.length;
  if (prev) {
    start = performance.now();
    await host.resolve(outcomesOf(prev));
    seg.resolveMs += performance.now() - start;
    seg.resolved += prev.length;
  }
  prev = batch;
  const rss = process.memoryUsage().rss;
  seg.rssMax = Math.max(seg.rssMax, rss);
  rssPeakSampled = Math.max(rssPeakSampled, rss);
  if ((k + 1) % tenth === 0 || k === batches - 1) {
    segments.push(seg);
    process.stdout.write(
      `  ${String(k * BATCH + batch.length).padStart(9)} observed | observe ${(seg.observed / (seg.observeMs / 1000)).toFixed(0).padStart(6)}/s | resolve ${(seg.resolved / (seg.resolveMs / 1000)).toFixed(0).padStart(6)}/s | RSS ${mb(seg.rssMax).toFixed(0)} MiB\n`,
    );
    seg = fresh();
  }
}
await host.resolve(outcomesOf(prev));
const totalS = (performance.now() - t0) / 1000;

// The run's end state: every row there, memory equal to the tables.
const q = async (sql) => (await host.dataSource.query(sql))[0];
const preds = await q('SELECT COUNT(*) AS n, COUNT(actual_label) AS r FROM vigil_predictions');
const tracked = await q('SELECT COUNT(*) AS n FROM sector_performance');
const cells = await host.dataSource.query(
  'SELECT sector, regime, COUNT(*) AS t, COUNT(actual_label) AS r, SUM(CASE WHEN correct = 1 THEN 1 ELSE 0 END) AS c FROM sector_performance GROUP BY sector, regime',
);
const perf = host.container.resolve(sectorTrackerToken).getSectorPerformance();
const sectorsAgree = cells.every((c) => {
  const m = perf[c.sector]?.by_regime[c.regime];
  return m && m.tracked === Number(c.t) && m.total === Number(c.r) && m.correct === Number(c.c);
});
const buffer = host.container.resolve(errorReplayBufferToken);
const stored = (
  await host.dataSource.query('SELECT id, error_score FROM error_replay_buffer ORDER BY error_score DESC, id')
).map((r) => `${r.id}:${r.error_score}`);
const ranking = buffer
  .ranking()
  .sort((a, b) => b.score - a.score || a.id - b.id)
  .map((r) => `${r.id}:${r.score}`);
const replayAgrees = stored.join() === ranking.join();
const dbBytes = pgDb
  ? Number(
      (
        await q(
          `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS b FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = current_schema() AND c.relkind = 'r'`,
        )
      ).b,
    )
  : statSync(database.path).size;
await host.stop();
const dbMiB = mb(dbBytes);
rmSync(dir, { recursive: true, force: true });
await pgDb?.cleanup();

// the first tenth's resolves start one batch late; both rates are per record of their own work
const first = segments[0];
const last = segments.at(-1);
const observeRate = (s) => s.observed / (s.observeMs / 1000);
const resolveRate = (s) => s.resolved / (s.resolveMs / 1000);
const peakKernel = process.resourceUsage().maxRSS * 1024;
const ok = Number(preds.n) === N && Number(preds.r) === N && Number(tracked.n) === N && sectorsAgree && replayAgrees;
const label = pgDb ? 'PostgreSQL 15' : 'SQLite file, WAL';
console.log(
  `\nsoak (${label}): ${N.toLocaleString('en-US')} observations and resolves in ${totalS.toFixed(0)} s; rows ${preds.n}/${preds.r}/${tracked.n}; sectors ${sectorsAgree ? 'agree' : 'DISAGREE'}; replay ${replayAgrees ? 'agrees' : 'DISAGREES'}; database ${dbMiB.toFixed(0)} MiB`,
);
const flat = (label, rate) => [
  { label: `${label}, first 10%`, value: rate(first), unit: 'records/s', better: 'higher' },
  {
    label: `${label}, last 10%`,
    value: rate(last),
    unit: 'records/s',
    reference: rate(first),
    referenceLabel: 'first 10%',
    better: 'higher',
    target: '>= 90% of the first 10%',
    met: rate(last) >= 0.9 * rate(first),
  },
];
reportBench({
  name: `reliability-soak-${pgDb ? 'postgres' : 'sqlite'}`,
  title: `Soak: ${N.toLocaleString('en-US')} observations + resolves, every plugin on (${label}, batches of ${BATCH.toLocaleString('en-US')})`,
  figures: [
    ...flat('observe', observeRate),
    ...flat('resolve', resolveRate),
    { label: 'RSS peak (kernel maxRSS)', value: mb(peakKernel), unit: 'MiB' },
    { label: 'RSS max, first 10%', value: mb(first.rssMax), unit: 'MiB' },
    { label: 'RSS max, last 10%', value: mb(last.rssMax), unit: 'MiB' },
    { label: 'database size per million predictions', value: dbMiB / (N / 1e6), unit: 'MiB' },
    { label: 'wall time', value: totalS, unit: 's' },
  ],
  notes: [
    `${FEATURES} features per record; every prediction resolved one batch after it was observed (40% wrong, so the replay buffer of 1,000 churns). Throughput per tenth: ${segments.map((s) => `${(observeRate(s) / 1000).toFixed(1)}k/${(resolveRate(s) / 1000).toFixed(1)}k`).join(', ')} (observe/resolve records per second).`,
    ...(N < 10_000_000
      ? [
          'A 10M run (VIGIL_SOAK_N=10000000) was not part of this run; the per-million database size and the flat first/last tenths are what it extrapolates from.',
        ]
      : []),
    `End state checked: ${Number(preds.n).toLocaleString('en-US')} predictions, all resolved; sector_performance has as many rows; in-memory sector counts ${sectorsAgree ? 'equal' : 'DIFFER FROM'} a GROUP BY; replay ranking ${replayAgrees ? 'equals' : 'DIFFERS FROM'} the table. Database ${dbMiB.toFixed(0)} MiB.`,
  ],
});
if (!ok) process.exitCode = 1;
