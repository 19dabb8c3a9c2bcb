import type { KsExtremes } from './ks.js';

/**
 * A sorted sample with an equal-width bucket index over its range, built once (a drift baseline).
 * Counting the values below or at any v then costs a binary search inside one bucket, so a KS
 * statistic against a window of m values costs O(m log(bucket)) instead of a merge over all n.
 */
export class SortedSample {
  readonly values: Float64Array;
  readonly #min: number;
  readonly #scale: number;
  readonly #range: number;
  readonly #starts: Int32Array;
  readonly #buckets: number;

  /** `sorted` must be ascending and finite. */
  constructor(sorted: Float64Array) {
    this.values = sorted;
    const n = sorted.length;
    const min = n ? (sorted[0] as number) : 0;
    const max = n ? (sorted[n - 1] as number) : 0;
    this.#buckets = Math.max(1, n >> 1);
    this.#min = min;
    this.#range = max - min;
    // buckets / range overflows to Infinity for ranges of a few subnormals (then 0 * Infinity is NaN)
    this.#scale = max > min ? this.#buckets / (max - min) : 0;
    this.#starts = new Int32Array(this.#buckets + 1);
    for (let i = 0; i < n; i++) {
      const b = this.#bucket(sorted[i] as number);
      this.#starts[b + 1] = (this.#starts[b + 1] as number) + 1;
    }
    for (let b = 0; b < this.#buckets; b++) this.#starts[b + 1] = (this.#starts[b + 1] as number) + (this.#starts[b] as number);
  }

  #bucket(v: number): number {
    const b = Number.isFinite(this.#scale) ? Math.floor((v - this.#min) * this.#scale) : Math.floor(((v - this.#min) / this.#range) * this.#buckets);
    return b < 0 ? 0 : b >= this.#buckets ? this.#buckets - 1 : b;
  }

  /** How many values are < v: values in lower buckets are < v, in higher ones > v, so only v's bucket is searched. */
  #countBelow(v: number, b: number): number {
    const x = this.values;
    let lo = this.#starts[b] as number;
    let hi = this.#starts[b + 1] as number;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((x[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** How many values are <= v, searching v's bucket from `from` (the count below v). */
  #countAtMost(v: number, b: number, from: number): number {
    const x = this.values;
    let lo = from;
    let hi = this.#starts[b + 1] as number;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((x[mid] as number) <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get length(): number {
    return this.values.length;
  }

  /**
   * KS extremes of this sample (as `a`) against an ascending-sorted `window` (as `b`): the same
   * i/n1 - j/n2 quotients a full merge computes, read just before and at each window value.
   */
  extremesAgainst(window: ArrayLike<number>): KsExtremes {
    const N = this.values.length;
    const W = window.length;
    let maxS = 0;
    let minS = 0;
    let j = 0;
    while (j < W) {
      const v = window[j] as number;
      const jPrev = j;
      while (j < W && (window[j] as number) <= v) j++;
      const b = this.#bucket(v);
      const lt = this.#countBelow(v, b);
      const lo = this.#countAtMost(v, b, lt);
      const before = lt / N - jPrev / W;
      const at = lo / N - j / W;
      if (before > maxS) maxS = before;
      if (at > maxS) maxS = at;
      if (before < minS) minS = before;
      if (at < minS) minS = at;
    }
    return { dPlus: Math.max(0, maxS), dMinus: Math.min(1, Math.max(0, -minS)) };
  }

  /**
   * Two-sided KS statistic of `segment` (ascending, a sub-multiset of this sample) against this
   * sample with the segment removed: the rest's ECDF is (count here - count in segment) / (n - m).
   */
  distanceExcluding(segment: ArrayLike<number>): number {
    const N = this.values.length;
    const W = segment.length;
    const rest = N - W;
    if (rest <= 0 || W === 0) return 0;
    let d = 0;
    let j = 0;
    while (j < W) {
      const v = segment[j] as number;
      const jPrev = j;
      while (j < W && (segment[j] as number) <= v) j++;
      const b = this.#bucket(v);
      const lt = this.#countBelow(v, b);
      const lo = this.#countAtMost(v, b, lt);
      const before = Math.abs((lt - jPrev) / rest - jPrev / W);
      const at = Math.abs((lo - j) / rest - j / W);
      if (before > d) d = before;
      if (at > d) d = at;
    }
    return d;
  }
}
