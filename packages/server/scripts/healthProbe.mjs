#!/usr/bin/env node
// Probe: /api/health latency while one large batch is POSTed to /api/observe over real HTTP.
// Usage: node scripts/healthProbe.mjs [records=100000] [features=20]   (build first: pnpm build)
// Prints JSON: health p50/p99/max in ms, how many health answers arrived during the POST, the POST's
// status and duration, and peak RSS. Figures depend on the machine; this is a probe, not a test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { createHost } from '@vigil/host';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';
import { makePredictions } from '@vigil/test-utils';
import { buildServer } from '../dist/index.js';

const n = Number(process.argv[2] ?? 100_000);
const features = Number(process.argv[3] ?? 20);
const token = 'probe-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'vigil-probe-'));
const host = createHost({
  config: { database: { type: 'sqlite', path: join(dir, 'vigil.db') }, log: { level: 'error' }, plugins: { gate: { options: { root: dir, modelsDir: '.' } } } },
  plugins: [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin],
});
await host.start();
const app = await buildServer({ host, token, dashboard: false });
const address = await app.listen({ host: '127.0.0.1', port: 0 });
const body = JSON.stringify({ records: makePredictions(n, { features }) });
let peakRss = process.memoryUsage().rss;
const rssBefore = peakRss;
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

// The health poller runs in a child-free loop on this process's own event loop would measure
// nothing useful, so it polls over HTTP from a worker thread with its own event loop.
const { Worker } = await import('node:worker_threads');
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
const latencies = new Promise((res) => poller.once('message', res));
await new Promise((r) => setTimeout(r, 200));
const t0 = performance.now();
const res = await fetch(`${address}/api/observe`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
const text = await res.text();
const postMs = performance.now() - t0;
await new Promise((r) => setTimeout(r, 200));
poller.postMessage('stop');
const lat = (await latencies).filter(Number.isFinite).sort((a, b) => a - b);
clearInterval(rssTimer);
const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
console.log(JSON.stringify({ records: n, bodyMB: +(body.length / 1e6).toFixed(1), status: res.status, answer: text.slice(0, 200), postMs: Math.round(postMs), healthSamples: lat.length, healthP50Ms: +q(0.5).toFixed(1), healthP99Ms: +q(0.99).toFixed(1), healthMaxMs: +lat[lat.length - 1].toFixed(1), rssBeforeMB: Math.round(rssBefore / 1e6), peakRssMB: Math.round(peakRss / 1e6) }));
await poller.terminate();
await app.close();
await host.stop();
rmSync(dir, { recursive: true, force: true });
