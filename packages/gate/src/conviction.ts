import type { ValidationPrediction } from '@vigil/core';

/** Where a trading criterion's outcome came from. */
export type OutcomeSource = 'realized' | 'label';

export interface SignedRows {
  /** 2 P(label 1) - 1 in [-1, 1]: the model's signed conviction that the outcome is the positive label. */
  readonly conviction: number[];
  /** `realized` (e.g. the realised return) when every row gives one; else +1 / -1 for actualLabel 1 / 0. */
  readonly outcome: number[];
  readonly source: OutcomeSource;
}

/**
 * Signed conviction and outcome per validation prediction, for binary labels {0, 1} (1 is the
 * positive outcome, e.g. "up"). A row's optional `realized` must be a finite number.
 * Returns a message instead when the labels are not binary or a `realized` is malformed.
 */
export function signedRows(
  predictions: readonly ValidationPrediction[],
  labels: readonly number[],
): SignedRows | string {
  if (!(labels.length === 2 && labels.includes(0) && labels.includes(1)))
    return `needs the binary labels [0, 1], the configured labels are [${labels.join(', ')}]`;
  const conviction: number[] = [];
  const realized: number[] = [];
  const outcome: number[] = [];
  let withRealized = 0;
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i] as ValidationPrediction & { realized?: unknown };
    const p1 = p.predictedLabel === 1 ? p.confidence : 1 - p.confidence;
    conviction.push(2 * p1 - 1);
    outcome.push(p.actualLabel === 1 ? 1 : -1);
    if (p.realized !== undefined) {
      if (typeof p.realized !== 'number' || !Number.isFinite(p.realized))
        return `validation.predictions[${i}].realized must be a finite number, got ${String(p.realized)}`;
      withRealized++;
      realized.push(p.realized);
    }
  }
  const all = withRealized === predictions.length && withRealized > 0;
  return { conviction, outcome: all ? realized : outcome, source: all ? 'realized' : 'label' };
}
