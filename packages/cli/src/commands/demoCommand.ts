import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createLogger } from '@vigil/core';
import { formatSummary, runDemo } from '@vigil/demo';
import { buildReport, buildServer, renderReportHtml } from '@vigil/server';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';
import { type CliIO, EXIT, printJson } from '../io.js';

interface DemoFlags {
  readonly serve: boolean;
  readonly port?: number;
  readonly host?: string;
  readonly workDir: string;
  readonly token?: string;
  /** Where to write the audit report (`vigil report --html`); false with --no-report. */
  readonly report: string | false;
}

/** `vigil demo`: the end-to-end scenario on real market history, then its dashboard. */
export function demoCommand(program: Command, io: CliIO, run: (fn: () => Promise<number>) => Promise<void>): void {
  program
    .command('demo')
    .description(
      'run the end-to-end monitoring scenario on real market history (2015-2018), print its summary, then serve the dashboard',
    )
    .option('--no-serve', 'exit after the summary instead of serving the dashboard')
    .option('--port <port>', 'dashboard port (default 8787)', (v) => Number.parseInt(v, 10))
    .option('--host <host>', 'interface to bind (default 127.0.0.1)')
    .option('--work-dir <dir>', 'folder for model files', '.vigil/demo')
    .option(
      '--token <token>',
      'API token for the dashboard override form (default: VIGIL_API_TOKEN or a printed random one)',
    )
    .option(
      '--report <file>',
      'write the audit report of the run here (one self-contained HTML page)',
      'vigil-report.html',
    )
    .option('--no-report', 'do not write the report')
    .action((flags: DemoFlags) => run(() => demo(program.opts<GlobalOptions>(), flags, io)));
}

async function demo(g: GlobalOptions, f: DemoFlags, io: CliIO): Promise<number> {
  const database = g.db ?? 'vigil-demo.db';
  const workDir = resolve(f.workDir);
  mkdirSync(workDir, { recursive: true });
  io.stderr.write(`vigil demo: database ${database}, model files in ${workDir}\n`);
  const bar = io.stderr.isTTY
    ? new SingleBar({ format: 'trading days {bar} {value}/{total} {date}', stream: io.stderr, hideCursor: true })
    : undefined;
  let lastPrinted = 0;
  const t0 = Date.now();
  const { summary, host } = await runDemo({
    database,
    workDir,
    keepHost: true, // stopped below unless it serves
    logger: createLogger((g.logLevel as 'error' | undefined) ?? 'error'),
    onProgress: (day, days, date) => {
      if (bar) {
        if (day === 1) bar.start(days, 0, { date });
        bar.update(day, { date });
      } else if (day - lastPrinted >= 100 || day === days) {
        lastPrinted = day;
        io.stderr.write(`  ${day}/${days} trading days (${date})\n`);
      }
    },
  });
  bar?.stop();
  if (g.json) printJson(io, summary);
  else io.stdout.write(`\n${formatSummary(summary)}\n(${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  if (!host) return EXIT.ok;
  try {
    if (f.report !== false) {
      // the run's audit report, e.g. a CI artefact: what `vigil report --html` writes
      const html = await renderReportHtml(await buildReport(host, {}));
      await writeFile(f.report, html, 'utf8');
      io.stderr.write(
        `vigil demo: audit report written to ${f.report} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB)\n`,
      );
    }
  } catch (e) {
    await host.stop();
    throw e;
  }
  if (!f.serve) {
    await host.stop();
    return EXIT.ok;
  }

  const token = f.token ?? process.env.VIGIL_API_TOKEN ?? cryptoToken();
  const app = await buildServer({ host, token });
  try {
    const address = await app.listen({
      host: f.host ?? host.config.server.host,
      port: f.port ?? host.config.server.port,
    });
    io.stderr.write(`\nDashboard: ${address}/   (API token for the override form: ${token})\nStop with Ctrl-C.\n`);
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
  } finally {
    await app.close();
    await host.stop();
  }
  return EXIT.ok;
}

function cryptoToken(): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(18)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}
