/** FNV-1a over a string's UTF-16 code units: a 32-bit integer to feed the finaliser below. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The key a row's side of the split is drawn from: the model and the caller's prediction id when
 * the row has one (so a model's split does not depend on other models' rows, which take buffer
 * ids from the same sequence), else the buffer row id.
 */
export const holdoutKey = (bufferId: number, model: string, predictionId: string | null): number | string =>
  predictionId === null ? bufferId : `${model}\u0000${predictionId}`;

/**
 * Whether buffered row `id` (a buffer row id or a `holdoutKey`) belongs to the held-out part: a seeded integer hash of the id
 * (murmur3's finaliser) mapped to [0, 1) and compared with `fraction`. Pure, so every process
 * and every restart agrees on the split without storing it; ids are never reused, so a row
 * never changes sides. Rows of one symbol a few days apart are collapsed to one by
 * `symbolWindowDays`, which keeps near-duplicates from sitting on both sides.
 */
export function isHeldOut(id: number | string, seed: number, fraction: number): boolean {
  if (!(fraction > 0)) return false;
  let h = ((typeof id === 'string' ? fnv1a(id) : id) ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 4294967296 < fraction;
}
