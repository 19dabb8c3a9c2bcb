/**
 * Ascending sort of finite doubles: an LSD radix sort (11-bit digits) on the high 32 bits of each
 * value's order-preserving bit pattern, then runs that share those bits (rare for real data) are
 * finished by the native sort. Same order as `Float64Array.prototype.sort` (-0 before 0), about
 * twice as fast for the 1e3-1e6 element arrays drift checks sort. Returns a new array.
 */
export function sortFloat64(input: ArrayLike<number>): Float64Array {
  return sortOwnedFloat64(Float64Array.from(input));
}

/** Sorts an array the caller owns and no longer needs; returns it or a new array holding the result. */
export function sortOwnedFloat64(owned: Float64Array): Float64Array {
  const n = owned.length;
  if (n < 512) return owned.sort();
  let vals: Float64Array = owned;
  const words = new Uint32Array(vals.buffer, vals.byteOffset, 2 * n);
  let keys = new Uint32Array(n);
  // one pass makes the keys and all three digit histograms
  const count = new Uint32Array(3 * 2048);
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1] as number;
    const k = hi & 0x80000000 ? ~hi >>> 0 : (hi | 0x80000000) >>> 0;
    keys[i] = k;
    const d0 = k & 0x7ff;
    const d1 = 2048 + ((k >>> 11) & 0x7ff);
    const d2 = 4096 + (k >>> 22);
    count[d0] = (count[d0] as number) + 1;
    count[d1] = (count[d1] as number) + 1;
    count[d2] = (count[d2] as number) + 1;
  }
  let keys2 = new Uint32Array(n);
  let vals2: Float64Array = new Float64Array(n);
  for (let pass = 0; pass < 3; pass++) {
    const shift = 11 * pass;
    const base = 2048 * pass;
    if (count[base + (((keys[0] as number) >>> shift) & 0x7ff)] === n) continue; // this digit is the same everywhere
    let sum = 0;
    for (let d = base; d < base + 2048; d++) {
      const c = count[d] as number;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = keys[i] as number;
      const d = base + ((k >>> shift) & 0x7ff);
      const at = count[d] as number;
      count[d] = at + 1;
      keys2[at] = k;
      vals2[at] = vals[i] as number;
    }
    [keys, keys2] = [keys2, keys];
    [vals, vals2] = [vals2, vals];
  }
  // values with equal high words are adjacent; order them by their low words
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || keys[i] !== keys[start]) {
      if (i - start > 1) vals.subarray(start, i).sort();
      start = i;
    }
  }
  return vals;
}
