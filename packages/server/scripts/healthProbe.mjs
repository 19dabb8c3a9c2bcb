#!/usr/bin/env node
// Probe: /api/health latency while one large batch is POSTed to /api/observe over real HTTP.
// Usage (from packages/server, after a build): node scripts/healthProbe.mjs [records=100000] [features=8]
// The server runs on this thread; the client (which builds the body and POSTs it) runs in a child
// process and the health poller on a worker thread, so neither's work stalls the server's event
// loop and the RSS figures are the server's (plus the small poller). Prints JSON: health p50/p99/max in ms while the POST is in flight, the
// POST's status and duration, and the process's RSS before and at its peak. Figures depend on the
// machine and its load; this is a probe, not a test. PROBE_TRACE=1 also prints event-loop stalls
// over 60 ms and when each committed slice started and ended (ms since start).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { createHost } from '@vigil/host';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';
import { buildServer } from '../dist/index.js';

const n = Number(process.argv[2] ?? 100_000);
const features = Number(process.argv[3] ?? 8);
const token = 'probe-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'vigil-probe-'));
const host = createHost({
  config: {
    database: { type: 'sqlite', path: join(dir, 'vigil.db') },
    log: { level: 'error' },
    plugins: { gate: { options: { root: dir, modelsDir: '.' } } },
  },
  plugins: [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin],
});
await host.start();
const trace = [];
const T0 = performance.now();
if (process.env.PROBE_TRACE) {
  const observe = host.observe.bind(host);
  host.observe = async (b) => {
    trace.push(['slice', Math.round(performance.now() - T0), b.length]);
    const r = await observe(b);
    trace.push(['done', Math.round(performance.now() - T0)]);
    return r;
  };
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > 60) trace.push(['STALL', Math.round(now - T0), Math.round(now - last)]);
    last = now;
  }, 5).unref();
}
const app = await buildServer({ host, token, dashboard: false });
const address = await app.listen({ host: '127.0.0.1', port: 0 });
const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

const poller = new Worker(
  `const { parentPort, workerData } = require('node:worker_threads');
   const http = require('node:http');
   const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
   const lat = []; let stop = false;
   parentPort.on('message', () => { stop = true; });
   const one = () => new Promise((res) => { const t = performance.now(); http.get(workerData + '/api/health', { agent }, (r) => { r.resume(); r.on('end', () => res(performance.now() - t)); }).on('error', () => res(NaN)); });
   (async () => { while (!stop) { lat.push(await one()); await new Promise((r) => setTimeout(r, 5)); } parentPort.postMessage(lat); })();`,
  { eval: true, workerData: address },
);
// The client is a separate process, so the RSS figures are the server's alone.
const client = spawn(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { makePredictions } from '@vigil/test-utils';
     import { once } from 'node:events';
     const [n, features, address, token] = process.argv.slice(1);
     const body = JSON.stringify({ records: makePredictions(Number(n), { features: Number(features) }) });
     console.log(JSON.stringify({ bodyMB: body.length / 1e6 }));
     await once(process.stdin, 'data');
     const t0 = performance.now();
     const res = await fetch(address + '/api/observe', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body });
     const text = await res.text();
     console.log(JSON.stringify({ status: res.status, answer: text.slice(0, 200), postMs: performance.now() - t0 }));
     process.exit(0);`,
    String(n),
    String(features),
    address,
    token,
  ],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
const lines = createInterface({ input: client.stdout })[Symbol.asyncIterator]();
const nextLine = async () => JSON.parse((await lines.next()).value);
const message = (w) => new Promise((res) => w.once('message', res));
const { bodyMB } = await nextLine();
const latencies = message(poller);
await new Promise((r) => setTimeout(r, 200));
client.stdin.write('go\n');
const result = await nextLine();
poller.postMessage('stop');
const lat = (await latencies).filter(Number.isFinite).sort((a, b) => a - b);
clearInterval(rssTimer);
const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
console.log(
  JSON.stringify({
    records: n,
    bodyMB: +bodyMB.toFixed(1),
    status: result.status,
    answer: result.answer,
    postMs: Math.round(result.postMs),
    healthSamples: lat.length,
    healthP50Ms: +q(0.5).toFixed(1),
    healthP99Ms: +q(0.99).toFixed(1),
    healthMaxMs: +lat[lat.length - 1].toFixed(1),
    rssBeforeMB: Math.round(rssBefore / 1e6),
    peakRssMB: Math.round(peakRss / 1e6),
  }),
);
if (process.env.PROBE_TRACE) console.log(JSON.stringify(trace));
await poller.terminate();
await app.close();
await host.stop();
rmSync(dir, { recursive: true, force: true });
