import { type LoggedPrediction, type PredictionLog, VigilError, dialectOf, placeholder, quoteIdent } from '@vigil/core';
import type { DataSource } from 'typeorm';
import type { DriftMonitor } from './DriftMonitor.js';
import { nextDay } from './DriftSeries.js';
import { PanelDrift } from './PanelDrift.js';
import { baselineVersion } from './baselineVersion.js';
import { DRIFT_MONITORING_TABLE } from './entities/DriftMonitoring.js';
import type { FeatureCheckDetails } from './featureCheckDetails.js';
import { ks2SampSorted } from './stats/ks.js';
import { sortFloat64 } from './stats/sortFloat64.js';

/** Points an ECDF is drawn with at most (quantiles of the sample; D is computed on all of it). */
export const ECDF_POINTS = 400;

/** Baseline vs window distribution of one feature at one window check (`GET /api/drift/distribution`). */
export interface DriftDistributionDocument {
  readonly model: string;
  readonly feature: string;
  /** The window check shown: the latest at or before the step asked for. */
  readonly check: {
    id: number;
    step: string;
    timestamp: string;
    statistic: number;
    threshold: number | null;
    drifted: boolean;
    /** 'tested', or 'untestable' (its calibrated threshold is above 1: it cannot flag; threshold null). */
    status: string;
  };
  /** The window: its steps and values (after per-symbol transforms), rebuilt from the prediction log. */
  readonly window: { firstStep: string; lastStep: string; steps: number; n: number; ecdf: [number, number][] };
  /**
   * The model's current baseline. `version` identifies it (`baselineVersion`); `recordedVersion`
   * is the one the check recorded (null for a check written before checks recorded it);
   * `sameAsCheck` says whether they are the same baseline (null: unknown).
   */
  readonly baseline: {
    n: number;
    ecdf: [number, number][];
    version: string;
    recordedVersion: string | null;
    sameAsCheck: boolean | null;
  };
  /**
   * KS D of the rebuilt window against the current baseline, where the ECDFs are furthest apart,
   * and its p-value: the recorded D when `baseline.sameAsCheck`, otherwise not (see `note`).
   */
  readonly ks: { statistic: number; at: number; baselineCdf: number; windowCdf: number; pValue: number };
  /** Why the D shown may not be the recorded one (the baseline was replaced since, or is unknown); null when it is. */
  readonly note: string | null;
  /** Features the model's checks cover (for the picker). */
  readonly features: readonly string[];
}

/**
 * Rebuilds a window check's sample from the prediction log (the monitor keeps only the current
 * window's values): the `window_steps` steps ending at the check's step, through the monitor's own
 * per-symbol step engine (`PanelDrift`), so the values are the ones the check saw. The baseline is
 * the model's current one (a replaced baseline is not kept): the check recorded its baseline's
 * version, so the answer says whether it is still the same (then D equals the recorded D) or was
 * replaced since (then D is against the current baseline, and `note` says so). Reads the log by
 * model and timestamp range (the prediction log's (model_version, timestamp) index).
 */
export class DriftDistribution {
  constructor(
    private readonly ds: DataSource,
    private readonly log: PredictionLog,
    private readonly monitor: DriftMonitor,
  ) {}

  /** null when no window check matches (none recorded yet for the model, or none at or before the step). */
  async read(q: { model?: string; feature?: string; step?: string }): Promise<DriftDistributionDocument | null> {
    const ph = placeholder(dialectOf(this.ds));
    const params: unknown[] = [];
    const where = [`drift_type = 'feature'`, 'step IS NOT NULL'];
    if (q.model !== undefined) where.push(`model_version = ${ph(params.push(q.model))}`);
    if (q.step !== undefined) where.push(`step < ${ph(params.push(nextDay(q.step.slice(0, 10))))}`);
    const [row] = (await this.ds.query(
      `SELECT id, timestamp, model_version, step, details_json FROM ${quoteIdent(DRIFT_MONITORING_TABLE)} WHERE ${where.join(' AND ')} ORDER BY step DESC, id DESC LIMIT 1`,
      params,
    )) as { id: unknown; timestamp: string; model_version: string; step: string; details_json: string }[];
    if (!row) return null;
    const model = String(row.model_version);
    const details = JSON.parse(String(row.details_json)) as FeatureCheckDetails;
    if (details.status === 'insufficient')
      throw new VigilError(
        'VIGIL_NOT_FOUND',
        `model ${model}'s window check at ${row.step} compared nothing: ${details.reason ?? 'insufficient data'}`,
      );
    const features = (details.features ?? []).map((f) => f.feature);
    const feature = q.feature ?? features[0];
    const recorded = details.features?.find((f) => f.feature === feature);
    if (feature === undefined || !recorded)
      throw new VigilError(
        'VIGIL_INVALID_INPUT',
        `querystring.feature: model ${model}'s checks cover ${features.join(', ') || 'no feature'}, got ${JSON.stringify(q.feature)}`,
        {
          issues: [{ path: 'querystring.feature', message: `must be one of ${features.join(', ')}`, value: q.feature }],
        },
      );
    const detector = this.monitor.detectorFor(model);
    const base = detector?.sortedBaseline(feature);
    if (!detector || !base)
      throw new VigilError('VIGIL_NOT_FOUND', `no drift baseline for model ${model}'s feature ${feature}`);

    const windowSteps = Number(details.window_steps ?? this.monitor.options.windowSteps);
    const values = await this.#windowValues(model, String(row.step), windowSteps, detector.featureNames);
    const win = sortFloat64(values.values.get(feature) ?? new Float64Array(0));
    if (win.length === 0)
      throw new VigilError(
        'VIGIL_NOT_FOUND',
        `the prediction log holds no ${feature} values for model ${model}'s window ending ${row.step}`,
      );
    const ks = ks2SampSorted(base, win);
    const at = furthestApart(base, win);
    const version = baselineVersion(detector);
    const recordedVersion = typeof details.baseline_version === 'string' ? details.baseline_version : null;
    const sameAsCheck = recordedVersion === null ? null : recordedVersion === version;
    const note =
      sameAsCheck === true
        ? null
        : sameAsCheck === false
          ? `model ${model}'s baseline was replaced after this check (the check used baseline ${recordedVersion}, the current one is ${version}): the ECDFs and D shown are against the current baseline, not the recorded D ${recorded.statistic}`
          : `this check did not record its baseline's version: the ECDFs and D shown are against the current baseline (${version}), which is the recorded D ${recorded.statistic} only if the baseline was not replaced since`;
    return {
      model,
      feature,
      check: {
        id: Number(row.id),
        step: String(row.step),
        timestamp: String(row.timestamp),
        statistic: recorded.statistic,
        threshold: typeof recorded.threshold === 'number' ? recorded.threshold : null,
        drifted: recorded.drifted === true,
        status: recorded.status ?? 'tested',
      },
      window: {
        firstStep: values.firstStep,
        lastStep: values.lastStep,
        steps: values.steps,
        n: win.length,
        ecdf: ecdf(win),
      },
      baseline: { n: base.length, ecdf: ecdf(base), version, recordedVersion, sameAsCheck },
      ks: { statistic: ks.statistic, at: at.x, baselineCdf: at.fa, windowCdf: at.fb, pValue: ks.pValue },
      note,
      features,
    };
  }

  /** The transformed values of the `steps` steps ending at `step`, fed through a PanelDrift with one step before them for the transforms. */
  async #windowValues(model: string, step: string, steps: number, features: readonly string[]) {
    const o = this.monitor.options;
    const end =
      o.stepMinutes === null ? nextDay(step) : new Date(Date.parse(step) + o.stepMinutes * 60_000).toISOString();
    const stepDays = o.stepMinutes === null ? 1 : o.stepMinutes / 1440;
    // calendar days back that hold steps + 1 steps: weekends and holidays, then widen until they do
    let days = Math.ceil((steps + 1) * stepDays * 1.6) + 7;
    let rows: LoggedPrediction[] = [];
    for (let tries = 0; tries < 8; tries++) {
      const from = new Date(Date.parse(end.length === 10 ? `${end}T00:00:00Z` : end) - days * 86_400_000).toISOString();
      const before = rows.length;
      rows = await this.log.range({ from, to: end.length === 10 ? `${end}T00:00:00.000Z` : end, modelVersion: model });
      const found = new Set(rows.map((r) => stepKey(r.timestamp, o.stepMinutes))).size;
      // enough steps, or the model's history starts inside the range (widening finds nothing more)
      if (found > steps || (found === steps && rows.length === before)) break;
      days *= 2;
    }
    const engine = new PanelDrift({
      features,
      transforms: o.transforms,
      stepMinutes: o.stepMinutes,
      referenceSteps: 1,
      minStepRecords: o.minStepRecords,
      keepValues: steps,
      cusum: null,
    });
    const noop = () => {};
    engine.ingest(rows, noop);
    engine.flush(noop);
    const window = engine.window(steps);
    const out = new Map<string, Float64Array>();
    for (const f of features) out.set(f, Float64Array.from(window.flatMap((s) => s.values?.[f] ?? [])));
    return {
      values: out,
      firstStep: window[0]?.step ?? step,
      lastStep: window.at(-1)?.step ?? step,
      steps: window.length,
    };
  }
}

function stepKey(timestamp: string, stepMinutes: number | null): string {
  const ms = Date.parse(timestamp);
  if (stepMinutes === null) return new Date(ms).toISOString().slice(0, 10);
  return String(Math.floor(ms / (stepMinutes * 60_000)));
}

/** An ECDF as at most ECDF_POINTS [x, F(x)] pairs of a sorted sample (every point when it is small). */
export function ecdf(sorted: ArrayLike<number>): [number, number][] {
  const n = sorted.length;
  const m = Math.min(n, ECDF_POINTS);
  const out: [number, number][] = [];
  for (let k = 0; k < m; k++) {
    const i = m === n ? k : Math.round((k * (n - 1)) / (m - 1));
    // F at a value counts every copy of it
    let j = i;
    while (j + 1 < n && sorted[j + 1] === sorted[i]) j++;
    out.push([sorted[i] as number, (j + 1) / n]);
  }
  return out;
}

/** Where two sorted samples' ECDFs are furthest apart: the value x, and each ECDF there. */
export function furthestApart(a: ArrayLike<number>, b: ArrayLike<number>): { x: number; fa: number; fb: number } {
  let i = 0;
  let j = 0;
  let best = { x: Number.NaN, fa: 0, fb: 0 };
  let d = -1;
  while (i < a.length || j < b.length) {
    const x = Math.min(
      i < a.length ? (a[i] as number) : Number.POSITIVE_INFINITY,
      j < b.length ? (b[j] as number) : Number.POSITIVE_INFINITY,
    );
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
    const fa = i / a.length;
    const fb = j / b.length;
    if (Math.abs(fa - fb) > d) {
      d = Math.abs(fa - fb);
      best = { x, fa, fb };
    }
  }
  return best;
}
