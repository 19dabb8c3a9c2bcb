import type { HistoryRow } from '../backtest.js';
import { DriftDetector } from '../DriftDetector.js';

export interface KsCalmDaysOptions {
  readonly rows: readonly HistoryRow[];
  readonly features: readonly string[];
  readonly episodes: readonly { readonly name: string; readonly start: string; readonly end: string }[];
  /** Checks dated in [from, to] are scored. */
  readonly from: string;
  readonly to: string;
  /** Days per model: a new model (and its baseline of the `baselineSteps` days before it) every `modelLife` days. */
  readonly modelLife: number;
  readonly baselineSteps: number;
  readonly windowSteps: number;
  /** null: the spec's rule (D > 0.15 and Holm p < 0.05 on i.i.d. p-values); else calibrated to this false-alarm rate. */
  readonly targetRate: number | null;
  /** Trading days either side of an episode that are not calm (default 20). */
  readonly margin?: number;
}

export interface KsCalmDaysResult {
  readonly calmChecks: number;
  /** Share of checks dated on a calm day that flag any feature. */
  readonly calmFlagRate: number;
  readonly perFeature: Record<string, number>;
  /** Per feature: share of calm-day checks in which it was untestable (calibrated threshold above 1: it cannot flag). */
  readonly untestable: Record<string, number>;
  /** Share of checks dated inside an episode that flag. */
  readonly duringFlagRate: number;
  readonly episodesFlagged: { readonly name: string; readonly flagged: boolean }[];
  /** Calm checks that flagged: date and features. */
  readonly calmFlagged: string[];
}

/**
 * How often the drift monitor's KS window check flags on calm days of a dated history: a model starts every
 * `modelLife` days with a fixed baseline of the days before it; each day from its `windowSteps`-th on, its last
 * `windowSteps` days are checked against that baseline (one record per day). Calm: outside every episode and
 * `margin` days either side, as `vigil drift backtest` counts them.
 */
export function ksCalmDays(o: KsCalmDaysOptions): KsCalmDaysResult {
  const { rows, features, baselineSteps: B, windowSteps: W } = o;
  const dates = rows.map((r) => r.date);
  const cols = Object.fromEntries(features.map((f) => [f, Float64Array.from(rows, (r) => r.features[f] as number)]));
  const margin = o.margin ?? 20;
  const calm = dates.map(() => true);
  const during: (string | null)[] = dates.map(() => null);
  for (const e of o.episodes) {
    const s = dates.findIndex((x) => x >= e.start);
    if (s < 0) continue;
    let t = s;
    while (t + 1 < dates.length && (dates[t + 1] as string) <= e.end) t++;
    for (let i = Math.max(0, s - margin); i <= Math.min(dates.length - 1, t + margin); i++) calm[i] = false;
    for (let i = s; i <= t; i++) during[i] = e.name;
  }
  const checks: { t: number; flagged: boolean; features: string[]; untestable: string[] }[] = [];
  for (let start = B + 1; start + W <= rows.length; start += o.modelLife) {
    const det = new DriftDetector({
      windowSize: W,
      alertThreshold: 0.15,
      alpha: 0.05,
      correction: 'holm',
      minWindowSize: 2,
    });
    det.setBaseline({
      features: Object.fromEntries(features.map((f) => [f, (cols[f] as Float64Array).subarray(start - B, start)])),
    });
    // as the monitor calibrates: windows of W whole steps (one value per trading day here)
    if (o.targetRate !== null)
      det.calibrate(o.targetRate, {
        stepCounts: new Map(features.map((f) => [f, new Array<number>(B).fill(1)])),
        windowSteps: W,
      });
    for (let t = start + W - 1; t < Math.min(rows.length, start + o.modelLife); t++) {
      const d = dates[t] as string;
      if (d < o.from || d > o.to) continue;
      const r = det.detectFeatureDrift(
        Object.fromEntries(features.map((f) => [f, (cols[f] as Float64Array).subarray(t - W + 1, t + 1)])),
      );
      checks.push({
        t,
        flagged: r.driftDetected,
        features: r.driftedFeatureNames,
        untestable: r.untestableFeatureNames,
      });
    }
  }
  const calmChecks = checks.filter((c) => calm[c.t]);
  const duringChecks = checks.filter((c) => during[c.t]);
  const share = (xs: readonly unknown[], of: readonly unknown[]) => xs.length / Math.max(1, of.length);
  return {
    calmChecks: calmChecks.length,
    calmFlagRate: share(
      calmChecks.filter((c) => c.flagged),
      calmChecks,
    ),
    perFeature: Object.fromEntries(
      features.map((f) => [
        f,
        share(
          calmChecks.filter((c) => c.features.includes(f)),
          calmChecks,
        ),
      ]),
    ),
    untestable: Object.fromEntries(
      features.map((f) => [
        f,
        share(
          calmChecks.filter((c) => c.untestable.includes(f)),
          calmChecks,
        ),
      ]),
    ),
    duringFlagRate: share(
      duringChecks.filter((c) => c.flagged),
      duringChecks,
    ),
    episodesFlagged: o.episodes
      .filter((e) => e.start >= o.from && e.start <= o.to)
      .map((e) => ({ name: e.name, flagged: duringChecks.some((c) => during[c.t] === e.name && c.flagged) })),
    calmFlagged: calmChecks.filter((c) => c.flagged).map((c) => `${dates[c.t]} ${c.features.join('+')}`),
  };
}
