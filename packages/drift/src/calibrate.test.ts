import { normalSampler, seededRandom } from '@vigil/test-utils';
import { describe, expect, it } from 'vitest';
import { DriftDetector } from './DriftDetector.js';
import { clusteredDesignEffect, kolmogorovTail, kolmogorovUpper } from './calibrate.js';

/**
 * A panel without any change: each step's rows share the step's common factor (every symbol sees the same day)
 * and the factor is autocorrelated across steps (AR(1), phi 0.9), as market features are. Rows of a step are not
 * independent, so the i.i.d. KS test sees "drift" in most windows.
 */
function panel(
  seed: number,
  steps: number,
  perStep: number,
  shiftFrom = Number.POSITIVE_INFINITY,
  shift = 0,
  warm = 0,
) {
  const z = normalSampler(seededRandom(seed));
  const values: number[] = [];
  let factor = 0;
  // `warm` steps first (discarded) start the factor from its stationary distribution, not from 0
  for (let s = -warm; s < steps; s++) {
    factor = 0.9 * factor + Math.sqrt(1 - 0.81) * z();
    if (s < 0) continue;
    for (let i = 0; i < perStep; i++) values.push(factor + 0.5 * z() + (s >= shiftFrom ? shift : 0));
  }
  return values;
}

describe('KS thresholds calibrated on whole steps (design effect)', () => {
  const B = 250;
  const W = 20;
  const perStep = 20;
  const detector = (calibrated: boolean) => {
    const d = new DriftDetector({ windowSize: W * perStep, featureNames: ['x'], minWindowSize: 5 });
    d.setBaseline({ features: { x: panel(1, B, perStep) } });
    if (calibrated)
      d.calibrate(0.01, { stepCounts: new Map([['x', Array.from({ length: B }, () => perStep)]]), windowSteps: W });
    return d;
  };

  it('the Kolmogorov tail and its inverse agree with known values', () => {
    expect(kolmogorovTail(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovUpper(0.5)).toBeCloseTo(0.8276, 3);
    expect(kolmogorovUpper(0.01)).toBeCloseTo(1.6276, 3);
  });

  it('on unchanged dependent panels the i.i.d. rule flags most windows; the calibrated one about its target', () => {
    const spec = detector(false);
    const cal = detector(true);
    expect(cal.calibration?.designEffects?.x).toBeGreaterThan(20);
    let specFlags = 0;
    let calFlags = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      // fresh stretches of the same process, each W steps long
      const win = { x: panel(100 + t, W, perStep) };
      if (spec.detectFeatureDrift(win).driftDetected) specFlags++;
      if (cal.detectFeatureDrift(win).driftDetected) calFlags++;
    }
    expect(specFlags / trials).toBeGreaterThan(0.5);
    expect(calFlags / trials).toBeLessThan(0.05);
  });

  it('on stationary windows of the same process the calibrated rule flags near its target', () => {
    // the baseline and each window start from the factor's stationary distribution: the null a live window meets
    const d = new DriftDetector({ windowSize: W * perStep, featureNames: ['x'], minWindowSize: 5 });
    d.setBaseline({ features: { x: panel(1, B, perStep, Number.POSITIVE_INFINITY, 0, 100) } });
    d.calibrate(0.01, { stepCounts: new Map([['x', Array.from({ length: B }, () => perStep)]]), windowSteps: W });
    let flags = 0;
    const trials = 300;
    for (let t = 0; t < trials; t++)
      if (d.detectFeatureDrift({ x: panel(1000 + t, W, perStep, Number.POSITIVE_INFINITY, 0, 100) }).driftDetected)
        flags++;
    // 2 of 300 with these seeds; the replays' median alone (design effect from ~6 independent windows) is not relied on
    expect(flags / trials).toBeLessThan(0.03);
  });

  it('still flags a real shift of the whole panel', () => {
    const cal = new DriftDetector({ windowSize: W * perStep, featureNames: ['x'], minWindowSize: 5 });
    cal.setBaseline({ features: { x: panel(1, B, perStep, Number.POSITIVE_INFINITY, 0, 100) } });
    cal.calibrate(0.01, { stepCounts: new Map([['x', Array.from({ length: B }, () => perStep)]]), windowSteps: W });
    // 5 sd of the common factor: a 20-step window holds about two independent draws of it (design effect ~100),
    // so a smaller shift is within a window's null spread (its 99th percentile of D is ~0.85 here)
    const shifted = panel(7, W, perStep, 0, 5, 100);
    const r = cal.detectFeatureDrift({ x: shifted });
    expect(r.driftDetected).toBe(true);
    expect(r.rule).toBe('calibrated');
    expect(r.features[0]?.threshold).toBeLessThan(r.features[0]?.statistic as number);
  });
});

describe('clusteredDesignEffect', () => {
  const z = normalSampler(seededRandom(3));
  const S = 250;
  const m = 9;
  const counts = Array.from({ length: S }, () => m);
  it('is about 1 for independent rows', () => {
    const x = Float64Array.from({ length: S * m }, () => z());
    expect(clusteredDesignEffect(x, counts, 20)).toBeLessThan(1.5);
  });
  it('is about the rows per step for a value every symbol of a step shares (a market-wide level)', () => {
    const x = new Float64Array(S * m);
    for (let s = 0; s < S; s++) x.fill(z(), s * m, (s + 1) * m);
    const deff = clusteredDesignEffect(x, counts, 20);
    expect(deff).toBeGreaterThan(m * 0.8);
    expect(deff).toBeLessThan(m * 1.6);
  });
  it('grows towards rows per step times the window for a shared level that persists (VIX-like)', () => {
    const x = new Float64Array(S * m);
    let level = 0;
    for (let s = 0; s < S; s++) {
      level = 0.98 * level + Math.sqrt(1 - 0.98 ** 2) * z();
      x.fill(level, s * m, (s + 1) * m);
    }
    expect(clusteredDesignEffect(x, counts, 20)).toBeGreaterThan(m * 8);
  });
});
