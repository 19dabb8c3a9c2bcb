import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VigilReport } from '@vigil/core';
import { testDatabases } from '@vigil/host/testing';
import { buildServer } from '@vigil/server';
import { makePredictions } from '@vigil/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withHost } from '../src/context.js';
import { type CliWorkspace, cliWorkspace } from './cliHarness.js';

const configYaml = (dir: string) => `
plugins:
  gate:
    options: { root: ${JSON.stringify(dir)}, modelsDir: models }
`;

const without = (r: VigilReport) => ({ ...r, generatedAt: null });
/** Reports made at different instants differ only in `generatedAt`. */
const stripGenerated = (html: string, r: VigilReport) => html.replaceAll(r.generatedAt, '<generated>');

describe.each(testDatabases())('vigil report (%s)', (database) => {
  let w: CliWorkspace;

  beforeAll(async () => {
    w = await cliWorkspace(database, configYaml);
    const a = makePredictions(240, { seed: 5, modelVersion: 'm1', idPrefix: 'a', start: '2021-01-04T21:00:00Z' });
    const b = makePredictions(240, { seed: 6, modelVersion: 'm2', idPrefix: 'b', start: '2021-02-01T21:00:00Z' });
    const all = [...a, ...b];
    const obs = await w.cli([
      'observe',
      '--no-progress',
      w.file('p.jsonl', all.map((p) => JSON.stringify(p)).join('\n')),
    ]);
    expect(obs.code, obs.stderr).toBe(0);
    const outcomes = all.map((p, i) => ({
      id: p.id,
      actualLabel: i % 4 === 0 ? 1 - p.predictedLabel : p.predictedLabel,
    }));
    const res = await w.cli([
      'resolve',
      '--no-progress',
      w.file('o.jsonl', outcomes.map((o) => JSON.stringify(o)).join('\n')),
    ]);
    expect(res.code, res.stderr).toBe(0);
  });
  afterAll(async () => w?.cleanup());

  /** GET /api/report over the same database and config, for comparison. */
  const fromApi = async (query: string, accept = 'application/json') =>
    withHost({ config: w.config, db: w.db, logLevel: 'silent' }, async (host) => {
      const app = await buildServer({ host, dashboard: false });
      try {
        const r = await app.inject({ method: 'GET', url: `/api/report${query}`, headers: { accept } });
        expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
        return r.body;
      } finally {
        await app.close();
      }
    });

  it('--json gives the document GET /api/report gives, filters included', async () => {
    for (const [flags, query] of [
      [[], ''],
      [
        ['--model', 'm2', '--from', '2021-02-10', '--to', '2021-03-01T00:00:00Z'],
        '?model=m2&from=2021-02-10&to=2021-03-01T00:00:00Z',
      ],
    ] as const) {
      const cli = await w.cli(['--json', 'report', ...flags]);
      expect(cli.code, cli.stderr).toBe(0);
      const fromCli = JSON.parse(cli.stdout) as VigilReport;
      const api = JSON.parse(await fromApi(query)) as VigilReport;
      expect(without(fromCli)).toEqual(without(api));
      expect(fromCli.sections.map((s) => s.id)).toEqual([
        'predictions',
        'drift',
        'replay',
        'sectors',
        'gate',
        'gate.decisions',
      ]);
    }
  });

  it('--html writes the page GET /api/report serves as text/html; --html - prints it', async () => {
    const file = join(w.dir, 'vigil-report.html');
    const cli = await w.cli(['report', '--html', file, '--model', 'm1']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toMatch(/wrote .*vigil-report\.html \(\d+ KiB, 6 sections\)/);
    const html = readFileSync(file, 'utf8');
    const embedded = (h: string) =>
      JSON.parse(
        /<script type="application\/json" id="vigil-report">(.*?)<\/script>/s.exec(h)?.[1] ?? 'null',
      ) as VigilReport;
    const api = await fromApi('?model=m1', 'text/html');
    expect(stripGenerated(html, embedded(html))).toBe(stripGenerated(api, embedded(api)));
    const stdout = await w.cli(['report', '--html', '-', '--model', 'm1']);
    expect(stdout.code).toBe(0);
    expect(stripGenerated(stdout.stdout, embedded(stdout.stdout))).toBe(stripGenerated(html, embedded(html)));
  });

  it('prints each section with its status by default', async () => {
    const cli = await w.cli(['report', '--model', 'm1']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(
      /predictions\s*│\s*info\s*│\s*240 predictions from 1 model version\(s\), 240 resolved\./,
    );
    expect(cli.stdout).toContain('gate.decisions');
  });

  it('refuses bad flags with exit 2 naming them, and writes no file', async () => {
    for (const [args, named] of [
      [['report', '--from', '2021-02-30'], '--from'],
      [['report', '--from', '2021-03-01', '--to', '2021-02-01'], '--to'],
      [['report', '--model', ' '], '--model'],
      [['report', '--html', ''], '--html'],
      [['--json', 'report', '--html', join(w.dir, 'x.html')], '--html'],
    ] as const) {
      const r = await w.cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(named);
      expect(r.stdout).toBe('');
    }
    expect(() => readFileSync(join(w.dir, 'x.html'))).toThrow();
  });
});
