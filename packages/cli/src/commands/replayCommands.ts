import type { VigilHost } from '@vigil/host';
import { errorReplayBufferToken, replayReport } from '@vigil/replay';
import { type Command, InvalidArgumentError } from 'commander';
import { withHost } from '../context.js';
import { type CliIO, EXIT, num, pct, printJson, printTable } from '../io.js';
import { type Run, formatOf, globalsOf, intArg, requirePlugin } from './cliSupport.js';
import { exportLines, exportSet, writeLines } from './replayExport.js';

const nonNegative = (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`must be a finite number >= 0, got ${JSON.stringify(v)}`);
  return n;
};

/** The buffer's statistics and its worst errors: the same document as the HTTP API's GET /api/replay. */
export async function replayStats(host: VigilHost, top: number) {
  requirePlugin(host, 'replay');
  return replayReport(host.container.resolve(errorReplayBufferToken), top);
}

function printStats(r: Awaited<ReturnType<typeof replayStats>>, io: CliIO): void {
  const s = r.stats;
  const share = (n: number) => (s.total ? ` (${pct(n / s.total)})` : '');
  io.stdout.write(`buffered errors: ${s.total} of ${s.maxSize}\n`);
  io.stdout.write(`high-confidence errors (confidence > 0.8): ${s.highConfidence}${share(s.highConfidence)}\n`);
  io.stdout.write(`average confidence: ${num(s.avgConfidence)}\n`);
  io.stdout.write(`replayed at least once: ${s.replayed}${share(s.replayed)}; total replays: ${s.totalReplays}\n`);
  io.stdout.write(`held out of training exports (to judge candidates on): ${s.heldOutErrors}${share(s.heldOutErrors)}\n`);
  const mix = (m: Readonly<Record<string, number>>) => Object.entries(m).map(([k, v]) => `${k}: ${v}`).join(', ') || '-';
  io.stdout.write(`by regime: ${mix(s.byRegime)}\nby true label: ${mix(s.byLabel)}\n`);
  if (r.top.length) {
    printTable(
      io,
      ['id', 'symbol', 'date', 'regime', 'true', 'predicted', 'confidence', 'replayed'],
      r.top.map((t) => [t.id, t.symbol, t.date, t.regime ?? '-', t.trueLabel, t.predictedLabel, num(t.confidence), t.replayedCount]),
    );
  }
}

export function replayCommands(program: Command, io: CliIO, run: Run): void {
  const g = globalsOf(program);
  const replay = program.command('replay').description('the error replay buffer (replay plugin)');

  replay
    .command('stats')
    .description('buffer size, high-confidence errors, mix by regime and label, the worst errors')
    .option('--top <n>', 'how many of the worst errors to list', intArg(0, 1000), 10)
    .action((opts: { top: number }) =>
      run(() =>
        withHost(g(), async (host) => {
          const r = await replayStats(host, opts.top);
          if (g().json) printJson(io, r);
          else printStats(r, io);
          return EXIT.ok;
        }),
      ),
    );

  replay
    .command('export [file]')
    .description(
      'write the buffered errors (worst first) as JSON Lines or CSV to a file or stdout, for a training pipeline in any language; with --sample, a prioritized sample with importance-sampling weights instead (one row per draw; counts as a replay)',
    )
    .option('--format <format>', 'jsonl or csv (default: by file extension, else jsonl)')
    .option('--sample <n>', 'draw n rows with replacement, P(i) ~ error_score^alpha, with IS weights', intArg(1, 10_000_000))
    .option('--seed <s>', 'seed of the draw (default: plugins.replay.options.seed)', intArg(0, 2 ** 32 - 1))
    .option('--alpha <a>', 'prioritisation exponent (default: plugins.replay.options.alpha)', nonNegative)
    .option('--beta <b>', 'importance-sampling exponent (default: plugins.replay.options.beta)', nonNegative)
    .action((file: string | undefined, opts: { format?: string; sample?: number; seed?: number; alpha?: number; beta?: number }) =>
      run(async () => {
        const format = formatOf(file, opts.format);
        return withHost(g(), async (host) => {
          requirePlugin(host, 'replay');
          const buffer = host.container.resolve(errorReplayBufferToken);
          const set = await exportSet(buffer, opts.sample === undefined ? undefined : { n: opts.sample, ...opts });
          await writeLines(exportLines(set, format), file, io);
          const summary = { rows: set.rows.length, format, file: file ?? '-', sampled: set.sampled, features: set.featureNames };
          const toStdout = file === undefined || file === '-';
          if (toStdout) io.stderr.write(`exported ${summary.rows} row(s)\n`);
          else if (g().json) printJson(io, summary);
          else io.stdout.write(`wrote ${summary.rows} ${set.sampled ? 'sampled ' : ''}row(s) to ${file} (${format}; features: ${set.featureNames.join(', ') || '-'})\n`);
          return EXIT.ok;
        });
      }),
    );
}
