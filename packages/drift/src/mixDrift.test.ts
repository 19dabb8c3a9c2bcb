import { seededRandom } from '@vigil/test-utils';
import { describe, expect, it } from 'vitest';
import { predictionBaseline, predictionDrift, predictionWindow } from './mixDrift.js';
import { ks2Samp } from './stats/ks.js';
import { monitorKsMethod } from './stats/monitorKsMethod.js';

describe('predictionDrift: the thresholds that decide its flag', () => {
  const sample = (rand: () => number, n: number, up: number, conf: number) =>
    Array.from({ length: n }, () => ({ label: rand() < up ? 1 : 0, confidence: conf + 0.2 * rand() }));

  it('flags the class mix exactly when its distance exceeds the recorded class-mix threshold', () => {
    const rand = seededRandom(11);
    let flagged = 0;
    let cases = 0;
    for (let t = 0; t < 400; t++) {
      const base = sample(rand, 200 + Math.floor(rand() * 1500), 0.1 + 0.8 * rand(), 0.5);
      // identical confidence distribution: only the class mix can flag
      const win = sample(rand, 20 + Math.floor(rand() * 300), 0.1 + 0.8 * rand(), 0.5).map((p, i) => ({
        ...p,
        confidence: (base[i % base.length] as { confidence: number }).confidence,
      }));
      const deff = 1 + 10 * rand();
      const r = predictionDrift(base, win, { alpha: 0.05, threshold: 0.15, designEffects: { classes: deff } });
      const classFlag = r.classMix.pValue < 0.05 && r.classMix.distributionChange > 0.15;
      const t2 = r.classMix.threshold;
      if (t2 === null) expect(classFlag).toBe(false);
      else if (Math.abs(r.classMix.distributionChange - t2) > 1e-9) {
        expect(r.classMix.distributionChange > t2).toBe(classFlag);
        cases++;
        if (classFlag) flagged++;
      }
    }
    // both sides of the line were exercised
    expect(flagged).toBeGreaterThan(20);
    expect(cases - flagged).toBeGreaterThan(20);
  });

  it('records the confidence D threshold: the alert threshold, or the calibrated one when higher', () => {
    const rand = seededRandom(5);
    const base = sample(rand, 1000, 0.5, 0.5);
    const win = sample(rand, 100, 0.5, 0.55);
    const plain = predictionDrift(base, win, { alpha: 0.05, threshold: 0.15, designEffects: { confidence: 1 } });
    const wide = predictionDrift(base, win, { alpha: 0.05, threshold: 0.15, designEffects: { confidence: 25 } });
    expect(plain.confidence.threshold).toBe(0.15);
    expect(wide.confidence.threshold).toBeGreaterThan(0.5);
    expect(wide.driftDetected).toBe(wide.confidence.statistic > wide.confidence.threshold);
  });

  it('a window too small for its design effect has no class-mix threshold (it cannot reach alpha)', () => {
    const base = Array.from({ length: 500 }, (_, i) => ({ label: i % 2, confidence: 0.6 }));
    const win = Array.from({ length: 10 }, () => ({ label: 1, confidence: 0.6 }));
    const r = predictionDrift(base, win, { alpha: 0.05, threshold: 0.15, designEffects: { classes: 50 } });
    expect(r.classMix.threshold).toBeNull();
    expect(r.driftDetected).toBe(false);
  });
});

describe('predictionDrift against a baseline prepared once', () => {
  it('gives bit for bit what the samples give, and the confidence KS of ks2Samp (ties included)', () => {
    const rand = seededRandom(23);
    for (let t = 0; t < 200; t++) {
      // confidences on a 0.01 grid: ties within and across the samples
      const draw = (n: number, up: number) =>
        Array.from({ length: n }, () => ({
          label: rand() < up ? 2 : rand() < 0.5 ? 1 : 0,
          confidence: Math.round(100 * (0.5 + 0.5 * rand() ** (1 + t / 100))) / 100,
        }));
      const base = draw(50 + Math.floor(rand() * 3000), 0.2 + 0.3 * rand());
      const win = draw(5 + Math.floor(rand() * 400), 0.2 + 0.3 * rand());
      const o = {
        alpha: 0.05,
        threshold: 0.15,
        designEffects: t % 2 ? { classes: 1 + 5 * rand(), confidence: 2 } : {},
      };
      const plain = predictionDrift(base, win, o);
      const prepared = predictionBaseline(base);
      // a second window against the same prepared baseline first: nothing of one check leaks into the next
      predictionDrift(prepared, draw(30, 0.9), o);
      expect(predictionDrift(prepared, predictionWindow(win), o)).toStrictEqual(plain);
      const ks = ks2Samp(
        base.map((p) => p.confidence),
        win.map((p) => p.confidence),
        { method: monitorKsMethod(base.length, win.length) },
      );
      expect(Object.is(plain.confidence.statistic, ks.statistic)).toBe(true);
      expect(Object.is(plain.confidence.pValue, ks.pValue)).toBe(true);
    }
  });
});
