import { type Issue, describeValue, throwIfIssues } from '@vigil/core';
import { gammaQ } from '@vigil/core';
import { designEffectThreshold, kolmogorovUpper } from './calibrate.js';
import { chi2Contingency } from './stats/chiSquare.js';
import { ks2Samp } from './stats/ks.js';
import { monitorKsMethod } from './stats/monitorKsMethod.js';

export interface PredictionSample {
  readonly label: number;
  readonly confidence: number;
}

export interface RegimeDriftResult {
  readonly driftDetected: boolean;
  /** `"normal -> crash"` when drift is detected, else `"stable"`. */
  readonly regimeShift: string;
  /** Total variation distance between the baseline and window regime mixes. */
  readonly distributionChange: number;
  readonly chiSquare: number;
  readonly pValue: number;
  readonly baselineMix: Record<string, number>;
  readonly windowMix: Record<string, number>;
  /** Regimes in the window that the baseline never saw. */
  readonly newRegimes: string[];
  /** The chi-square's design effect from the baseline (its p-value is of chi-square / design effect). */
  readonly designEffect?: number;
}

/** The chi-square p-value of statistic / design effect (Rao-Scott's first-order correction), else the plain one. */
function corrected(stat: number, df: number, p: number, deff: number | undefined): number {
  return deff === undefined || df <= 0 ? p : gammaQ(df / 2, stat / deff / 2);
}

const counts = <T extends string | number>(xs: readonly T[]): Map<T, number> => {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
};

function mix<T extends string | number>(keys: readonly T[], c: Map<T, number>, n: number): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [String(k), (c.get(k) ?? 0) / n]));
}

/** Chi-square on the 2 x K table of counts (categories seen in either) and total variation distance. */
function compareMix<T extends string | number>(base: readonly T[], win: readonly T[]) {
  const cb = counts(base);
  const cw = counts(win);
  const keys = [...new Set([...cb.keys(), ...cw.keys()])].sort();
  const table = [keys.map((k) => cb.get(k) ?? 0), keys.map((k) => cw.get(k) ?? 0)];
  const test = keys.length > 1 ? chi2Contingency(table) : { statistic: 0, pValue: 1 };
  const bm = mix(keys, cb, base.length);
  const wm = mix(keys, cw, win.length);
  let tvd = 0;
  for (const k of keys) tvd += Math.abs((bm[String(k)] as number) - (wm[String(k)] as number));
  return { keys, cb, cw, bm, wm, tvd: tvd / 2, stat: test.statistic, p: test.pValue };
}

const K_MEDIAN = kolmogorovUpper(0.5);

const argmax = (m: Record<string, number>): string => Object.entries(m).reduce((a, b) => (b[1] > a[1] ? b : a))[0];

export function regimeDrift(
  base: readonly string[],
  win: readonly string[],
  o: { alpha: number; threshold: number; minWindowSize: number; designEffect?: number },
): RegimeDriftResult {
  const issues: Issue[] = [];
  if (!Array.isArray(win) || win.length < o.minWindowSize)
    issues.push({
      path: 'regimes',
      message: `must hold at least ${o.minWindowSize} regime names, got ${Array.isArray(win) ? win.length : describeValue(win)}`,
      value: win,
    });
  else
    win.forEach((r, i) => {
      if (typeof r !== 'string' || r.length === 0)
        issues.push({
          path: `regimes[${i}]`,
          message: `must be a non-empty string, got ${describeValue(r)}`,
          value: r,
        });
    });
  throwIfIssues('regime window', issues);
  const m = compareMix(base, win);
  const newRegimes = m.keys.filter((k) => !m.cb.has(k));
  const p = corrected(m.stat, m.keys.length - 1, m.p, o.designEffect);
  const driftDetected = newRegimes.length > 0 || (p < o.alpha && m.tvd > o.threshold);
  let regimeShift = 'stable';
  if (driftDetected) {
    const from = argmax(m.bm);
    let to = argmax(m.wm);
    if (newRegimes.length > 0)
      to = newRegimes.map(String).reduce((a, b) => ((m.wm[b] as number) > (m.wm[a] as number) ? b : a));
    else if (to === from) {
      // the regime whose share grew the most
      to = m.keys
        .map(String)
        .reduce((a, b) =>
          (m.wm[b] as number) - (m.bm[b] as number) > (m.wm[a] as number) - (m.bm[a] as number) ? b : a,
        );
    }
    regimeShift = `${from} -> ${to}`;
  }
  return {
    driftDetected,
    regimeShift,
    distributionChange: m.tvd,
    chiSquare: m.stat,
    pValue: p,
    ...(o.designEffect !== undefined ? { designEffect: o.designEffect } : {}),
    baselineMix: m.bm,
    windowMix: m.wm,
    newRegimes,
  };
}

export interface PredictionDriftResult {
  readonly driftDetected: boolean;
  /** The larger of the class-mix total variation and the confidence KS statistic. */
  readonly predictionShift: number;
  /** Window mean confidence minus baseline mean confidence. */
  readonly avgConfidenceChange: number;
  readonly classMix: {
    readonly distributionChange: number;
    readonly chiSquare: number;
    readonly pValue: number;
    readonly baseline: Record<string, number>;
    readonly window: Record<string, number>;
  };
  readonly confidence: { readonly statistic: number; readonly pValue: number };
}

export function predictionDrift(
  base: readonly PredictionSample[],
  win: readonly PredictionSample[],
  o: { alpha: number; threshold: number; designEffects?: MixDesignEffects },
): PredictionDriftResult {
  const m = compareMix(
    base.map((p) => p.label),
    win.map((p) => p.label),
  );
  const ks = ks2Samp(
    base.map((p) => p.confidence),
    win.map((p) => p.confidence),
    { method: monitorKsMethod(base.length, win.length) },
  );
  const mean = (xs: readonly PredictionSample[]) => xs.reduce((s, p) => s + p.confidence, 0) / xs.length;
  const deff = o.designEffects;
  const classP = corrected(m.stat, m.keys.length - 1, m.p, deff?.classes);
  const classDrift = classP < o.alpha && m.tvd > o.threshold;
  // with a design effect the confidence KS is judged at its effective sample sizes
  const confDrift =
    deff?.confidence !== undefined
      ? ks.statistic > Math.max(o.threshold, designEffectThreshold(deff.confidence, o.alpha, win.length, base.length))
      : ks.pValue < o.alpha && ks.statistic > o.threshold;
  return {
    driftDetected: classDrift || confDrift,
    predictionShift: Math.max(m.tvd, ks.statistic),
    avgConfidenceChange: mean(win) - mean(base),
    classMix: { distributionChange: m.tvd, chiSquare: m.stat, pValue: classP, baseline: m.bm, window: m.wm },
    confidence: { statistic: ks.statistic, pValue: ks.pValue },
  };
}

/** How much wider the mix and confidence statistics spread over replayed windows than over independent rows. */
export interface MixDesignEffects {
  /** Chi-square of the regime mix (Rao-Scott: the statistic is divided by it). */
  readonly regimes?: number;
  /** Chi-square of the predicted class mix. */
  readonly classes?: number;
  /** Confidence KS (as for features: D's threshold widens by its square root). */
  readonly confidence?: number;
}

/** Median of chi-square with `df` degrees of freedom (Wilson-Hilferty). */
const chi2Median = (df: number): number => df * (1 - 2 / (9 * df)) ** 3;

/**
 * Design effects of the regime mix, the class mix and the confidence distribution, from forward replays inside a
 * baseline: windows of `windowSteps` whole steps against the steps before them (at least half the baseline), as
 * feature KS thresholds are calibrated. Each is the median of the replayed statistic over its median for
 * independent rows (at least 1): a regime holds for every symbol of a day and for weeks, so a 20-day window's mix
 * varies as a handful of independent draws would, not as hundreds.
 */
export function mixDesignEffects(
  counts: readonly number[],
  windowSteps: number,
  regimes: readonly string[] | undefined,
  predictions: readonly PredictionSample[] | undefined,
): MixDesignEffects {
  const S = counts.length;
  const prefix = [0];
  for (const c of counts) prefix.push((prefix.at(-1) as number) + c);
  const total = prefix[S] as number;
  const first = Math.max(1, Math.ceil(S / 2));
  const starts: number[] = [];
  for (let s = first; s + windowSteps <= S; s++) starts.push(s);
  const median = (xs: number[]): number => {
    const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
    return v.length ? ((v[(v.length - 1) >> 1] as number) + (v[v.length >> 1] as number)) / 2 : Number.NaN;
  };
  const chi = <T extends string | number>(xs: readonly T[]): number => {
    const ratios = starts.map((s) => {
      const m = compareMix(xs.slice(0, prefix[s]), xs.slice(prefix[s], prefix[s + windowSteps]));
      const df = m.keys.length - 1;
      return df > 0 ? m.stat / chi2Median(df) : Number.NaN;
    });
    return Math.max(1, median(ratios) || 1);
  };
  const out: { regimes?: number; classes?: number; confidence?: number } = {};
  if (regimes?.length === total) out.regimes = chi(regimes);
  if (predictions?.length === total) {
    out.classes = chi(predictions.map((p) => p.label));
    const conf = predictions.map((p) => p.confidence);
    const z = starts.map((s) => {
      const a = conf.slice(0, prefix[s]);
      const b = conf.slice(prefix[s], prefix[s + windowSteps]);
      return ks2Samp(a, b, { method: 'asymp' }).statistic * Math.sqrt((a.length * b.length) / (a.length + b.length));
    });
    out.confidence = Math.max(1, (median(z) / K_MEDIAN) ** 2 || 1);
  }
  return out;
}
