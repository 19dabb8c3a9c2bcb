import { type CommandContext, VigilError, isVigilError } from '@vigil/core';
import type { DriftDetector, FeatureDriftResult } from './DriftDetector.js';
import type { DriftMonitor } from './DriftMonitor.js';
import type { DriftOptions } from './config.js';
import { type FeatureTable, featureColumns } from './featureRows.js';
import type { PredictionDriftResult, RegimeDriftResult } from './mixDrift.js';

type Skipped = { readonly skipped: string };

export const NOT_RECORDED_NOTE =
  'computed by the drift detector against the stored baseline; not written to drift_monitoring (the drift monitor has no API to record an ad-hoc check; the plugin records its own checks as predictions are observed)';

/** Runs a check that may lack its baseline or its window data; a missing piece is a skip, not an error. */
function attempt<T>(fn: () => T): T | Skipped {
  try {
    return fn();
  } catch (e) {
    if (isVigilError(e) && e.code === 'VIGIL_INSUFFICIENT_DATA') return { skipped: e.message };
    throw e;
  }
}

const isSkipped = (x: unknown): x is Skipped => typeof x === 'object' && x !== null && 'skipped' in x;

/**
 * Calibrated thresholds hold for the window length they were replayed at. A window of another
 * length is recalibrated at its own length (same target rate); if the baseline is too short for
 * that, the uncalibrated rule (threshold and corrected p-value) decides. This changes only the
 * detector of this command's short-lived host; nothing is persisted.
 */
function fitCalibration(d: DriftDetector, length: number, options: DriftOptions): string | undefined {
  const c = d.calibration;
  // design-effect thresholds follow each window's size: nothing to redo (and the live detector is never changed)
  if (!c || c.designEffects) return undefined;
  const lost = Math.max(...d.featureNames.map((n) => (d.transformOf(n) === 'none' ? 0 : 1)));
  if (c.windowSize === length - lost) return undefined;
  try {
    d.calibrate(c.targetRate, {
      windowSize: length,
      ...(options.calibration ? { maxReplays: options.calibration.maxReplays } : {}),
    });
    return `thresholds recalibrated for windows of ${length} (the stored calibration is for ${c.windowSize + lost})`;
  } catch (e) {
    if (!(e instanceof VigilError && e.code === 'VIGIL_INSUFFICIENT_DATA')) throw e;
    d.setCalibration(undefined);
    return `the baseline (${d.baselineSize}) is too short to calibrate windows of ${length}: the uncalibrated rule decides (D > ${d.alertThreshold} and corrected p < ${d.alpha})`;
  }
}

export interface DriftCheckReport {
  readonly driftDetected: boolean;
  readonly rows: number;
  readonly window: number;
  readonly recorded: false;
  readonly note: string;
  readonly calibrationNote: string | null;
  readonly feature: FeatureDriftResult;
  readonly regime: RegimeDriftResult | Skipped;
  readonly prediction: PredictionDriftResult | Skipped;
}

/**
 * Feature, regime and prediction drift of a table's rows (the last `last`) against the stored baseline; computed,
 * not recorded. The one implementation behind `vigil drift check` and `POST /api/drift/check`.
 */
export function checkWindow(
  monitor: DriftMonitor,
  options: DriftOptions,
  table: FeatureTable,
  last: number | undefined,
): DriftCheckReport {
  const d = monitor.detector;
  if (!d)
    throw new VigilError(
      'VIGIL_INSUFFICIENT_DATA',
      "no drift baseline is stored yet; store one first ('vigil drift baseline <file>' or POST /api/drift/baseline), or observe enough predictions for the plugin to collect one",
    );
  const n = last === undefined ? table.rows.length : Math.min(last, table.rows.length);
  const rows = table.rows.slice(table.rows.length - n);
  // With a monitored subset configured, other columns are ignored (as the observe hook does); otherwise every column must be a baseline feature.
  const window = {
    names: options.features ? table.names.filter((x) => d.featureNames.includes(x)) : table.names,
    rows,
  };
  const calibrationNote = fitCalibration(d, n, options) ?? null;
  const feature = d.detectFeatureDrift(featureColumns(window));
  const regimes = table.regimes?.slice(table.regimes.length - n);
  const predictions = table.predictions?.slice(table.predictions.length - n);
  const regime = regimes ? attempt(() => d.detectRegimeDrift(regimes)) : { skipped: 'the window has no regime column' };
  const prediction = predictions
    ? attempt(() => d.detectPredictionDrift(predictions))
    : { skipped: 'the window has no predictedLabel/confidence columns' };
  return {
    driftDetected:
      feature.driftDetected ||
      (!isSkipped(regime) && regime.driftDetected) ||
      (!isSkipped(prediction) && prediction.driftDetected),
    rows: table.rows.length,
    window: n,
    recorded: false,
    note: NOT_RECORDED_NOTE,
    calibrationNote,
    feature,
    regime,
    prediction,
  };
}

/** `vigil drift check`: checkWindow, printed; exit 1 on drift. */
export async function driftCheck(
  monitor: DriftMonitor,
  options: DriftOptions,
  table: FeatureTable,
  last: number | undefined,
  ctx: CommandContext<DriftOptions>,
): Promise<number> {
  let report: DriftCheckReport;
  try {
    report = checkWindow(monitor, options, table, last);
  } catch (e) {
    if (e instanceof VigilError && e.code === 'VIGIL_INSUFFICIENT_DATA' && !monitor.detector)
      throw ctx.usageError(
        "no drift baseline is stored yet; run 'vigil drift baseline <file>' first (or observe enough predictions for the plugin to collect one)",
      );
    throw e;
  }
  if (ctx.json()) ctx.printJson(report);
  else printCheck(report, ctx);
  return report.driftDetected ? ctx.exit.rejected : ctx.exit.ok;
}

function printCheck(r: DriftCheckReport, ctx: CommandContext<DriftOptions>): void {
  const { io, num, pct } = ctx;
  const f = r.feature;
  io.stdout.write(`window: ${r.window} row(s)${r.window < r.rows ? ` (the last of ${r.rows})` : ''}\n`);
  io.stdout.write(
    `feature drift: ${f.driftDetected ? `DETECTED in ${f.driftedFeatureNames.join(', ')}` : 'none'} (max D ${num(f.ksStatistic)}, rule ${f.rule})\n`,
  );
  ctx.printTable(
    ['feature', 'D', 'p-value', 'corrected p', 'threshold', 'drifted'],
    f.features.map((x) => [
      x.feature,
      num(x.statistic),
      x.pValue.toExponential(2),
      x.correctedPValue.toExponential(2),
      // above 1 no D can exceed it: the feature cannot flag at this window size
      x.untestable ? 'untestable' : num(x.threshold),
      x.drifted ? 'yes' : 'no',
    ]),
  );
  const rg = r.regime;
  if (isSkipped(rg)) io.stdout.write(`regime drift: skipped (${rg.skipped})\n`);
  else {
    const mixes = Object.keys(rg.windowMix).map(
      (k) => `${k} ${pct(rg.baselineMix[k] ?? 0)} -> ${pct(rg.windowMix[k])}`,
    );
    io.stdout.write(
      `regime drift: ${rg.driftDetected ? `DETECTED (${rg.regimeShift})` : 'none'} (TV distance ${num(rg.distributionChange)}, p ${rg.pValue.toExponential(2)}; ${mixes.join(', ')})\n`,
    );
  }
  const p = r.prediction;
  if (isSkipped(p)) io.stdout.write(`prediction drift: skipped (${p.skipped})\n`);
  else {
    io.stdout.write(
      `prediction drift: ${p.driftDetected ? 'DETECTED' : 'none'} (shift ${num(p.predictionShift)}; class mix TV ${num(p.classMix.distributionChange)}, p ${p.classMix.pValue.toExponential(2)}; confidence D ${num(p.confidence.statistic)}, p ${p.confidence.pValue.toExponential(2)}; mean confidence ${p.avgConfidenceChange >= 0 ? '+' : ''}${num(p.avgConfidenceChange)})\n`,
    );
  }
  if (r.calibrationNote) io.stdout.write(`note: ${r.calibrationNote}\n`);
  io.stdout.write(`note: ${r.note}\n`);
  io.stdout.write(r.driftDetected ? 'DRIFT DETECTED\n' : 'no drift\n');
}
