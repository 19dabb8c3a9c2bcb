import { ksPValue } from './ks.js';

/**
 * The KS statistic D that independent samples of sizes `window` and `baseline` exceed with
 * probability `rate` when nothing has changed (bisection on the exact or asymptotic p-value).
 */
export function ksNoiseLevel(window: number, baseline: number, rate = 0.05): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (ksPValue(mid, window, baseline).pValue > rate) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Pr(D > threshold) for one feature under the null, and for any of `features` independent ones. */
export function ksFalseAlarmRate(
  threshold: number,
  window: number,
  baseline: number,
  features = 1,
): { perFeature: number; any: number } {
  // D takes values on the lattice of 1/lcm; P(D > t) = P(D >= next lattice point above t).
  const perFeature = ksPValue(Math.min(1, threshold + 1e-12), window, baseline).pValue;
  return { perFeature, any: 1 - (1 - perFeature) ** features };
}
