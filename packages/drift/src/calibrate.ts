import type { SortedSample } from './stats/SortedSample.js';

/**
 * KS statistic of a segment of the baseline against the rest of the baseline (the segment
 * removed), both given sorted; `seg` must be a sub-multiset of `base`. One merge, O(N + w).
 */
export function ksAgainstRest(base: Float64Array, seg: Float64Array): number {
  const n = base.length;
  const w = seg.length;
  const rest = n - w;
  if (rest <= 0 || w === 0) return 0;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n) {
    const v = base[i] as number;
    while (i < n && (base[i] as number) <= v) i++;
    while (j < w && (seg[j] as number) <= v) j++;
    const diff = Math.abs((i - j) / rest - j / w);
    if (diff > d) d = diff;
  }
  return d;
}

export interface ReplayCalibration {
  /** Per-feature thresholds: alarm when a feature's D exceeds its threshold. */
  readonly thresholds: Record<string, number>;
  /** The false-alarm rate asked for, and the rate the thresholds give on the replayed windows. */
  readonly targetRate: number;
  readonly inSampleRate: number;
  readonly replays: number;
  readonly windowSize: number;
}

/**
 * Sets per-feature thresholds so that, over windows replayed inside the baseline (each against
 * the baseline with the window removed), the share of windows where ANY feature alarms is at
 * most `targetRate`. Features are put on one scale by their empirical rank among the replays,
 * so a noisy (autocorrelated) feature gets a higher threshold than a quiet one.
 */
export function calibrateByReplay(
  series: ReadonlyMap<string, Float64Array>,
  sorted: ReadonlyMap<string, SortedSample>,
  windowLength: number,
  targetRate: number,
  maxReplays = 400,
): ReplayCalibration {
  const names = [...series.keys()];
  const len = Math.min(...names.map((n) => (series.get(n) as Float64Array).length));
  const positions = Math.max(0, len - windowLength + 1);
  const step = Math.max(1, Math.ceil(positions / maxReplays));
  const starts: number[] = [];
  for (let s = 0; s < positions; s += step) starts.push(s);
  const R = starts.length;
  const d = names.map((name) => {
    const x = series.get(name) as Float64Array;
    const base = sorted.get(name) as SortedSample;
    return Float64Array.from(starts, (s) => base.distanceExcluding(x.slice(s, s + windowLength).sort()));
  });
  // rank fraction of each replay's D within its feature; a window's score is its worst feature
  const sortedD = d.map((col) => col.slice().sort());
  const rankFrac = (f: number, v: number): number => upperBound(sortedD[f] as Float64Array, v) / R;
  const score = Float64Array.from(starts, (_, r) => Math.max(...d.map((col, f) => rankFrac(f, col[r] as number))));
  const candidates = [...new Set(score)].sort((a, b) => a - b);
  let level = 1;
  for (const c of candidates) {
    let above = 0;
    for (const s of score) if (s > c) above++;
    if (above / R <= targetRate) {
      level = c;
      break;
    }
  }
  const thresholds: Record<string, number> = {};
  names.forEach((name, f) => {
    let t = 0;
    for (const v of d[f] as Float64Array) if (rankFrac(f, v) <= level && v > t) t = v;
    thresholds[name] = t;
  });
  let alarms = 0;
  for (let r = 0; r < R; r++)
    if (names.some((name, f) => ((d[f] as Float64Array)[r] as number) > (thresholds[name] as number))) alarms++;
  return { thresholds, targetRate, inSampleRate: R ? alarms / R : 0, replays: R, windowSize: windowLength };
}

/** The number of values <= v in an ascending array. */
export function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
