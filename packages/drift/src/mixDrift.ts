import { type Issue, describeValue, throwIfIssues } from '@vigil/core';
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

const argmax = (m: Record<string, number>): string => Object.entries(m).reduce((a, b) => (b[1] > a[1] ? b : a))[0];

export function regimeDrift(
  base: readonly string[],
  win: readonly string[],
  o: { alpha: number; threshold: number; minWindowSize: number },
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
  const driftDetected = newRegimes.length > 0 || (m.p < o.alpha && m.tvd > o.threshold);
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
    pValue: m.p,
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
  o: { alpha: number; threshold: number },
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
  const classDrift = m.p < o.alpha && m.tvd > o.threshold;
  const confDrift = ks.pValue < o.alpha && ks.statistic > o.threshold;
  return {
    driftDetected: classDrift || confDrift,
    predictionShift: Math.max(m.tvd, ks.statistic),
    avgConfidenceChange: mean(win) - mean(base),
    classMix: { distributionChange: m.tvd, chiSquare: m.stat, pValue: m.p, baseline: m.bm, window: m.wm },
    confidence: { statistic: ks.statistic, pValue: ks.pValue },
  };
}
