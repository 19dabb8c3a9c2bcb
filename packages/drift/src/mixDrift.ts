import { type Issue, describeValue, throwIfIssues } from '@vigil/core';
import { gammaQ } from '@vigil/core';
import { designEffectThreshold, kolmogorovUpper } from './calibrate.js';
import { BoundedMemo } from './stats/BoundedMemo.js';
import { SortedSample } from './stats/SortedSample.js';
import { chi2Contingency, contingencyStatistic } from './stats/chiSquare.js';
import { ks2Samp, ksPValue, ksStatistic } from './stats/ks.js';
import { monitorKsMethod } from './stats/monitorKsMethod.js';
import { finiteFloat64 } from './stats/validate.js';

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

function mix<T extends string | number>(
  keys: readonly T[],
  c: ReadonlyMap<T, number>,
  n: number,
): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [String(k), (c.get(k) ?? 0) / n]));
}

/** A baseline's categories counted once (when the baseline is set), for every window compared with it. */
export interface MixBaseline<T extends string | number> {
  readonly length: number;
  readonly counts: ReadonlyMap<T, number>;
}

export const mixBaseline = <T extends string | number>(xs: readonly T[]): MixBaseline<T> => ({
  length: xs.length,
  counts: counts(xs),
});

/** Chi-square on the 2 x K table of counts (categories seen in either) and total variation distance. */
function compareMix<T extends string | number>(base: MixBaseline<T>, win: readonly T[]) {
  const cb = base.counts;
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
  base: readonly string[] | MixBaseline<string>,
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
  const m = compareMix(Array.isArray(base) ? mixBaseline(base) : (base as MixBaseline<string>), win);
  const newRegimes = m.keys.filter((k) => !m.cb.has(k));
  const p = corrected(m.stat, m.keys.length - 1, m.p, o.designEffect);
  // a regime the baseline never saw counts as significant, but like any mix change only beyond the alert
  // threshold: one day of a new regime in a 20-day window (distance 0.05) is one day's label, not a new mix
  const driftDetected = m.tvd > o.threshold && (newRegimes.length > 0 || p < o.alpha);
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
    /**
     * The class-mix distance that decides the flag for this window: the larger of the alert threshold and the
     * distance at which the (design-effect corrected) chi-square reaches alpha, moving from the baseline's mix
     * towards this window's. null when no mix in that direction reaches alpha (the window is too small to tell) or
     * the mixes are equal. The flag is: distance > threshold.
     */
    readonly threshold: number | null;
  };
  readonly confidence: {
    readonly statistic: number;
    readonly pValue: number;
    /** The confidence D that decides the flag: the larger of the alert threshold and the calibrated KS threshold. */
    readonly threshold: number;
  };
}

/** A prediction baseline prepared once (when it is set): its class counts, sorted confidences and their mean. */
export interface PredictionBaseline {
  readonly length: number;
  readonly classes: MixBaseline<number>;
  readonly confidence: SortedSample;
  readonly meanConfidence: number;
}

const sum = (xs: Float64Array): number => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};

export function predictionBaseline(base: readonly PredictionSample[]): PredictionBaseline {
  return {
    length: base.length,
    classes: mixBaseline(base.map((p) => p.label)),
    confidence: SortedSample.fromUnsorted(
      finiteFloat64(
        'a',
        base.map((p) => p.confidence),
      ),
    ),
    meanConfidence: base.reduce((s, p) => s + p.confidence, 0) / base.length,
  };
}

/** A window of predictions as columns (the monitor's checks: no object per prediction). */
export interface PredictionWindow {
  readonly labels: readonly number[];
  readonly confidences: Float64Array;
}

export const predictionWindow = (win: readonly PredictionSample[]): PredictionWindow => ({
  labels: win.map((p) => p.label),
  confidences: Float64Array.from(win, (p) => p.confidence),
});

export function predictionDrift(
  baseline: readonly PredictionSample[] | PredictionBaseline,
  window: readonly PredictionSample[] | PredictionWindow,
  o: { alpha: number; threshold: number; designEffects?: MixDesignEffects },
): PredictionDriftResult {
  const base = Array.isArray(baseline) ? predictionBaseline(baseline) : (baseline as PredictionBaseline);
  const win = Array.isArray(window) ? predictionWindow(window) : (window as PredictionWindow);
  const n = win.labels.length;
  const m = compareMix(base.classes, win.labels);
  // the confidence KS as ks2Samp computes it (the same quotients), against the baseline sorted once
  const ks = ksPValue(
    ksStatistic(base.confidence.extremesAgainstUnsorted(finiteFloat64('b', win.confidences))),
    base.length,
    n,
    'two-sided',
    monitorKsMethod(base.length, n),
  );
  const deff = o.designEffects;
  const classP = corrected(m.stat, m.keys.length - 1, m.p, deff?.classes);
  const classDrift = classP < o.alpha && m.tvd > o.threshold;
  const critical = criticalDistance(m.keys.map(String), m.bm, m.wm, base.length, n, deff?.classes, o.alpha);
  // with a design effect the confidence KS is judged at its effective sample sizes
  const confThreshold =
    deff?.confidence !== undefined
      ? Math.max(o.threshold, designEffectThreshold(deff.confidence, o.alpha, n, base.length))
      : o.threshold;
  const confDrift =
    deff?.confidence !== undefined ? ks.statistic > confThreshold : ks.pValue < o.alpha && ks.statistic > o.threshold;
  return {
    driftDetected: classDrift || confDrift,
    predictionShift: Math.max(m.tvd, ks.statistic),
    avgConfidenceChange: sum(win.confidences) / n - base.meanConfidence,
    classMix: {
      distributionChange: m.tvd,
      chiSquare: m.stat,
      pValue: classP,
      baseline: m.bm,
      window: m.wm,
      threshold: critical === null ? null : Math.max(o.threshold, critical),
    },
    confidence: { statistic: ks.statistic, pValue: ks.pValue, threshold: confThreshold },
  };
}

/**
 * The total variation distance at which a window's class mix would reach `alpha` (chi-square of the 2 x K table,
 * divided by the design effect), moving the mix from the baseline's towards the window's with the sizes kept: the
 * line the corrected p crosses, in the distance's own units. null when the mixes are equal or no mix in that
 * direction reaches alpha. Remembered by its exact inputs (a 60-step bisection; a monitor's windows repeat the
 * same few mixes against one baseline): a remembered distance is the one the bisection would find.
 */
export function criticalDistance(
  keys: readonly string[],
  baseline: Readonly<Record<string, number>>,
  window: Readonly<Record<string, number>>,
  nb: number,
  nw: number,
  deff: number | undefined,
  alpha: number,
): number | null {
  // every number by its shortest round-tripping text (-0 apart from 0), every key quoted: equal keys, equal inputs
  const num = (x: number | undefined): string => (Object.is(x, -0) ? '-0' : String(x));
  let key = `${num(nb)},${num(nw)},${num(deff)},${num(alpha)}`;
  for (const k of keys) key += `,${JSON.stringify(k)}:${num(baseline[k])}:${num(window[k])}`;
  return criticalMemo.get(key, () => bisectCriticalDistance(keys, baseline, window, nb, nw, deff, alpha));
}

const criticalMemo = new BoundedMemo<string, number | null>(1024);

function bisectCriticalDistance(
  keys: readonly string[],
  baseline: Readonly<Record<string, number>>,
  window: Readonly<Record<string, number>>,
  nb: number,
  nw: number,
  deff: number | undefined,
  alpha: number,
): number | null {
  const b = keys.map((k) => baseline[k] ?? 0);
  const dir = keys.map((k, i) => (window[k] ?? 0) - (b[i] as number));
  const tvd = dir.reduce((s, x) => s + Math.abs(x), 0) / 2;
  if (!(tvd > 1e-12) || keys.length < 2) return null;
  // the furthest step along the direction that keeps every share in [0, 1]
  let tMax = Number.POSITIVE_INFINITY;
  dir.forEach((x, i) => {
    const bi = b[i] as number;
    if (x < 0) tMax = Math.min(tMax, bi / -x);
    else if (x > 0) tMax = Math.min(tMax, (1 - bi) / x);
  });
  const p = (t: number): number => {
    const top: number[] = [];
    const bottom: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const bi = b[i] as number;
      const x = bi * nb;
      const y = Math.max(0, bi + t * (dir[i] as number)) * nw;
      // categories empty on both sides carry no information
      if (x + y > 0) {
        top.push(x);
        bottom.push(y);
      }
    }
    if (top.length < 2) return 1;
    // the table is built here from finite shares: its statistic alone, unchecked
    const stat = contingencyStatistic([top, bottom]).statistic;
    const df = top.length - 1;
    return gammaQ(df / 2, stat / (deff ?? 1) / 2);
  };
  if (!(p(tMax) < alpha)) return null;
  let lo = 0;
  let hi = tMax;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (p(mid) < alpha) hi = mid;
    else lo = mid;
  }
  return hi * tvd;
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
      const m = compareMix(mixBaseline(xs.slice(0, prefix[s])), xs.slice(prefix[s], prefix[s + windowSteps]));
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
