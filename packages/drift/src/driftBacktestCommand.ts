import { type CommandContext, VigilError } from '@vigil/core';
import { type BacktestDetector, type BacktestResult, type Episode, backtestDrift } from './backtest.js';
import { cusumDetector, specDetector } from './backtestDetectors.js';
import type { DriftOptions } from './config.js';
import type { FeatureTable } from './featureRows.js';

/** An option the caller got wrong: exit 2, like any VIGIL_INVALID_INPUT. */
const badOption = (path: string, value: unknown, message: string): VigilError =>
  new VigilError('VIGIL_INVALID_INPUT', message, { issues: [{ path, message, value }] });

export type DetectorChoice = 'spec' | 'recommended';

/**
 * The detector a backtest runs. `spec`: the spec's DriftDetector (KS per feature, window 100,
 * D > 0.15 and Holm-corrected p < 0.05). `recommended`: what the drift plugin raises retraining
 * requests from by default: the per-step CUSUMs on each feature (the shipped default's k, h, release, cap),
 * as drift episodes, in drift when any feature's is.
 */
export function backtestDetector(choice: DetectorChoice, features: readonly string[]): BacktestDetector {
  return choice === 'spec' ? specDetector(features) : cusumDetector(features);
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}/;

/** `name:from:to` (ISO dates) to an episode; a usage error names the bad one. */
export function parseEpisode(spec: string): Episode {
  const parts = spec.split(':');
  const [name, start, end] = parts;
  if (
    parts.length !== 3 ||
    !name ||
    !start ||
    !end ||
    !ISO_DAY.test(start) ||
    !ISO_DAY.test(end) ||
    Number.isNaN(Date.parse(start)) ||
    Number.isNaN(Date.parse(end)) ||
    end < start
  ) {
    throw badOption(
      '--episodes',
      spec,
      `--episodes: ${JSON.stringify(spec)} must be name:from:to with ISO dates, from <= to (e.g. aug2015:2015-08-18:2015-09-30)`,
    );
  }
  return { name, start, end };
}

export interface BacktestCommandOptions {
  readonly baselineSize: number;
  readonly episodes: readonly string[];
  readonly detector: string;
  readonly features?: readonly string[];
  readonly horizon: number;
  readonly calmMargin: number;
  readonly from?: string;
  readonly to?: string;
}

export type BacktestReport = BacktestResult & {
  readonly detector: DetectorChoice;
  readonly features: string[];
  readonly baselineSize: number;
};

/**
 * Runs a detector over a dated table with a rolling baseline and scores it against the episodes. The one
 * implementation behind `vigil drift backtest` and `POST /api/drift/backtest`; bad options are VIGIL_INVALID_INPUT
 * naming the option.
 */
export function runBacktest(table: FeatureTable, o: BacktestCommandOptions): BacktestReport {
  if (o.detector !== 'spec' && o.detector !== 'recommended')
    throw badOption(
      'detector',
      o.detector,
      `--detector must be spec or recommended, got ${JSON.stringify(o.detector)}`,
    );
  const features = o.features?.length ? [...o.features] : [...table.names];
  const unknown = features.filter((f) => !table.names.includes(f));
  if (unknown.length)
    throw badOption(
      'features',
      unknown,
      `--features: ${unknown.join(', ')} not in the file (its features: ${table.names.join(', ')})`,
    );
  const episodes = o.episodes.map(parseEpisode);
  const undated = table.rows.find((r) => r.date === undefined);
  if (undated)
    throw badOption('rows', undated.line, `line ${undated.line}: a backtest needs a date (or timestamp) on every row`);
  for (let i = 1; i < table.rows.length; i++) {
    const [a, b] = [table.rows[i - 1], table.rows[i]] as [
      { date: string; line: number },
      { date: string; line: number },
    ];
    if (!(b.date > a.date))
      throw badOption(
        'rows',
        b.date,
        `line ${b.line}: date ${b.date} is not after line ${a.line}'s ${a.date}; rows must be in strictly increasing date order`,
      );
  }
  const rows = table.rows.map((r) => ({
    date: r.date as string,
    features: r.features,
    ...(r.regime ? { regime: r.regime } : {}),
  }));
  const result = backtestDrift({
    rows,
    detector: backtestDetector(o.detector, features),
    baselineSize: o.baselineSize,
    episodes,
    horizon: o.horizon,
    calmMargin: o.calmMargin,
    ...(o.from ? { from: o.from } : {}),
    ...(o.to ? { to: o.to } : {}),
  });
  return { detector: o.detector, features, baselineSize: o.baselineSize, ...result };
}

/** `vigil drift backtest`: runBacktest, printed. */
export function driftBacktest(
  table: FeatureTable,
  o: BacktestCommandOptions,
  ctx: CommandContext<DriftOptions>,
): number {
  const r = runBacktest(table, o);
  if (ctx.json()) ctx.printJson(r);
  else printBacktest(r, r.detector, r.features, r.baselineSize, ctx);
  return ctx.exit.ok;
}

function printBacktest(
  r: BacktestResult,
  detector: string,
  features: readonly string[],
  baselineSize: number,
  ctx: CommandContext<DriftOptions>,
): void {
  const { io, pct } = ctx;
  io.stdout.write(
    `detector: ${detector} on ${features.join(', ')}; rolling baseline of ${baselineSize} rows; ${r.days} days checked (${r.firstDay} .. ${r.lastDay})\n`,
  );
  io.stdout.write(
    `caught: in drift on one of an episode's first ${r.horizon + 1} trading days (start + ${r.horizon}-day horizon); ${r.calmRule}\n`,
  );
  for (const w of r.warnings) io.stderr.write(`warning: ${w}\n`);
  if (r.episodes.length) {
    ctx.printTable(
      ['episode', 'start', 'first day in drift', 'delay (days)', `status (<= ${r.horizon} days)`, 'peak score'],
      r.episodes.map((e) => [
        e.name,
        e.start,
        e.firstAlarm ?? '-',
        e.delay ?? '-',
        e.status,
        e.peakScore === null ? '-' : e.peakScore.toFixed(2),
      ]),
    );
    io.stdout.write(
      `peak score: the detector's largest score on the episode's first ${r.horizon + 1} days (${detector === 'spec' ? 'the largest KS D, alarms above the alert threshold' : 'the largest CUSUM sum in reference sds, alarms above h, capped at 2h'}): how near a miss came\n`,
    );
  }
  io.stdout.write(
    `caught ${r.caught} of ${r.scorable} scorable episode(s) within ${r.horizon} days${r.scorable < r.episodes.length ? ` (${r.episodes.length - r.scorable} not scorable)` : ''}\n`,
  );
  io.stdout.write(
    `requests (episode onsets): ${r.alarms.length}; calm days: ${r.calmDays}; calm-day false alarms: ${pct(r.falseAlarmRate, 2)}; calm days in drift: ${pct(r.calmDriftShare, 1)}; chance level (in drift within ${r.horizon} days of a calm day): ${pct(r.chanceLevel, 1)}\n`,
  );
  if (r.calibration)
    io.stdout.write(
      `calibration: ${r.calibration.recalibrations} recalibrations, mean in-sample rate ${pct(r.calibration.meanInSampleRate, 2)}\n`,
    );
}
