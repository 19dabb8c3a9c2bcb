import { type PluginCommands, isVigilError } from '@vigil/core';
import { type DriftOptions, RECOMMENDED_DEFAULTS } from './config.js';
import { driftBacktest } from './driftBacktestCommand.js';
import { driftBaseline } from './driftBaselineCommand.js';
import { driftCheck } from './driftCheckCommand.js';
import { readFeatureRows } from './featureRows.js';
import { driftMonitorToken } from './tokens.js';

const FILE_HELP =
  'JSON Lines or CSV: one row per observation; every column other than id, timestamp, date, symbol, regime, predictedLabel, confidence, modelVersion is a feature (a JSON row may nest them under "features")';

/** `vigil drift baseline|check|backtest`. */
export const driftCommands: PluginCommands<DriftOptions> = {
  description: 'drift baseline, ad-hoc checks and backtests (drift plugin)',
  register(drift, ctx) {
    const { run, formatOf, usageError } = ctx;
    const { int: intArg, list: collect } = ctx.args;

    drift
      .command('baseline [file]')
      .description(
        'replace the stored drift baseline with the rows of a file (or stdin); regime and predictedLabel/confidence columns, when present, become the regime and prediction baselines',
      )
      .addHelpText('after', `\nInput: ${FILE_HELP}.`)
      .option('--format <format>', 'jsonl or csv (default: by file extension, else jsonl)')
      .action((file: string | undefined, opts: { format?: string }) =>
        run(async () => {
          const table = await readFeatureRows(file, formatOf(file, opts.format), ctx, 'drift baseline file');
          return ctx.withService(driftMonitorToken, (monitor, options) => driftBaseline(monitor, options, table, ctx));
        }),
      );

    drift
      .command('check [file]')
      .description(
        'feature, regime and prediction drift of a window (file or stdin) against the stored baseline; exit 1 when drift is detected',
      )
      .addHelpText(
        'after',
        `\nInput: ${FILE_HELP}.\nThe result is computed, not recorded: drift_monitoring rows come from the plugin as predictions are observed.`,
      )
      .option('--format <format>', 'jsonl or csv (default: by file extension, else jsonl)')
      .option('--last <n>', 'check only the last n rows (default: every row)', intArg(2))
      .action((file: string | undefined, opts: { format?: string; last?: number }) =>
        run(async () => {
          const table = await readFeatureRows(file, formatOf(file, opts.format), ctx, 'drift window file');
          return ctx.withService(driftMonitorToken, (monitor, options) =>
            driftCheck(monitor, options, table, opts.last, ctx),
          );
        }),
      );

    drift
      .command('backtest <file>')
      .description(
        'run a drift detector over a dated history (a date or timestamp column, then features) with a rolling baseline: per-episode delay, calm-day false-alarm rate, chance level',
      )
      .option('--format <format>', 'jsonl or csv (default: by file extension, else jsonl)')
      .option(
        '--baseline-size <n>',
        'rows (days) in the rolling reference before each check',
        intArg(10),
        RECOMMENDED_DEFAULTS.referenceSteps,
      )
      .option(
        '--episodes <name:from:to>',
        'stress episodes to score, repeatable or comma-separated (e.g. aug2015:2015-08-18:2015-09-30)',
        collect,
        [],
      )
      .option(
        '--detector <which>',
        "spec (KS, window 100, D > 0.15) or recommended (the plugin's default CUSUM per feature)",
        'recommended',
      )
      .option('--features <names>', 'features to watch, comma-separated (default: every feature column)', collect)
      .option(
        '--horizon <days>',
        'an episode counts as caught when the detector is in drift at most this many trading days after its start (a fixed horizon, not the episode end)',
        intArg(0),
        5,
      )
      .option('--calm-margin <days>', 'days around each episode that are neither calm nor episode', intArg(0), 20)
      .option('--from <date>', 'report alarms from this date on')
      .option('--to <date>', 'report alarms up to this date')
      .action(
        (
          file: string,
          opts: {
            format?: string;
            baselineSize: number;
            episodes: string[];
            detector: string;
            features?: string[];
            horizon: number;
            calmMargin: number;
            from?: string;
            to?: string;
          },
        ) =>
          run(async () => {
            const table = await readFeatureRows(file, formatOf(file, opts.format), ctx, 'backtest history');
            try {
              return driftBacktest(table, opts, ctx);
            } catch (e) {
              // A history too short for the detector is the caller's input, not an internal failure.
              if (isVigilError(e) && e.code === 'VIGIL_INSUFFICIENT_DATA') throw usageError(e.message);
              throw e;
            }
          }),
      );
  },
};
