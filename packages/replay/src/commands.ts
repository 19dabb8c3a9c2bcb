import type { CommandContext, PluginCommands } from '@vigil/core';
import type { ReplayOptions } from './config.js';
import { exportLines, exportSet, writeLines } from './replayExport.js';
import { type ReplayReport, replayReport } from './replayReport.js';
import { errorReplayBufferToken } from './tokens.js';

function printStats(r: ReplayReport, ctx: CommandContext<ReplayOptions>): void {
  const { pct, num } = ctx;
  const out = ctx.io.stdout;
  const s = r.stats;
  const share = (n: number) => (s.total ? ` (${pct(n / s.total)})` : '');
  if (r.model !== null) out.write(`model: ${r.model}\n`);
  out.write(`buffered errors: ${s.total} of ${s.maxSize}\n`);
  out.write(`high-confidence errors (confidence > 0.8): ${s.highConfidence}${share(s.highConfidence)}\n`);
  out.write(`average confidence: ${num(s.avgConfidence)}\n`);
  out.write(`replayed at least once: ${s.replayed}${share(s.replayed)}; total replays: ${s.totalReplays}\n`);
  out.write(`held out of training exports (to judge candidates on): ${s.heldOutErrors}${share(s.heldOutErrors)}\n`);
  const mix = (m: Readonly<Record<string, number>>) =>
    Object.entries(m)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || '-';
  out.write(`by regime: ${mix(s.byRegime)}\nby true label: ${mix(s.byLabel)}\n`);
  if (r.top.length) {
    ctx.printTable(
      ['id', 'symbol', 'timestamp', 'regime', 'actualLabel', 'predictedLabel', 'confidence', 'replayed'],
      r.top.map((t) => [
        t.id ?? `buffer #${t.bufferId}`,
        t.symbol,
        t.timestamp,
        t.regime ?? '-',
        t.actualLabel,
        t.predictedLabel,
        num(t.confidence),
        t.replayedCount,
      ]),
    );
  }
}

/** `vigil replay stats` and `vigil replay export`. */
export const replayCommands: PluginCommands<ReplayOptions> = {
  description: 'the error replay buffer (replay plugin)',
  register(replay, ctx) {
    replay
      .command('stats')
      .description('buffer size, high-confidence errors, mix by regime and label, the worst errors')
      .option('--top <n>', 'how many of the worst errors to list', ctx.args.int(0, 1000), 10)
      .option('--model <version>', 'the model whose buffer to read (required when several models are buffered)')
      .action((opts: { top: number; model?: string }) =>
        ctx.run(() =>
          ctx.withService(errorReplayBufferToken, async (buffer) => {
            // the same document as the HTTP API's GET /api/replay
            const r = await replayReport(buffer, opts.top, { model: opts.model, field: '--model' });
            if (ctx.json()) ctx.printJson(r);
            else printStats(r, ctx);
            return ctx.exit.ok;
          }),
        ),
      );

    replay
      .command('export [file]')
      .description(
        "write one model's buffered errors (worst first, with the caller's prediction id and modelVersion) as JSON Lines or CSV to a file or stdout, for a training pipeline in any language; with --sample, a prioritized sample with importance-sampling weights instead (one row per draw; counts as a replay)",
      )
      .option('--format <format>', 'jsonl or csv (default: by file extension, else jsonl)')
      .option(
        '--sample <n>',
        'draw n rows with replacement, P(i) ~ error_score^alpha, with IS weights',
        ctx.args.int(1, 10_000_000),
      )
      .option('--seed <s>', 'seed of the draw (default: plugins.replay.options.seed)', ctx.args.int(0, 2 ** 32 - 1))
      .option('--alpha <a>', 'prioritisation exponent (default: plugins.replay.options.alpha)', ctx.args.nonNegative)
      .option('--beta <b>', 'importance-sampling exponent (default: plugins.replay.options.beta)', ctx.args.nonNegative)
      .option('--model <version>', 'the model whose buffer to export (required when several models are buffered)')
      .action(
        (
          file: string | undefined,
          opts: { format?: string; sample?: number; seed?: number; alpha?: number; beta?: number; model?: string },
        ) =>
          ctx.run(async () => {
            const format = ctx.formatOf(file, opts.format);
            return ctx.withService(errorReplayBufferToken, async (buffer) => {
              const { model, ...draw } = opts;
              const set = await exportSet(buffer, opts.sample === undefined ? undefined : { n: opts.sample, ...draw }, {
                model,
                field: '--model',
              });
              await writeLines(exportLines(set, format), file, ctx);
              const summary = {
                model: set.model,
                rows: set.rows.length,
                format,
                file: file ?? '-',
                sampled: set.sampled,
                features: set.featureNames,
              };
              const toStdout = file === undefined || file === '-';
              if (toStdout) ctx.io.stderr.write(`exported ${summary.rows} row(s)\n`);
              else if (ctx.json()) ctx.printJson(summary);
              else
                ctx.io.stdout.write(
                  `wrote ${summary.rows} ${set.sampled ? 'sampled ' : ''}row(s) to ${file} (${format}; features: ${set.featureNames.join(', ') || '-'})\n`,
                );
              return ctx.exit.ok;
            });
          }),
      );
  },
};
