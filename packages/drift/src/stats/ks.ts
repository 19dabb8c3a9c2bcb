import { VigilError } from '@vigil/core';
import { kolmogorovSf } from './kolmogorov.js';
import { type KsAlternative, attemptExact, gcd, roundHalfEven } from './ksExact.js';
import { sortOwnedFloat64 } from './sortFloat64.js';
import { finiteSample } from './validate.js';

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
 */
export function ksExtremesSorted(a: ArrayLike<number>, b: ArrayLike<number>): KsExtremes {
  if (a.length >= 8 * b.length) return gallopExtremes(a, b, false);
  if (b.length >= 8 * a.length) return gallopExtremes(b, a, true);
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxS = Number.NEGATIVE_INFINITY;
  let minS = Number.POSITIVE_INFINITY;
  while (i < n1 || j < n2) {
    const ai = i < n1 ? (a[i] as number) : Number.POSITIVE_INFINITY;
    const bj = j < n2 ? (b[j] as number) : Number.POSITIVE_INFINITY;
    const v = ai <= bj ? ai : bj;
    while (i < n1 && (a[i] as number) <= v) i++;
    while (j < n2 && (b[j] as number) <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  return { dPlus: Math.max(0, maxS), dMinus: Math.min(1, Math.max(0, -minS)) };
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

/** The p-value of an observed statistic for samples of sizes n1 and n2, with scipy's branches. */
export function ksPValue(d: number, n1: number, n2: number, alternative: KsAlternative = 'two-sided', method: KsMethod = 'auto'): KsResult {
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
  return e.dMinus > e.dPlus ? e.dMinus : e.dPlus;
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
  const sa = finiteSample('a', a);
  const sb = finiteSample('b', b);
  const alternative = options.alternative ?? 'two-sided';
  const method = options.method ?? 'auto';
  if (!['two-sided', 'less', 'greater'].includes(alternative)) {
    throw new VigilError('VIGIL_INVALID_INPUT', `alternative must be 'two-sided', 'less' or 'greater', got ${JSON.stringify(alternative)}`);
  }
  if (!['auto', 'exact', 'asymp'].includes(method)) {
    throw new VigilError('VIGIL_INVALID_INPUT', `method must be 'auto', 'exact' or 'asymp', got ${JSON.stringify(method)}`);
  }
  return ks2SampSorted(sortOwnedFloat64(sa), sortOwnedFloat64(sb), { alternative, method });
}
