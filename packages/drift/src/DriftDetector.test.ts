import { isVigilError } from '@vigil/core';
import { normalSampler, seededRandom } from '@vigil/test-utils';
import { describe, expect, it } from 'vitest';
import { DriftDetector } from './DriftDetector.js';

const normals = (seed: number, n: number, mean = 0, sd = 1) => {
  const z = normalSampler(seededRandom(seed));
  return Array.from({ length: n }, () => mean + sd * z());
};
const rows = (cols: number[][]) => (cols[0] as number[]).map((_, i) => cols.map((c) => c[i] as number));

describe('DriftDetector feature drift', () => {
  it('flags only the shifted feature, with statistic, p-value and Holm-corrected p-value per feature', () => {
    const d = new DriftDetector({ featureNames: ['a', 'b', 'c'] });
    d.setBaseline({ features: rows([normals(1, 2000), normals(2, 2000), normals(3, 2000)]) });
    const r = d.detectFeatureDrift(rows([normals(4, 100), normals(5, 100, 1.0), normals(6, 100)]));
    expect(r.driftDetected).toBe(true);
    expect(r.driftedFeatures).toEqual([1]);
    expect(r.driftedFeatureNames).toEqual(['b']);
    const b = r.features[1];
    expect(b?.statistic).toBeGreaterThan(0.3);
    expect(b?.correctedPValue).toBeGreaterThanOrEqual(b?.pValue as number);
    expect(b?.correctedPValue).toBeLessThan(1e-6);
    expect(r.maxDrift).toBe(b?.statistic);
    expect(r.rule).toBe('threshold+pvalue');
  });

  it('needs BOTH D over the threshold and a corrected p-value under alpha', () => {
    const d = new DriftDetector({ alertThreshold: 0.05, windowSize: 20, minWindowSize: 5 });
    d.setBaseline({ features: { x: normals(7, 500) } });
    // D over 0.05 is near certain with 20 points, but the p-value is not small
    const r = d.detectFeatureDrift({ x: normals(8, 20) });
    expect(r.features[0]?.statistic).toBeGreaterThan(0.05);
    expect(r.features[0]?.pValue).toBeGreaterThan(0.05);
    expect(r.driftDetected).toBe(false);
  });

  it('transforms a level series before testing: a random walk drifts in level, not in its steps', () => {
    const steps = normals(9, 1201);
    const walk: number[] = [];
    let level = 100;
    for (const x of steps) {
      level += x;
      walk.push(level);
    }
    const raw = new DriftDetector({ windowSize: 100 });
    raw.setBaseline({ features: { level: walk.slice(0, 1000) } });
    const diffed = new DriftDetector({ windowSize: 100, transforms: { level: 'diff' } });
    diffed.setBaseline({ features: { level: walk.slice(0, 1000) } });
    expect(raw.warnings.some((w) => w.includes("'level' has lag-1 autocorrelation"))).toBe(true);
    expect(diffed.warnings.some((w) => w.includes('autocorrelation'))).toBe(false);
    const win = { level: walk.slice(1100, 1200) };
    expect(raw.detectFeatureDrift(win).driftDetected).toBe(true);
    expect(diffed.detectFeatureDrift(win).driftDetected).toBe(false);
  });

  it('warns when the spec threshold is below the noise level of D', () => {
    const d = new DriftDetector({ windowSize: 20 });
    d.setBaseline({ features: { x: normals(10, 250) } });
    expect(d.warnings.some((w) => w.startsWith('alertThreshold 0.15 is below the noise level'))).toBe(true);
    const quiet = new DriftDetector({ windowSize: 1000, alertThreshold: 0.2 });
    quiet.setBaseline({ features: { x: normals(10, 5000) } });
    expect(quiet.warnings).toEqual([]);
  });

  it('calibration sets thresholds that give the target rate in-sample and hold it on fresh null data', () => {
    const names = ['a', 'b', 'c', 'd'];
    const d = new DriftDetector({ windowSize: 20, featureNames: names });
    d.setBaseline({ features: rows(names.map((_, i) => normals(20 + i, 2000))) });
    const c = d.calibrate(0.02);
    expect(c.inSampleRate).toBeLessThanOrEqual(0.02);
    expect(c.inSampleRate).toBeGreaterThan(0.005);
    let alarms = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++)
      if (d.detectFeatureDrift(rows(names.map((_, i) => normals(1000 + t * 7 + i, 20)))).driftDetected) alarms++;
    expect(alarms / trials).toBeLessThan(0.05);
    expect(
      d.detectFeatureDrift(rows(names.map((_, i) => normals(99 + i, 20, i === 2 ? 1.5 : 0)))).driftedFeatureNames,
    ).toEqual(['c']);
  });

  it('refuses bad windows before computing anything, naming each problem', () => {
    const d = new DriftDetector({ featureNames: ['a', 'b'], minWindowSize: 5 });
    d.setBaseline({ features: rows([normals(1, 100), normals(2, 100)]) });
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(isVigilError(e, 'VIGIL_INVALID_INPUT')).toBe(true);
        return (e as Error).message;
      }
      throw new Error('did not throw');
    };
    expect(err(() => d.detectFeatureDrift([[1, 2, 3]]))).toContain(
      'window[0]: must hold 2 feature values (a, b), got 3',
    );
    expect(err(() => d.detectFeatureDrift({ a: [1, 2, 3, 4, 5], b: [1, 2, 3, 4, 5], zz: [1] }))).toContain(
      'window.zz: is not a baseline feature; known features: a, b',
    );
    expect(err(() => d.detectFeatureDrift({ a: [1, 2, 3, 4, 5] }))).toContain('window.b: is missing');
    expect(err(() => d.detectFeatureDrift({ a: [1, 2, Number.NaN, 4, 5], b: [1, 2, 3, 4, 5] }))).toContain(
      'window.a[2]: must be a finite number, got NaN',
    );
    expect(err(() => d.detectFeatureDrift({ a: [1, 2], b: [1, 2] }))).toContain('the minimum window is 5');
    expect(err(() => d.setBaseline({ features: { a: [] } }))).toContain('baseline.features.a');
    expect(err(() => new DriftDetector({ alertThreshold: 2 }))).toContain(
      'alertThreshold: must be a number in (0, 1], got 2',
    );
  });
});

describe('DriftDetector regime and prediction drift', () => {
  const base = [...Array(80).fill('normal'), ...Array(20).fill('recovery')];
  it('reads "normal -> crash" when crash takes over, "stable" when the mix holds', () => {
    const d = new DriftDetector({ minWindowSize: 5 });
    d.setBaseline({ features: { x: normals(1, 50) }, regimes: [...base, ...Array(5).fill('crash')] });
    const crash = d.detectRegimeDrift([...Array(14).fill('crash'), ...Array(6).fill('normal')]);
    expect(crash).toMatchObject({ driftDetected: true, regimeShift: 'normal -> crash' });
    expect(crash.distributionChange).toBeCloseTo(0.7 - 5 / 105, 12);
    expect(d.detectRegimeDrift([...Array(16).fill('normal'), ...Array(4).fill('recovery')])).toMatchObject({
      driftDetected: false,
      regimeShift: 'stable',
    });
  });
  it('a regime never seen in the baseline is drift beyond the alert threshold, with finite figures', () => {
    const d = new DriftDetector({ minWindowSize: 5 });
    d.setBaseline({ features: { x: normals(1, 50) }, regimes: base });
    const r = d.detectRegimeDrift([...Array(16).fill('normal'), ...Array(4).fill('crash')]);
    expect(r.driftDetected).toBe(true);
    expect(r.newRegimes).toEqual(['crash']);
    expect(r.regimeShift).toBe('normal -> crash');
    expect(Number.isFinite(r.pValue) && Number.isFinite(r.chiSquare)).toBe(true);
    // one day in twenty (distance 0.05 <= 0.15): reported as new, not flagged
    const one = d.detectRegimeDrift([...Array(16).fill('normal'), ...Array(3).fill('recovery'), 'crash']);
    expect(one).toMatchObject({ driftDetected: false, regimeShift: 'stable', newRegimes: ['crash'] });
    expect(one.distributionChange).toBeCloseTo(0.05, 12);
  });
  it('prediction drift: class mix and confidence, with the average confidence change', () => {
    const d = new DriftDetector({ minWindowSize: 5 });
    const mk = (n: number, up: number, conf: number, seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: n }, () => ({ label: r() < up ? 1 : 0, confidence: conf + 0.1 * r() }));
    };
    d.setBaseline({ features: { x: normals(1, 50) }, predictions: mk(1000, 0.5, 0.6, 1) });
    const same = d.detectPredictionDrift(mk(200, 0.5, 0.6, 2));
    expect(same.driftDetected).toBe(false);
    const shifted = d.detectPredictionDrift(mk(200, 0.9, 0.8, 3));
    expect(shifted.driftDetected).toBe(true);
    expect(shifted.avgConfidenceChange).toBeCloseTo(0.2, 1);
    expect(shifted.predictionShift).toBe(1); // confidences no longer overlap
  });
  it("a prediction window as columns: the samples' result, bad columns refused by field, a new baseline used", () => {
    const d = new DriftDetector({ minWindowSize: 5 });
    const mk = (n: number, up: number, conf: number, seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: n }, () => ({ label: r() < up ? 1 : 0, confidence: conf + 0.1 * r() }));
    };
    const cols = (ps: { label: number; confidence: number }[]) => ({
      labels: ps.map((p) => p.label),
      confidences: Float64Array.from(ps, (p) => p.confidence),
    });
    d.setBaseline({ features: { x: normals(1, 50) }, predictions: mk(1000, 0.5, 0.6, 1) });
    const win = mk(200, 0.7, 0.62, 2);
    const before = d.detectPredictionDrift(win);
    expect(d.detectPredictionDrift(cols(win))).toStrictEqual(before);
    const bad = cols(win);
    bad.confidences[3] = 1.5;
    const err = (() => {
      try {
        d.detectPredictionDrift(bad);
      } catch (e) {
        return e;
      }
    })();
    expect(isVigilError(err) && err.code).toBe('VIGIL_INVALID_INPUT');
    expect(String((err as Error).message)).toContain('predictions.confidences[3]');
    expect(() => d.detectPredictionDrift({ labels: [1, 0], confidences: new Float64Array(3) })).toThrow(
      /equal lengths/,
    );
    expect(() => d.detectPredictionDrift(cols(win.slice(0, 4)))).toThrow(/minimum window is 5/);
    // the baseline prepared for the checks is the one set last
    d.setBaseline({ features: { x: normals(1, 50) }, predictions: mk(1000, 0.7, 0.62, 9) });
    const after = d.detectPredictionDrift(cols(win));
    expect(after.avgConfidenceChange).not.toBe(before.avgConfidenceChange);
    expect(after.classMix.distributionChange).toBeLessThan(before.classMix.distributionChange);
  });
});
