import { ExtremeTracker, type KsExtremes, ksExtremesSorted } from './ks.js';
import { sortFloat64 } from './sortFloat64.js';

/** Below this many values in all, sorting both samples is as fast as bucketing. */
const SORT_BELOW = 2_048;

/**
 * The KS extremes of two unsorted finite samples, the same values `ksExtremesSorted` gives on
 * their sorted copies, without sorting them. The ECDF difference is tracked as the exact integer
 * k = i * n2 - j * n1 after each distinct value (i values of a and j of b at or below it).
 *
 * 1. Both samples are counted into equal-width buckets over their common range. The bucket of a
 *    value never decreases with the value and equal values share a bucket, so the state after
 *    each bucket is an exact (i, j) of the merge: the extremes over bucket ends are attained.
 * 2. Inside a bucket k can rise by at most n2 per value of a in it and fall by at most n1 per
 *    value of b, so only a bucket whose start plus that reach passes the best bucket end can
 *    hold a larger extreme. Those few buckets (typically a handful) are gathered, sorted and
 *    merged exactly from their starting (i, j).
 *
 * Three linear passes instead of two sorts: O(n1 + n2). Skewed data that piles into few buckets
 * only makes the candidate buckets bigger; the result is exact either way.
 */
export function ksExtremesUnsorted(a: Float64Array, b: Float64Array): KsExtremes {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 + n2 < SORT_BELOW || n1 >= 8 * n2 || n2 >= 8 * n1) return ksExtremesSorted(sortFloat64(a), sortFloat64(b));
  let min = a[0] as number;
  let max = min;
  for (let i = 0; i < n1; i++) {
    const v = a[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  for (let i = 0; i < n2; i++) {
    const v = b[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max === min) return { dPlus: 0, dMinus: 0 };
  const buckets = (n1 + n2) >> 2;
  const scale = buckets / (max - min);
  // a range of a few subnormals overflows the scale: sort instead
  if (!Number.isFinite(scale)) return ksExtremesSorted(sortFloat64(a), sortFloat64(b));
  const last = buckets - 1;
  const bucketOf = (v: number): number => {
    const k = Math.floor((v - min) * scale);
    return Math.min(k, last);
  };
  const ca = new Int32Array(buckets);
  const cb = new Int32Array(buckets);
  for (let i = 0; i < n1; i++) {
    const k = bucketOf(a[i] as number);
    ca[k] = (ca[k] as number) + 1;
  }
  for (let i = 0; i < n2; i++) {
    const k = bucketOf(b[i] as number);
    cb[k] = (cb[k] as number) + 1;
  }
  // extremes over bucket ends
  const ext = new ExtremeTracker(n1, n2);
  let k = 0;
  let i = 0;
  let j = 0;
  for (let t = 0; t < buckets; t++) {
    const x = ca[t] as number;
    const y = cb[t] as number;
    i += x;
    j += y;
    k += x * n2 - y * n1;
    if (k >= ext.kMax || k <= ext.kMin) ext.see(k, i, j);
  }
  // buckets whose inside could pass an extreme: mark them, then gather their values
  const mark = new Uint8Array(buckets);
  const starts: number[] = [];
  k = 0;
  i = 0;
  j = 0;
  for (let t = 0; t < buckets; t++) {
    const x = ca[t] as number;
    const y = cb[t] as number;
    if (x > 0 && y > 0 && (k + x * n2 >= ext.kMax || k - y * n1 <= ext.kMin)) {
      mark[t] = 1;
      starts.push(t, i, j, k);
    }
    i += x;
    j += y;
    k += x * n2 - y * n1;
  }
  if (starts.length === 0) return ext.extremes();
  const slot = new Map<number, { a: number[]; b: number[] }>();
  for (let s = 0; s < starts.length; s += 4) slot.set(starts[s] as number, { a: [], b: [] });
  for (let t = 0; t < n1; t++) {
    const v = a[t] as number;
    const q = bucketOf(v);
    if (mark[q] === 1) (slot.get(q) as { a: number[] }).a.push(v);
  }
  for (let t = 0; t < n2; t++) {
    const v = b[t] as number;
    const q = bucketOf(v);
    if (mark[q] === 1) (slot.get(q) as { b: number[] }).b.push(v);
  }
  for (let s = 0; s < starts.length; s += 4) {
    const vals = slot.get(starts[s] as number) as { a: number[]; b: number[] };
    const sa = sortFloat64(vals.a);
    const sb = sortFloat64(vals.b);
    let ii = starts[s + 1] as number;
    let jj = starts[s + 2] as number;
    let kk = starts[s + 3] as number;
    let p = 0;
    let q = 0;
    // the sorted merge of this bucket, ties advancing both sides (as ksExtremesSorted)
    while (p < sa.length || q < sb.length) {
      const x = p < sa.length ? (sa[p] as number) : Number.POSITIVE_INFINITY;
      const y = q < sb.length ? (sb[q] as number) : Number.POSITIVE_INFINITY;
      const v = Math.min(x, y);
      while (p < sa.length && (sa[p] as number) <= v) {
        p++;
        ii++;
        kk += n2;
      }
      while (q < sb.length && (sb[q] as number) <= v) {
        q++;
        jj++;
        kk -= n1;
      }
      if (kk >= ext.kMax || kk <= ext.kMin) ext.see(kk, ii, jj);
    }
  }
  return ext.extremes();
}
