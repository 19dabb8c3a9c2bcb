import { createHash } from 'node:crypto';
import type { DriftDetector } from './DriftDetector.js';

const versions = new WeakMap<DriftDetector, string>();

/**
 * A baseline's identity for the feature checks: the first 16 hex digits of a SHA-256 over each
 * feature's name and its sorted baseline values (the sample every KS D of that feature is taken
 * against). A window check records it, so a later reader knows whether the model's current baseline
 * is still the one the check compared against. Computed once per detector (a baseline is fixed once
 * set; a new baseline is a new detector).
 */
export function baselineVersion(d: DriftDetector): string {
  let v = versions.get(d);
  if (v === undefined) {
    const h = createHash('sha256');
    for (const f of d.featureNames) {
      const s = d.sortedBaseline(f);
      h.update(`${f}\u0000${s?.length ?? 0}\u0000`);
      if (s) h.update(new Uint8Array(s.buffer, s.byteOffset, s.byteLength));
    }
    v = h.digest('hex').slice(0, 16);
    versions.set(d, v);
  }
  return v;
}
