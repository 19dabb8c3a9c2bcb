/**
 * Whether buffered row `id` belongs to the held-out part: a seeded integer hash of the id
 * (murmur3's finaliser) mapped to [0, 1) and compared with `fraction`. Pure, so every process
 * and every restart agrees on the split without storing it; ids are never reused, so a row
 * never changes sides. Rows of one symbol a few days apart are collapsed to one by
 * `symbolWindowDays`, which keeps near-duplicates from sitting on both sides.
 */
export function isHeldOut(id: number, seed: number, fraction: number): boolean {
  if (!(fraction > 0)) return false;
  let h = (id ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 4294967296 < fraction;
}
