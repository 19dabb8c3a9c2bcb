import type { DependencyContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { overallAccuracyCriterion } from './overallAccuracy.js';

const run = (validation: Record<string, unknown>, threshold?: number, min = 10) =>
  overallAccuracyCriterion(min).evaluate({
    modelPath: 'm',
    validation,
    threshold,
    container: {} as DependencyContainer,
    now: new Date(0),
  });
const preds = (right: number, wrong: number) => [
  ...Array.from({ length: right }, () => ({
    symbol: 'A',
    regime: 'normal',
    predictedLabel: 1,
    actualLabel: 1,
    confidence: 0.9,
  })),
  ...Array.from({ length: wrong }, () => ({
    symbol: 'A',
    regime: 'normal',
    predictedLabel: 1,
    actualLabel: 0,
    confidence: 0.9,
  })),
];

describe('gate.overall_accuracy', () => {
  it('passes strictly above the threshold (spec: > 65%), default 0.65', async () => {
    expect(await run({ accuracy: 0.6501 })).toMatchObject({ status: 'pass', value: 0.6501, threshold: 0.65 });
    expect(await run({ accuracy: 0.65 })).toMatchObject({ status: 'fail', value: 0.65 });
    expect(await run({ accuracy: 0.7 }, 0.72)).toMatchObject({ status: 'fail', threshold: 0.72 });
  });

  it('computes accuracy from raw predictions when no figure is given; a precomputed figure wins', async () => {
    expect(await run({ predictions: preds(66, 34) })).toMatchObject({
      status: 'pass',
      value: 0.66,
      details: { correct: 66, total: 100 },
    });
    expect(await run({ predictions: preds(64, 36) })).toMatchObject({ status: 'fail', value: 0.64 });
    expect(await run({ accuracy: 0.5, predictions: preds(90, 10) })).toMatchObject({
      status: 'fail',
      value: 0.5,
      details: { source: 'accuracy' },
    });
  });

  it('is insufficient below the minimum sample count or with nothing to measure', async () => {
    expect(await run({ predictions: preds(9, 0) }, undefined, 10)).toMatchObject({ status: 'insufficient', value: 1 });
    expect(await run({ predictions: [] })).toMatchObject({ status: 'insufficient', value: null });
    expect(await run({ driftScore: 0.1 })).toMatchObject({ status: 'insufficient' });
  });
});
