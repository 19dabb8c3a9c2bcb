import { describe, expect, it } from 'vitest';
import { replayImprovement } from './replayImprovement.js';

describe('replayImprovement', () => {
  it('counts repeat errors, the reduction and the discordant pairs', () => {
    const pairs = [
      ...Array.from({ length: 6 }, () => ({ label: 1, oldPredicted: 0, newPredicted: 1 })), // fixed
      ...Array.from({ length: 4 }, () => ({ label: 1, oldPredicted: 0, newPredicted: 0 })), // repeated
      ...Array.from({ length: 2 }, () => ({ label: 0, oldPredicted: 0, newPredicted: 1 })), // broken
    ];
    const r = replayImprovement(pairs);
    expect(r).toMatchObject({ samples: 12, oldErrors: 10, repeatErrors: 4 });
    expect(r.repeatErrorReduction).toBeCloseTo(0.6, 12);
    expect(r.oldAccuracy).toBeCloseTo(2 / 12, 12);
    expect(r.newAccuracy).toBeCloseTo(6 / 12, 12);
    expect(r.improvement).toBeCloseTo(4 / 12, 12);
    expect(r.mcnemar).toMatchObject({ b: 6, c: 2 });
  });

  it('has no figures for no samples', () => {
    expect(replayImprovement([])).toMatchObject({ samples: 0, repeatErrorReduction: null, improvement: null });
  });
});
