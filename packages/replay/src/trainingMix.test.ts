import { describe, expect, it } from 'vitest';
import { mixReplay, replayCount } from './trainingMix.js';

describe('mixReplay', () => {
  it('makes replay the given share of the mixed batch', () => {
    expect(replayCount(80, 0.2)).toBe(20);
    expect(replayCount(1000, 0.2)).toBe(250);
    expect(replayCount(90, 0.5)).toBe(90);
  });

  it('appends replay rows at replayWeight, times the IS weight when asked', () => {
    const batch = { features: [[1], [2]], labels: [0, 1], weights: [1, 0.5] };
    const replay = { features: [[9]], labels: [1], weights: [0.5] };
    const o = { replayFraction: 0.2, replayWeight: 3, importanceWeighting: true };
    expect(mixReplay(batch, replay, o)).toEqual({
      features: [[1], [2], [9]],
      labels: [0, 1, 1],
      weights: [1, 0.5, 1.5],
      isReplay: [false, false, true],
    });
    expect(mixReplay({ features: [[1]], labels: [0] }, replay, { ...o, importanceWeighting: false }).weights).toEqual([
      1, 3,
    ]);
    expect(() => mixReplay({ features: [[1]], labels: [0, 1] }, replay, o)).toThrow(RangeError);
  });
});
