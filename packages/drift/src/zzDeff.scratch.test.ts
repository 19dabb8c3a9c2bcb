import { normalSampler, seededRandom } from '@vigil/test-utils';
import { it } from 'vitest';
import { DriftDetector } from './DriftDetector.js';
import { clusteredDesignEffect } from './calibrate.js';
function panel(seed: number, steps: number, perStep: number, shiftFrom = Number.POSITIVE_INFINITY, shift = 0, warm = 0) {
  const z = normalSampler(seededRandom(seed));
  const values: number[] = [];
  let factor = 0;
  for (let s = -warm; s < steps; s++) {
    factor = 0.9 * factor + Math.sqrt(1 - 0.81) * z();
    if (s < 0) { for (let i = 0; i < perStep; i++) z(); continue; }
    for (let i = 0; i < perStep; i++) values.push(factor + 0.5 * z() + (s >= shiftFrom ? shift : 0));
  }
  return values;
}
it('deff', () => {
  const B = 250, W = 20, perStep = 20;
  for (const seed of [1, 2, 3]) {
    const d = new DriftDetector({ windowSize: W * perStep, featureNames: ['x'], minWindowSize: 5 });
    const x = panel(seed, B, perStep, Infinity, 0, 100);
    d.setBaseline({ features: { x } });
    const c = d.calibrate(0.01, { stepCounts: new Map([['x', Array.from({ length: B }, () => perStep)]]), windowSteps: W });
    const cl = clusteredDesignEffect(Float64Array.from(x), Array.from({ length: B }, () => perStep), W);
    // empirical: windows of a long stationary stretch continuing the baseline's process
    let flags = 0; const T = 300;
    const ds: number[] = [];
    for (let t = 0; t < T; t++) {
      const win = panel(1000 + t, W, perStep, Infinity, 0, 100);
      const r = d.detectFeatureDrift({ x: win });
      ds.push(r.features[0]!.statistic);
      if (r.driftDetected) flags++;
    }
    ds.sort((a, b) => a - b);
    const shifted = d.detectFeatureDrift({ x: panel(7, W, perStep, 0, 2.5, 100) }).features[0]!;
    console.log(`seed ${seed}: deff ${c.designEffects?.x?.toFixed(1)} clustered ${cl.toFixed(1)} thr ${d.thresholdOf('x', W*perStep).toFixed(3)} flags ${flags}/${T} D99 ${ds[Math.floor(0.99*T)]!.toFixed(3)} D50 ${ds[T>>1]!.toFixed(3)} shifted D ${shifted.statistic.toFixed(3)}`);
  }
});
