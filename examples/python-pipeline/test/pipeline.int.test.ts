import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin, gateToken } from '@vigil/gate';
import { type TestHost, createTestHost, testDatabases } from '@vigil/host/testing';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';
import { buildServer } from '@vigil/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'pipeline.py');
const TOKEN = 'python-pipeline-token-0123456789';

/** Runs the script in its own process; the server answers from this one meanwhile (so not spawnSync). */
const python = (args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn('python3', [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

describe.each(testDatabases())('a Python pipeline (standard library only) over the HTTP API (%s)', (database) => {
  let host: TestHost;
  let app: FastifyInstance;
  let url: string;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'vigil-python-'));
    mkdirSync(join(root, 'models'));
    writeFileSync(join(root, 'models', 'candidate.json'), JSON.stringify({ kind: 'momentum', volFilter: 0.2 }));
    host = await createTestHost({
      database,
      plugins: [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin],
      config: { plugins: { gate: { options: { root, modelsDir: 'models' } } } },
    });
    app = await buildServer({ host, token: TOKEN, dashboard: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await host?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it("without the token: the first write is refused with the server's message and nothing is stored", async () => {
    const r = await python(['--url', url, '--model', 'models/candidate.json', '--days', '30']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/vigil API refused the request: HTTP 401 VIGIL_UNAUTHORIZED/);
    expect(await host.getPrediction('py-AAPL-2021-01-04')).toBeUndefined();
  });

  it('observes (CSV and JSON), resolves, validates and reads the report', async () => {
    const r = await python(['--url', url, '--token', TOKEN, '--model', 'models/candidate.json', '--days', '120']);
    if (process.env.VIGIL_PRINT_FIGURES) console.log(r.stdout);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('observed 1080 predictions (9 symbols x 120 trading days)');
    expect(r.stdout).toContain('resolved 1035 outcomes (45 still open)');

    // the first batch went in as CSV: its features and fields arrived as numbers
    const first = await host.getPrediction('py-AAPL-2021-01-04');
    expect(first).toMatchObject({ symbol: 'AAPL', modelVersion: 'live-v1', regime: 'normal' });
    expect(typeof first?.features.mom20).toBe('number');
    expect(first?.actualLabel === 0 || first?.actualLabel === 1).toBe(true);
    // the last week is still open
    const lastDay = await host.getPrediction('py-AAPL-2021-06-18');
    expect(lastDay).toMatchObject({ actualLabel: null });

    // the gate's report the script printed is the one in the audited history
    const { entries } = await host.container.resolve(gateToken).getHistory({ limit: 1 });
    const row = entries[0];
    expect(row?.action).toBe('validate');
    expect(row?.modelPath.endsWith('models/candidate.json')).toBe(true);
    expect(r.stdout).toContain(
      `gate: ${row?.approved ? 'PROMOTE' : 'REJECT'} models/candidate.json (history row ${row?.id})`,
    );
    const checks = [...(row?.checksPassed ?? []), ...(row?.checksFailed ?? [])];
    expect(checks.length).toBeGreaterThan(2);
    for (const id of checks) expect(r.stdout).toContain(id);
    expect(r.stdout).toMatch(/sector Information Technology\s+accuracy \d+\.\d% \(n=\d+\)/);
    // every exported buffered error joins back to the pipeline's own prediction by id
    const exported = /replay export: (\d+) buffered errors of live-v1, (\d+) joined back to our predictions by id/.exec(
      r.stdout,
    );
    expect(exported, r.stdout).not.toBeNull();
    expect(Number(exported?.[1])).toBeGreaterThan(0);
    expect(exported?.[2]).toBe(exported?.[1]);
  });
});
