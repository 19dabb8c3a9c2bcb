import { rename, writeFile } from 'node:fs/promises';
import { type AnyPlugin, parseReportQuery } from '@vigil/core';
import { buildReport, renderReportHtml } from '@vigil/server';
import type { Command } from 'commander';
import { withHost } from '../context.js';
import { type CliIO, EXIT, printJson, printTable } from '../io.js';
import { type Run, globalsOf, usageError } from './cliSupport.js';

interface ReportFlags {
  readonly html?: string;
  readonly model?: string;
  readonly from?: string;
  readonly to?: string;
}

/**
 * `vigil report`: the audit report that `GET /api/report` serves: `--json` prints it, `--html
 * <file>` writes one self-contained page (`-` for stdout), and by default each section's status
 * and summary are printed. Every installed plugin contributes its sections; names none.
 */
export function reportCommand(program: Command, io: CliIO, run: Run, plugins: readonly AnyPlugin[]): void {
  const g = globalsOf(program);
  program
    .command('report')
    .description(
      'the audit report: production and promotion history, drift episodes, accuracy by sector/regime, replay buffer, gate decisions (--json, or --html <file>: one self-contained page)',
    )
    .option('--html <file>', 'write the report as one self-contained HTML file (- for stdout)')
    .option(
      '--model <version>',
      'only this model version (default: the live model, when the gate names one, else every model; * for every model)',
    )
    .option('--from <date>', 'predictions with timestamp >= this (ISO 8601)')
    .option('--to <date>', 'predictions with timestamp < this (ISO 8601)')
    .action((f: ReportFlags) =>
      run(async () => {
        if (f.html !== undefined && f.html.trim() === '')
          throw usageError('--html needs a file name (or - for stdout)');
        if (f.html !== undefined && g().json) throw usageError('give --html <file> or --json, not both');
        let query: ReturnType<typeof parseReportQuery>;
        try {
          query = parseReportQuery(f, { model: '--model', from: '--from', to: '--to' });
        } catch (e) {
          throw Object.assign(usageError((e as Error).message), { cause: e });
        }
        const report = await withHost(g(), (host) => buildReport(host, query), plugins);
        if (g().json) {
          printJson(io, report);
          return EXIT.ok;
        }
        if (f.html !== undefined) {
          const html = await renderReportHtml(report);
          if (f.html === '-') io.stdout.write(html);
          else {
            // written beside the target and renamed: a reader never sees half a report
            const tmp = `${f.html}.${process.pid}.tmp`;
            await writeFile(tmp, html, 'utf8');
            await rename(tmp, f.html);
            io.stderr.write(
              `vigil: wrote ${f.html} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB, ${report.sections.length} sections)\n`,
            );
          }
          return EXIT.ok;
        }
        printTable(
          io,
          ['section', 'status', 'summary'],
          report.sections.map((s) => [s.id, s.status, s.summary]),
        );
        return EXIT.ok;
      }),
    );
}
