import { normalSampler, seededRandom } from '@vigil/test-utils';
import { describe, expect, it } from 'vitest';
import { DriftDetector } from './DriftDetector.js';
import { kolmogorovTail, kolmogorovUpper } from './calibrate.js';

/**
 * A panel without any change: each step's rows share the step's common factor (every symbol sees the same day)
 * and the factor is autocorrelated across steps (AR(1), phi 0.9), as market features are. Rows of a step are not
 * independent, so the i.i.d. KS test sees "drift" in most windows.
 */
function panel(seed: number, steps: number, perStep: number, shiftFrom = Number.POSITIVE_INFINITY, shift = 0) {
  const z = normalSampler(seededRandom(seed));
  const values: number[] = [];
  let factor = 0;
  for (let s = 0; s < steps; s++) {
    factor = 0.9 * factor + Math.sqrt(1 - 0.81) * z();
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

  it('still flags a real shift of the whole panel', () => {
    const cal = detector(true);
    const shifted = panel(7, W, perStep, 0, 2.5);
    const r = cal.detectFeatureDrift({ x: shifted });
    expect(r.driftDetected).toBe(true);
    expect(r.rule).toBe('calibrated');
    expect(r.features[0]?.threshold).toBeLessThan(r.features[0]?.statistic as number);
  });
});
