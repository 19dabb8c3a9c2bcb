import { VigilError } from '@vigil/core';
import { BoundedMemo } from './BoundedMemo.js';
import { kolmogorovSf } from './kolmogorov.js';
import { type KsAlternative, attemptExact, gcd, roundHalfEven } from './ksExact.js';
import { ksExtremesUnsorted } from './ksExtremesUnsorted.js';
import { finiteFloat64 } from './validate.js';

export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsOptions {
  readonly alternative?: KsAlternative;
  readonly method?: KsMethod;
}

export interface KsResult {
  /** D (two-sided), D+ ('greater') or D- ('less'). */
  readonly statistic: number;
  readonly pValue: number;
  /** The method actually used: 'exact' falls back to 'asymp' when it cannot be computed. */
  readonly method: 'exact' | 'asymp';
}

/** 'auto' is exact when both samples have at most this many values (as scipy). */
export const MAX_AUTO_N = 10_000;
const INT32_MAX = 2 ** 31 - 1;

export interface KsExtremes {
  /** max over x of F_a(x) - F_b(x), at least 0. */
  readonly dPlus: number;
  /** max over x of F_b(x) - F_a(x), at least 0. */
  readonly dMinus: number;
}

/**
 * The signed extremes of the ECDF difference of two ascending-sorted samples, by one merge
 * (ties advance both sides together, as scipy's `searchsorted(side='right')`). O(n1 + n2).
 * The merge tracks k = i * n2 - j * n1 (an exact integer, below 2^53 for any sizes that fit in
 * memory; +n2 per step in a, -n1 per step in b) and divides only at the extremes, where the
 * quotients are the i/n1 - j/n2 scipy computes.
 */
export function ksExtremesSorted(a: ArrayLike<number>, b: ArrayLike<number>): KsExtremes {
  if (a.length >= 8 * b.length) return gallopExtremes(a, b, false);
  if (b.length >= 8 * a.length) return gallopExtremes(b, a, true);
  return a instanceof Float64Array && b instanceof Float64Array
    ? mergeExtremes(a, b)
    : mergeExtremes(Float64Array.from(a), Float64Array.from(b));
}

function mergeExtremes(a: Float64Array, b: Float64Array): KsExtremes {
  const n1 = a.length;
  const n2 = b.length;
  const x = new ExtremeTracker(n1, n2);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < n1 && j < n2) {
    const u = a[i] as number;
    const v = b[j] as number;
    if (u <= v) {
      do {
        i++;
        k += n2;
      } while (i < n1 && a[i] === u);
    }
    if (v <= u) {
      do {
        j++;
        k -= n1;
      } while (j < n2 && b[j] === v);
    }
    if (k >= x.kMax || k <= x.kMin) x.see(k, i, j);
  }
  // once one side is used up, k moves monotonically to 0 (both ECDFs reach 1): no new extreme
  return x.extremes();
}

/**
 * The extremes of k = i * n2 - j * n1 over a merge, and of the quotients i/n1 - j/n2 where k
 * is extreme: distinct k differ by 1/(n1 n2), far more than a rounding, so the largest quotient
 * (what scipy's max over the ECDF difference returns) is among the points of largest k; points
 * tied in k may round differently, so each tie is compared as a double.
 */
export class ExtremeTracker {
  kMax = 0;
  kMin = 0;
  #hi = 0;
  #lo = 0;
  readonly #n1: number;
  readonly #n2: number;
  constructor(n1: number, n2: number) {
    this.#n1 = n1;
    this.#n2 = n2;
  }

  see(k: number, i: number, j: number): void {
    if (k >= this.kMax) {
      const d = i / this.#n1 - j / this.#n2;
      if (k > this.kMax || d > this.#hi) this.#hi = d;
      this.kMax = k;
    }
    if (k <= this.kMin) {
      const d = i / this.#n1 - j / this.#n2;
      if (k < this.kMin || d < this.#lo) this.#lo = d;
      this.kMin = k;
    }
  }

  extremes(): KsExtremes {
    return { dPlus: Math.max(0, this.#hi), dMinus: Math.min(1, Math.max(0, -this.#lo)) };
  }
}

/** First index at or after `from` in ascending `x` whose value is >= v (strict: x < v skipped), by galloping. */
function gallopLt(x: ArrayLike<number>, from: number, v: number): number {
  const n = x.length;
  if (from >= n || (x[from] as number) >= v) return from;
  let lo = from;
  let step = 1;
  while (lo + step < n && (x[lo + step] as number) < v) {
    lo += step;
    step *= 2;
  }
  let hi = Math.min(n, lo + step);
  lo += 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((x[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index at or after `from` in ascending `x` whose value is > v. */
function gallopLe(x: ArrayLike<number>, from: number, v: number): number {
  const n = x.length;
  if (from >= n || (x[from] as number) > v) return from;
  let lo = from;
  let step = 1;
  while (lo + step < n && (x[lo + step] as number) <= v) {
    lo += step;
    step *= 2;
  }
  let hi = Math.min(n, lo + step);
  lo += 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((x[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The same extremes when `big` is much larger than `small`: the ECDF difference only needs to be
 * read just before and at each distinct value of the small sample, found by galloping through the
 * big one, O(m log(n/m)). Values are the same i/n1 - j/n2 quotients the full merge computes.
 */
function gallopExtremes(big: ArrayLike<number>, small: ArrayLike<number>, swapped: boolean): KsExtremes {
  const N = big.length;
  const W = small.length;
  let maxS = 0;
  let minS = 0;
  let p = 0;
  let j = 0;
  while (j < W) {
    const v = small[j] as number;
    const jPrev = j;
    while (j < W && (small[j] as number) <= v) j++;
    p = gallopLt(big, p, v);
    const before = p / N - jPrev / W;
    p = gallopLe(big, p, v);
    const at = p / N - j / W;
    if (before > maxS) maxS = before;
    if (at > maxS) maxS = at;
    if (at < minS) minS = at;
    if (before < minS) minS = before;
  }
  // big = a unless swapped: diff = F_big - F_small
  const dPlus = Math.max(0, swapped ? -minS : maxS);
  const dMinus = Math.min(1, Math.max(0, swapped ? maxS : -minS));
  return { dPlus, dMinus };
}

/**
 * Results of ksPValue by sizes, alternative and method, then by statistic: a monitor's repeated checks
 * compare windows of the same sizes, and D takes few distinct values (differences of i/n1 and j/n2), so
 * most checks ask again for a p-value already computed. ksPValue is a pure function of its arguments:
 * a remembered result is the one it would compute. Bounded: a full table is emptied.
 */
const pValueMemo = new BoundedMemo<string, BoundedMemo<number, KsResult>>(64);
const MEMO_PER_SIZE = 4096;

/** The p-value of an observed statistic for samples of sizes n1 and n2, with scipy's branches. */
export function ksPValue(
  d: number,
  n1: number,
  n2: number,
  alternative: KsAlternative = 'two-sided',
  method: KsMethod = 'auto',
): KsResult {
  // 0 and -0 (and anything not a positive finite D) are computed, not remembered: a Map does not tell them apart
  if (!(d > 0 && d <= 1)) return computeKsPValue(d, n1, n2, alternative, method);
  const key = `${n1},${n2},${alternative},${method}`;
  const byD = pValueMemo.get(key, () => new BoundedMemo<number, KsResult>(MEMO_PER_SIZE));
  return { ...byD.get(d, () => computeKsPValue(d, n1, n2, alternative, method)) };
}

function computeKsPValue(d: number, n1: number, n2: number, alternative: KsAlternative, method: KsMethod): KsResult {
  const g = gcd(n1, n2);
  let mode: KsMethod = method;
  if (mode === 'auto') mode = Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp';
  else if (mode === 'exact' && n1 / g >= INT32_MAX / (n2 / g)) mode = 'asymp';
  let stat = d;
  if (mode === 'exact') {
    const exact = attemptExact(n1, n2, g, d, alternative);
    if (exact) return { statistic: exact.d, pValue: Math.min(1, Math.max(0, exact.p)), method: 'exact' };
    mode = 'asymp';
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  let p: number;
  if (alternative === 'two-sided') p = kolmogorovSf(roundHalfEven(en), stat);
  else {
    // Hodges (1958) eq. 5.3, m the larger sample
    const z = Math.sqrt(en) * stat;
    p = Math.exp(-2 * z * z - (2 * z * (m + 2 * n)) / Math.sqrt(m * n * (m + n)) / 3);
  }
  stat = d;
  return { statistic: stat, pValue: Math.min(1, Math.max(0, p)), method: 'asymp' };
}

/** Picks the statistic for an alternative from the two extremes (ties go to D+, as scipy). */
export function ksStatistic(e: KsExtremes, alternative: KsAlternative = 'two-sided'): number {
  if (alternative === 'less') return e.dMinus;
  if (alternative === 'greater') return e.dPlus;
  return Math.max(e.dMinus, e.dPlus);
}

/** KS test on samples already sorted ascending (the detector's hot path: no copy, no sort). */
export function ks2SampSorted(a: ArrayLike<number>, b: ArrayLike<number>, options: KsOptions = {}): KsResult {
  const alternative = options.alternative ?? 'two-sided';
  const d = ksStatistic(ksExtremesSorted(a, b), alternative);
  return ksPValue(d, a.length, b.length, alternative, options.method ?? 'auto');
}

/**
 * Two-sample Kolmogorov-Smirnov test with scipy.stats.ks_2samp semantics: 'less' tests
 * F_a >= F_b against F_a < F_b with statistic max(F_b - F_a); 'greater' the reverse.
 */
export function ks2Samp(a: ArrayLike<number>, b: ArrayLike<number>, options: KsOptions = {}): KsResult {
  const sa = finiteFloat64('a', a);
  const sb = finiteFloat64('b', b);
  const alternative = options.alternative ?? 'two-sided';
  const method = options.method ?? 'auto';
  if (!['two-sided', 'less', 'greater'].includes(alternative)) {
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      `alternative must be 'two-sided', 'less' or 'greater', got ${JSON.stringify(alternative)}`,
    );
  }
  if (!['auto', 'exact', 'asymp'].includes(method)) {
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      `method must be 'auto', 'exact' or 'asymp', got ${JSON.stringify(method)}`,
    );
  }
  // no sort: the extremes come from bucket counts and the few buckets that can hold them
  const d = ksStatistic(ksExtremesUnsorted(sa, sb), alternative);
  return ksPValue(d, sa.length, sb.length, alternative, method);
}
