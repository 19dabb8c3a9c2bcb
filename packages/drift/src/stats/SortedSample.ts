import type { KsExtremes } from './ks.js';
import { sortFloat64 } from './sortFloat64.js';

/**
 * A sorted sample with an equal-width bucket index over its range, built once (a drift baseline).
 * Counting the values below or at any v then costs a binary search inside one bucket, so a KS
 * statistic against a window of m values costs O(m log(bucket)) instead of a merge over all n.
 */
/**
 * Two buckets per value: most buckets then hold at most one value, so placing a window value scans a value or two with
 * few mispredicted branches (with a bucket per two values, the window check's KS took a fifth longer); the index costs as
 * much memory as the values.
 */
const bucketCount = (n: number): number => Math.max(1, 2 * n);
/** extremesAgainstUnsorted's slot counts and occupied bits, reused across calls (left zeroed by each call). */
let scratch = new Int32Array(0);

/** The native sort's order: ascending, -0 before 0. */
const before = (x: number, y: number): boolean => x < y || (x === 0 && y === 0 && 1 / x < 1 / y);

export class SortedSample {
  readonly values: Float64Array;
  readonly #min: number;
  readonly #scale: number;
  readonly #range: number;
  readonly #starts: Int32Array;
  readonly #buckets: number;

  /**
   * `sorted` must be ascending and finite. `starts` is the bucket index when the caller built it
   * already (`fromUnsorted`); otherwise it is counted here.
   */
  constructor(sorted: Float64Array, starts?: Int32Array) {
    this.values = sorted;
    const n = sorted.length;
    const min = n ? (sorted[0] as number) : 0;
    const max = n ? (sorted[n - 1] as number) : 0;
    this.#buckets = bucketCount(n);
    this.#min = min;
    this.#range = max - min;
    // buckets / range overflows to Infinity for ranges of a few subnormals (then 0 * Infinity is NaN)
    this.#scale = max > min ? this.#buckets / (max - min) : 0;
    if (starts) {
      this.#starts = starts;
      return;
    }
    this.#starts = new Int32Array(this.#buckets + 1);
    for (let i = 0; i < n; i++) {
      const b = this.#bucket(sorted[i] as number);
      this.#starts[b + 1] = (this.#starts[b + 1] as number) + 1;
    }
    for (let b = 0; b < this.#buckets; b++)
      this.#starts[b + 1] = (this.#starts[b + 1] as number) + (this.#starts[b] as number);
  }

  /**
   * Sorts finite values into a new SortedSample by the bucket index itself: count per bucket,
   * place each value in its bucket, then order each bucket (half a value on average; insertion
   * sort, or the native sort for a crowded one). One scatter instead of a radix sort's three,
   * and the index comes for free. Same order as `Float64Array.prototype.sort` (-0 before 0).
   */
  static fromUnsorted(series: ArrayLike<number>): SortedSample {
    const n = series.length;
    if (n < 2) return new SortedSample(Float64Array.from(series));
    let min = series[0] as number;
    let max = min;
    for (let i = 1; i < n; i++) {
      const v = series[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const buckets = bucketCount(n);
    const scale = max > min ? buckets / (max - min) : 0;
    if (!Number.isFinite(scale)) return new SortedSample(Float64Array.from(series).sort());
    const last = buckets - 1;
    const starts = new Int32Array(buckets + 1);
    for (let i = 0; i < n; i++) {
      const b = Math.min(Math.floor(((series[i] as number) - min) * scale), last) + 1;
      starts[b] = (starts[b] as number) + 1;
    }
    for (let b = 0; b < buckets; b++) starts[b + 1] = (starts[b + 1] as number) + (starts[b] as number);
    const at = starts.slice(0, buckets);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = series[i] as number;
      const b = Math.min(Math.floor((v - min) * scale), last);
      const k = at[b] as number;
      at[b] = k + 1;
      out[k] = v;
    }
    for (let b = 0; b < buckets; b++) {
      const lo = starts[b] as number;
      const hi = starts[b + 1] as number;
      if (hi - lo > 32) out.subarray(lo, hi).sort();
      else {
        for (let i = lo + 1; i < hi; i++) {
          const v = out[i] as number;
          let j = i;
          while (j > lo && before(v, out[j - 1] as number)) {
            out[j] = out[j - 1] as number;
            j--;
          }
          out[j] = v;
        }
      }
    }
    // out[0] and out[n - 1] are min and max (up to the sign of a zero, which buckets alike)
    return new SortedSample(out, starts);
  }

  #bucket(v: number): number {
    const b = Number.isFinite(this.#scale)
      ? Math.floor((v - this.#min) * this.#scale)
      : Math.floor(((v - this.#min) / this.#range) * this.#buckets);
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
   * `extremesAgainst` for a window in any order, without sorting it when this sample is small enough to walk:
   * each window value is placed by its counts here (below it, at most it) into a slot, the gap before a value
   * of this sample or the value itself, and the slots are walked in order. Inside a gap this sample's ECDF is
   * constant, so the largest quotient is read before the gap's first window value and the smallest after its
   * last: the same quotients, hence the same extremes, as the sorted walk.
   */
  extremesAgainstUnsorted(window: Float64Array): KsExtremes {
    const N = this.values.length;
    const W = window.length;
    // walking 2N + 1 slots beats sorting the window only when N is not much larger than W
    if (N > 8 * W || W === 0) return this.extremesAgainst(sortFloat64(window));
    // slot 2i: strictly between values i - 1 and i; slot 2i + 1: equal to value i (and its ties), whose
    // count at or below is atMost[i]. A bit per slot marks the occupied ones, so the walk visits those (in
    // order) instead of testing every slot; it zeroes what it reads, leaving the scratch all zero for the next call
    const words = (2 * N + 32) >>> 5;
    if (scratch.length < 3 * N + 2 + words) scratch = new Int32Array(3 * N + 2 + words);
    const count = scratch.subarray(0, 2 * N + 1);
    const atMost = scratch.subarray(2 * N + 1, 3 * N + 2);
    const occupied = scratch.subarray(3 * N + 2, 3 * N + 2 + words);
    const x = this.values;
    const starts = this.#starts;
    const min = this.#min;
    const scale = this.#scale;
    const last = this.#buckets - 1;
    // the bucket and the two counts inlined (#bucket, #countBelow, #countAtMost): buckets hold half a value on
    // average, so a short one is scanned, a crowded one (ties) searched
    const finite = Number.isFinite(scale);
    for (let j = 0; j < W; j++) {
      const v = window[j] as number;
      let b = finite ? Math.floor((v - min) * scale) : this.#bucket(v);
      b = b < 0 ? 0 : b > last ? last : b;
      let lt = starts[b] as number;
      const end = starts[b + 1] as number;
      let lo: number;
      if (end - lt <= 8) {
        while (lt < end && (x[lt] as number) < v) lt++;
        lo = lt;
        while (lo < end && (x[lo] as number) <= v) lo++;
      } else {
        lt = this.#countBelow(v, b);
        lo = this.#countAtMost(v, b, lt);
      }
      let slot = 2 * lt;
      if (lo > lt) {
        slot++;
        atMost[lt] = lo;
      }
      count[slot] = (count[slot] as number) + 1;
      occupied[slot >>> 5] = (occupied[slot >>> 5] as number) | (1 << (slot & 31));
    }
    let maxS = 0;
    let minS = 0;
    let j = 0;
    for (let w = 0; w < words; w++) {
      let bits = occupied[w] as number;
      if (bits === 0) continue;
      occupied[w] = 0;
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const s = (w << 5) | (31 - Math.clz32(low));
        const c = count[s] as number;
        count[s] = 0;
        const lt = s >> 1;
        let lo = lt;
        if (s & 1) {
          lo = atMost[lt] as number;
          atMost[lt] = 0;
        }
        const before = lt / N - j / W;
        j += c;
        const at = lo / N - j / W;
        if (before > maxS) maxS = before;
        if (at > maxS) maxS = at;
        if (before < minS) minS = before;
        if (at < minS) minS = at;
      }
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
