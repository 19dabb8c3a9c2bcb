import { BoundedMemo } from './stats/BoundedMemo.js';
import { ksExtremesSorted, ksStatistic } from './stats/ks.js';

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
  /** Per-feature thresholds at `windowSize` against the whole baseline: alarm when a feature's D exceeds its threshold. */
  readonly thresholds: Record<string, number>;
  /** The false-alarm rate asked for (any feature), and the rate the thresholds give on the replayed windows. */
  readonly targetRate: number;
  readonly inSampleRate: number;
  readonly replays: number;
  readonly windowSize: number;
  /**
   * Per feature: how much wider D spreads over the replayed windows than over independent rows of the same sizes
   * (the design effect: (median of sqrt(n m / (n + m)) D over the replays / the Kolmogorov median)^2, at least 1).
   * Rows of one step share the step (one VIX value for every symbol) and neighbouring steps resemble each other,
   * so D's null spread is that of far fewer independent rows. Present: thresholds follow each window's size.
   */
  readonly designEffects?: Record<string, number>;
  /** Each feature's share of `targetRate` (Sidak: 1 - (1 - target)^(1 / features)). */
  readonly featureRate?: number;
  /** Whole steps per replayed window (rows when the baseline has no steps). */
  readonly windowSteps?: number;
  /** The design effects include the clustered floor (`clusteredDesignEffect`); stored calibrations without it are redone. */
  readonly clusteredFloor?: boolean;
}

/** Pr(K > x) for the Kolmogorov distribution (the limit of sqrt(n m / (n + m)) D for independent samples). */
export function kolmogorovTail(x: number): number {
  if (x <= 0) return 1;
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    s += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

/**
 * Quantiles already found, by p: a monitor asks for the same few rates (its alpha, its features' Sidak share) on
 * every check. kolmogorovUpper is a pure function of p, so a remembered quantile is the one the bisection would
 * find. Bounded: a full table is emptied.
 */
const upperMemo = new BoundedMemo<number, number>(256);

/** The x with Pr(K > x) = p (bisection). */
export function kolmogorovUpper(p: number): number {
  return upperMemo.get(p, () => bisectKolmogorovUpper(p));
}

function bisectKolmogorovUpper(p: number): number {
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (kolmogorovTail(mid) > p) lo = mid;
    else hi = mid;
  }
  return hi;
}

const K_MEDIAN = kolmogorovUpper(0.5);

/**
 * The KS threshold of a feature with design effect `deff` for a window of `window` values against `baseline`
 * values, at per-feature false-alarm rate `rate`: the Kolmogorov quantile at the effective sample sizes. Above 1
 * the feature cannot alarm at that rate: its own history moves too much for a window this short to tell.
 */
export function designEffectThreshold(deff: number, rate: number, window: number, baseline: number): number {
  if (window <= 0 || baseline <= 0) return Number.POSITIVE_INFINITY;
  return kolmogorovUpper(rate) * Math.sqrt((deff * (window + baseline)) / (window * baseline));
}

/**
 * The fewest baseline steps that can calibrate windows of `windowSteps` steps: forward replays start halfway into
 * the baseline (the reference holds at least half of it), so the second half must hold one whole window. Below
 * that no window can be replayed and there is no design effect to estimate.
 */
export const minCalibrationSteps = (windowSteps: number): number => 2 * windowSteps;

export interface ReplayInput {
  /** Per feature: the baseline's (transformed) values, step after step. */
  readonly series: ReadonlyMap<string, Float64Array>;
  /** Per feature: values per step, in order (sum = the series' length); absent: every value is its own step. */
  readonly stepCounts?: ReadonlyMap<string, ArrayLike<number>>;
  /** Whole steps per replayed window. */
  readonly windowSteps: number;
  readonly targetRate: number;
  readonly maxReplays?: number;
}

/**
 * Calibrates per-feature KS thresholds on the baseline's own dependence. Windows of `windowSteps` whole steps are
 * replayed at step-aligned positions inside the baseline, each against the baseline with the window removed, so
 * the replays keep what a live window has: every row of a step together (cross-sectional dependence) and
 * neighbouring steps together (autocorrelation). From each feature's replays comes its design effect (the median
 * of the scaled D against the Kolmogorov median: a median, because ~steps/window independent windows pin a median
 * down but not a 1% tail); the threshold is then the Kolmogorov quantile at the effective sizes, at each feature's
 * Sidak share of the family-wise `targetRate`. Never more liberal than the i.i.d. test (design effect >= 1).
 */
export function calibrateByReplay(input: ReplayInput): ReplayCalibration {
  const { series, windowSteps: W, targetRate } = input;
  const names = [...series.keys()];
  const counts = names.map((name) => {
    const given = input.stepCounts?.get(name);
    const len = (series.get(name) as Float64Array).length;
    return given ? Array.from(given) : Array.from({ length: len }, () => 1);
  });
  const S = Math.min(...counts.map((c) => c.length));
  // forward replays: a window of W steps against the steps before it, as a live window follows its baseline; the
  // reference holds at least half the baseline
  const first = Math.max(1, Math.ceil(S / 2));
  const positions = Math.max(0, S - W - first + 1);
  const stride = Math.max(1, Math.ceil(positions / (input.maxReplays ?? 400)));
  const starts: number[] = [];
  for (let s = first; s <= S - W; s += stride) starts.push(s);
  const R = starts.length;
  const prefix = counts.map((c) => {
    const p = new Int32Array(c.length + 1);
    for (let i = 0; i < c.length; i++) p[i + 1] = (p[i] as number) + (c[i] as number);
    return p;
  });
  // per feature and replay: D, and the window's and the reference's sizes
  const d = names.map(() => new Float64Array(R));
  const nw = names.map(() => new Float64Array(R));
  const nr = names.map(() => new Float64Array(R));
  names.forEach((name, f) => {
    const x = series.get(name) as Float64Array;
    const p = prefix[f] as Int32Array;
    // the sorted reference grows by merging each stretch of steps in once
    let ref: Float64Array = new Float64Array(0);
    let upTo = 0;
    starts.forEach((s, r) => {
      const end = p[s] as number;
      if (end > upTo) {
        ref = mergeSorted(ref, x.slice(upTo, end).sort());
        upTo = end;
      }
      const seg = x.slice(end, p[s + W] as number).sort();
      (d[f] as Float64Array)[r] = seg.length && ref.length ? ksStatistic(ksExtremesSorted(seg, ref)) : 0;
      (nw[f] as Float64Array)[r] = seg.length;
      (nr[f] as Float64Array)[r] = ref.length;
    });
  });
  const featureRate = 1 - (1 - targetRate) ** (1 / Math.max(1, names.length));
  const designEffects: Record<string, number> = {};
  const thresholds: Record<string, number> = {};
  names.forEach((name, f) => {
    const N = (series.get(name) as Float64Array).length;
    const z: number[] = [];
    for (let r = 0; r < R; r++) {
      const m = (nw[f] as Float64Array)[r] as number;
      const n = (nr[f] as Float64Array)[r] as number;
      if (m > 0 && n > 0) z.push(((d[f] as Float64Array)[r] as number) * Math.sqrt((m * n) / (m + n)));
    }
    z.sort((a, b) => a - b);
    const median = z.length ? ((z[(z.length - 1) >> 1] as number) + (z[z.length >> 1] as number)) / 2 : K_MEDIAN;
    const replayed = Math.max(1, (median / K_MEDIAN) ** 2);
    // the replays' median rests on the few independent windows a baseline holds; the clustered figure on every step.
    // Only for step windows (the monitor's checks): row windows (the gate's drift score) keep the replays' figure.
    const clustered = input.stepCounts
      ? clusteredDesignEffect(series.get(name) as Float64Array, counts[f] as number[], W)
      : 1;
    const deff = Math.max(replayed, clustered);
    designEffects[name] = deff;
    const perWindow = Math.max(1, Math.round((W * N) / Math.max(1, S)));
    thresholds[name] = designEffectThreshold(deff, featureRate, perWindow, N);
  });
  let alarms = 0;
  for (let r = 0; r < R; r++)
    if (
      names.some((name, f) => {
        const m = (nw[f] as Float64Array)[r] as number;
        const t = designEffectThreshold(
          designEffects[name] as number,
          featureRate,
          m,
          (nr[f] as Float64Array)[r] as number,
        );
        return ((d[f] as Float64Array)[r] as number) > t;
      })
    )
      alarms++;
  const N0 = Math.min(...names.map((n) => (series.get(n) as Float64Array).length));
  return {
    thresholds,
    targetRate,
    inSampleRate: R ? alarms / R : 0,
    replays: R,
    windowSize: Math.max(1, Math.round((W * N0) / Math.max(1, S))),
    designEffects,
    featureRate,
    windowSteps: W,
    ...(input.stepCounts ? { clusteredFloor: true } : {}),
  };
}

/**
 * The design effect of a window of `windowSteps` steps from the baseline's own dependence, at the baseline's
 * quartiles (the largest of the three): a window's ECDF at q is the mean of the indicators x <= q over its rows,
 * and its variance over that of independent rows is (1 + (m - 1) icc) (cross-section: m rows per step sharing
 * their step, icc by one-way ANOVA over the baseline's steps) times 1 + 2 sum_{k<W} (1 - k/W) r_k (time: r_k the
 * lag-k autocorrelation of the steps' indicator means). Both use every baseline step, where the replays' median
 * rests on the few independent windows the baseline holds. A level that persists for weeks (VIX) gets r_k near 1
 * and a design effect near W times its cross-section's: a window of it is about one independent draw.
 */
export function clusteredDesignEffect(series: Float64Array, counts: readonly number[], windowSteps: number): number {
  const S = counts.length;
  const N = series.length;
  if (S < 3 || N === 0) return 1;
  const sorted = Float64Array.from(series).sort();
  let best = 1;
  for (const share of [0.25, 0.5, 0.75]) {
    const q = sorted[Math.min(N - 1, Math.floor(share * N))] as number;
    const means = new Float64Array(S);
    let at = 0;
    let within = 0;
    let hits = 0;
    counts.forEach((c, s) => {
      let k = 0;
      for (let i = at; i < at + c; i++) if ((series[i] as number) <= q) k++;
      at += c;
      hits += k;
      const m = c > 0 ? k / c : 0;
      means[s] = m;
      within += k * (1 - m) * (1 - m) + (c - k) * m * m;
    });
    const p = hits / N;
    if (p <= 0 || p >= 1) continue;
    // cross-section: one-way ANOVA intraclass correlation (unequal step sizes)
    let icc = 0;
    const mbar = N / S;
    if (N > S && mbar > 1) {
      let between = 0;
      let sq = 0;
      counts.forEach((c, s) => {
        between += c * ((means[s] as number) - p) ** 2;
        sq += c * c;
      });
      const msb = between / (S - 1);
      const msw = within / (N - S);
      const m0 = (N - sq / N) / (S - 1);
      const denom = msb + (m0 - 1) * msw;
      icc = denom > 0 ? Math.min(1, Math.max(0, (msb - msw) / denom)) : 0;
    }
    // time: autocorrelation of the steps' means, Bartlett-weighted over the window's lags
    let mean = 0;
    for (const m of means) mean += m;
    mean /= S;
    let c0 = 0;
    for (const m of means) c0 += (m - mean) ** 2;
    let sum = 0;
    if (c0 > 0)
      for (let k = 1; k < Math.min(windowSteps, S - 1); k++) {
        let ck = 0;
        for (let s = k; s < S; s++) ck += ((means[s] as number) - mean) * ((means[s - k] as number) - mean);
        sum += (1 - k / windowSteps) * (ck / c0);
      }
    const deff = (1 + (mbar - 1) * icc) * Math.max(1, 1 + 2 * sum);
    if (deff > best) best = deff;
  }
  return best;
}

/** Two ascending arrays merged into one. */
function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length)
    out[k++] = (a[i] as number) <= (b[j] as number) ? (a[i++] as number) : (b[j++] as number);
  while (i < a.length) out[k++] = a[i++] as number;
  while (j < b.length) out[k++] = b[j++] as number;
  return out;
}
