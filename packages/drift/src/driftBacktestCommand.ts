import { type BacktestDetector, type BacktestResult, type Episode, RECOMMENDED_DEFAULTS, SPEC_DEFAULTS, backtestDrift } from '@vigil/drift';
import { type CliIO, EXIT, pct, printJson, printTable } from '../io.js';
import { usageError } from './cliSupport.js';
import type { FeatureTable } from './featureRows.js';

export type DetectorChoice = 'spec' | 'recommended';

/**
 * The detector a backtest runs. `spec`: the spec's DriftDetector (KS per feature, window 100,
 * D > 0.15 and Holm-corrected p < 0.05). `recommended`: what the drift plugin raises retraining
 * requests from by default, a CUSUM on each feature's absolute deviation (k = 1, h = 5), alarming
 * when any feature's does.
 */
export function backtestDetector(choice: DetectorChoice, features: readonly string[]): BacktestDetector {
  if (choice === 'spec') {
    return { kind: 'ks', features: [...features], windowSize: SPEC_DEFAULTS.windowSize, alertThreshold: SPEC_DEFAULTS.alertThreshold, alpha: SPEC_DEFAULTS.alpha, correction: SPEC_DEFAULTS.correction };
  }
  const c = RECOMMENDED_DEFAULTS.cusum;
  const cusums = features.map((feature) => ({ kind: 'cusum' as const, feature, statistic: c.statistic, k: c.k, h: c.h, direction: c.direction }));
  return cusums.length === 1 ? (cusums[0] as BacktestDetector) : { kind: 'any', detectors: cusums };
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}/;

/** `name:from:to` (ISO dates) to an episode; a usage error names the bad one. */
export function parseEpisode(spec: string): Episode {
  const parts = spec.split(':');
  const [name, start, end] = parts;
  if (parts.length !== 3 || !name || !start || !end || !ISO_DAY.test(start) || !ISO_DAY.test(end) || Number.isNaN(Date.parse(start)) || Number.isNaN(Date.parse(end)) || end < start) {
    throw usageError(`--episodes: ${JSON.stringify(spec)} must be name:from:to with ISO dates, from <= to (e.g. aug2015:2015-08-18:2015-09-30)`);
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

/** `vigil drift backtest`: runs a detector over a dated history with a rolling baseline. */
export function driftBacktest(table: FeatureTable, o: BacktestCommandOptions, json: boolean, io: CliIO): number {
  if (o.detector !== 'spec' && o.detector !== 'recommended') throw usageError(`--detector must be spec or recommended, got ${JSON.stringify(o.detector)}`);
  const features = o.features?.length ? [...o.features] : [...table.names];
  const unknown = features.filter((f) => !table.names.includes(f));
  if (unknown.length) throw usageError(`--features: ${unknown.join(', ')} not in the file (its features: ${table.names.join(', ')})`);
  const episodes = o.episodes.map(parseEpisode);
  const undated = table.rows.find((r) => r.date === undefined);
  if (undated) throw usageError(`line ${undated.line}: a backtest needs a date (or timestamp) on every row`);
  for (let i = 1; i < table.rows.length; i++) {
    const [a, b] = [table.rows[i - 1], table.rows[i]] as [{ date: string; line: number }, { date: string; line: number }];
    if (!(b.date > a.date)) throw usageError(`line ${b.line}: date ${b.date} is not after line ${a.line}'s ${a.date}; rows must be in strictly increasing date order`);
  }
  const rows = table.rows.map((r) => ({ date: r.date as string, features: r.features, ...(r.regime ? { regime: r.regime } : {}) }));
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
  if (json) printJson(io, { detector: o.detector, features, baselineSize: o.baselineSize, ...result });
  else printBacktest(result, o.detector, features, o.baselineSize, io);
  return EXIT.ok;
}

function printBacktest(r: BacktestResult, detector: string, features: readonly string[], baselineSize: number, io: CliIO): void {
  io.stdout.write(`detector: ${detector} on ${features.join(', ')}; rolling baseline of ${baselineSize} rows; ${r.days} days checked\n`);
  if (r.episodes.length) {
    printTable(
      io,
      ['episode', 'start', 'first alarm', 'delay (days)', `caught (<= ${r.horizon} days)`],
      r.episodes.map((e) => [e.name, e.start, e.firstAlarm ?? '-', e.delay ?? '-', e.caught ? 'yes' : 'no']),
    );
  }
  io.stdout.write(`caught ${r.caught} of ${r.episodes.length} episode(s) within ${r.horizon} days\n`);
  io.stdout.write(`alarms: ${r.alarms.length}; calm days: ${r.calmDays}; false-alarm rate: ${pct(r.falseAlarmRate, 2)}; chance level (an alarm within ${r.horizon} days of a calm day): ${pct(r.chanceLevel, 1)}\n`);
  if (r.calibration) io.stdout.write(`calibration: ${r.calibration.recalibrations} recalibrations, mean in-sample rate ${pct(r.calibration.meanInSampleRate, 2)}\n`);
}
