import { type CriterionResult, type GateCriterion, type ValidationResults, defineCriterion } from '@vigil/core';

/** The spec's first check: overall accuracy > 65%. */
export const DEFAULT_MIN_OVERALL_ACCURACY = 0.65;
export const OVERALL_ACCURACY_CRITERION = 'gate.overall_accuracy';

/** Accuracy of raw predictions: share with `predictedLabel === actualLabel`. */
export function predictionAccuracy(predictions: ValidationResults['predictions']): { correct: number; total: number } {
  let correct = 0;
  const list = predictions ?? [];
  for (let i = 0; i < list.length; i++) {
    const p = list[i] as { predictedLabel: number; actualLabel: number };
    if (p.predictedLabel === p.actualLabel) correct++;
  }
  return { correct, total: list.length };
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

/** `gate.overall_accuracy`: precomputed `validation.accuracy` wins; else computed from raw predictions. */
export function overallAccuracyCriterion(minSamples: number): GateCriterion {
  return defineCriterion({
    id: OVERALL_ACCURACY_CRITERION,
    requiredByDefault: true,
    description: 'overall validation accuracy must exceed the configured threshold (default 65%)',
    defaultThreshold: DEFAULT_MIN_OVERALL_ACCURACY,
    async evaluate(ctx): Promise<CriterionResult> {
      const threshold = ctx.threshold ?? DEFAULT_MIN_OVERALL_ACCURACY;
      const v = ctx.validation;
      if (typeof v.accuracy === 'number') {
        const ok = v.accuracy > threshold;
        return {
          status: ok ? 'pass' : 'fail',
          value: v.accuracy,
          threshold,
          message: `overall accuracy ${pct(v.accuracy)} ${ok ? '>' : '<='} ${pct(threshold)}`,
          details: { source: 'accuracy' },
        };
      }
      if (v.predictions === undefined) {
        return {
          status: 'insufficient',
          value: null,
          threshold,
          message: 'no overall accuracy: validation has neither accuracy nor predictions',
          details: { source: 'none' },
        };
      }
      const { correct, total } = predictionAccuracy(v.predictions);
      const value = total === 0 ? null : correct / total;
      if (total < minSamples) {
        return {
          status: 'insufficient',
          value,
          threshold,
          message: `only ${total} validation predictions; at least ${minSamples} needed to judge overall accuracy`,
          details: { source: 'predictions', correct, total, minSamples },
        };
      }
      const acc = value as number;
      const ok = acc > threshold;
      return {
        status: ok ? 'pass' : 'fail',
        value: acc,
        threshold,
        message: `overall accuracy ${pct(acc)} (${correct}/${total}) ${ok ? '>' : '<='} ${pct(threshold)}`,
        details: { source: 'predictions', correct, total },
      };
    },
  });
}
