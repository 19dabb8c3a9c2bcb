import { type CommandContext, VigilError } from '@vigil/core';
import type { DriftMonitor } from './DriftMonitor.js';
import type { DriftOptions } from './config.js';
import { type FeatureTable, featureColumns } from './featureRows.js';
import { meanSd } from './stats/meanSd.js';

const mix = (xs: readonly (string | number)[]): Record<string, number> => {
  const m: Record<string, number> = {};
  for (const x of xs) m[String(x)] = (m[String(x)] ?? 0) + 1 / xs.length;
  return m;
};

export interface BaselineSummary {
  readonly rows: number;
  readonly features: {
    name: string;
    size: number;
    mean: number;
    sd: number;
    transform: string;
    threshold: number;
    designEffect: number | null;
    /** Its threshold exceeds 1 (the largest D there is) at windows of `windowSize`: the check cannot flag it. */
    untestable: boolean;
  }[];
  readonly ignoredColumns: string[];
  readonly regimes: Record<string, number> | null;
  readonly predictions: { count: number; labels: Record<string, number> } | null;
  readonly windowSize: number;
  readonly rule: 'calibrated' | 'threshold+pvalue';
  readonly calibration: { targetRate: number; inSampleRate: number; replays: number; windowSize: number } | null;
  readonly warnings: string[];
}

/**
 * Replaces the stored drift baseline (drift_baseline) with a table's rows through the drift monitor, which
 * validates and calibrates it before writing; the running plugin compares every later window against it. The one
 * implementation behind `vigil drift baseline` and `POST /api/drift/baseline`.
 */
export async function storeBaseline(
  monitor: DriftMonitor,
  options: DriftOptions,
  table: FeatureTable,
): Promise<BaselineSummary> {
  let names = [...table.names];
  if (options.features) {
    const missing = options.features.filter((f) => !names.includes(f));
    if (missing.length) {
      const message = `the baseline lacks monitored feature(s) ${missing.join(', ')} (plugins.drift.options.features: ${options.features.join(', ')})`;
      throw new VigilError('VIGIL_INVALID_INPUT', message, { issues: [{ path: 'features', message, value: missing }] });
    }
    names = [...options.features];
  }
  const all = featureColumns(table);
  const features = Object.fromEntries(names.map((n) => [n, all[n] as Float64Array]));
  // dated rows (and symbols) make the baseline's steps, as live windows are sized: calibration replays whole steps
  const dated = table.rows.length > 0 && table.rows.every((r) => r.date !== undefined);
  const withSymbols = dated && table.rows.every((r) => r.symbol !== undefined);
  const d = await monitor.setBaseline({
    features,
    ...(dated ? { timestamps: table.rows.map((r) => new Date(Date.parse(r.date as string)).toISOString()) } : {}),
    ...(withSymbols ? { symbols: table.rows.map((r) => r.symbol as string) } : {}),
    ...(table.regimes ? { regimes: table.regimes } : {}),
    ...(table.predictions ? { predictions: table.predictions } : {}),
  });
  const c = d.calibration;
  return {
    rows: table.rows.length,
    features: names.map((name) => {
      const { mean, sd } = meanSd(features[name] as Float64Array);
      return {
        name,
        size: (features[name] as Float64Array).length,
        mean,
        sd,
        transform: d.transformOf(name),
        threshold: d.thresholdOf(name, d.windowSize),
        designEffect: c?.designEffects?.[name] ?? null,
        untestable: d.thresholdOf(name, d.windowSize) > 1,
      };
    }),
    ignoredColumns: table.names.filter((n) => !names.includes(n)),
    regimes: table.regimes ? mix(table.regimes) : null,
    predictions: table.predictions
      ? { count: table.predictions.length, labels: mix(table.predictions.map((p) => p.label)) }
      : null,
    windowSize: d.windowSize,
    rule: c ? 'calibrated' : 'threshold+pvalue',
    calibration: c
      ? { targetRate: c.targetRate, inSampleRate: c.inSampleRate, replays: c.replays, windowSize: c.windowSize }
      : null,
    warnings: [...d.warnings],
  };
}

/** `vigil drift baseline`: stores the baseline (storeBaseline) and prints what was stored. */
export async function driftBaseline(
  monitor: DriftMonitor,
  options: DriftOptions,
  table: FeatureTable,
  ctx: CommandContext<DriftOptions>,
): Promise<number> {
  const { io, num, pct } = ctx;
  const summary = await storeBaseline(monitor, options, table);
  const names = summary.features.map((f) => f.name);
  const c = summary.calibration;
  if (ctx.json()) {
    ctx.printJson(summary);
    return ctx.exit.ok;
  }
  io.stdout.write(
    `drift baseline stored: ${summary.rows} rows, ${names.length} feature(s); checks use windows of ${summary.windowSize}\n`,
  );
  ctx.printTable(
    ['feature', 'n', 'mean', 'sd', 'transform', 'threshold D'],
    summary.features.map((f) => [
      f.name,
      f.size,
      num(f.mean, 4),
      num(f.sd, 4),
      f.transform,
      f.untestable ? `untestable (${num(f.threshold)} > 1)` : num(f.threshold),
    ]),
  );
  if (summary.regimes)
    io.stdout.write(
      `regimes: ${Object.entries(summary.regimes)
        .map(([r, s]) => `${r} ${pct(s)}`)
        .join(', ')}\n`,
    );
  else io.stdout.write('regimes: none in the file (regime drift will not be checked)\n');
  if (summary.predictions)
    io.stdout.write(
      `predictions: ${summary.predictions.count} (labels ${Object.entries(summary.predictions.labels)
        .map(([l, s]) => `${l}: ${pct(s)}`)
        .join(', ')})\n`,
    );
  else io.stdout.write('predictions: none in the file (prediction drift will not be checked)\n');
  io.stdout.write(
    c
      ? `thresholds calibrated on whole baseline steps to a ${pct(c.targetRate)} false-alarm rate (${c.replays} replayed windows of ${c.windowSize}; in-sample ${pct(c.inSampleRate, 2)})\n`
      : `rule: D > ${options.alertThreshold} and ${options.correction}-corrected p < ${options.alpha} (not calibrated)\n`,
  );
  if (summary.ignoredColumns.length)
    io.stdout.write(`ignored columns (not in plugins.drift.options.features): ${summary.ignoredColumns.join(', ')}\n`);
  for (const w of summary.warnings) io.stderr.write(`warning: ${w}\n`);
  return ctx.exit.ok;
}
