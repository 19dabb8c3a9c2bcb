import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type LogisticModel, trainLogistic } from '@vigil/replay';
import { FEATURES, type FeatureName, type Sample } from './dataset.js';

/**
 * What the model reads: the symbol's recent volatility against its own typical week (1, 5, 20
 * and 60 days) and the market's fear gauge (VIX level and 5-day change).
 */
export const MODEL_FEATURES: readonly FeatureName[] = [
  'pk_1d_rel',
  'pk_5d_rel',
  'pk_20d_rel',
  'pk_60d_rel',
  'vix',
  'vix_chg_5d',
];
const COLUMNS = MODEL_FEATURES.map((f) => FEATURES.indexOf(f));

/**
 * A trained volatility-regime model: logistic regression predicting whether next week is a
 * high-volatility week for the symbol (label 1), saved as JSON.
 */
export interface VolatilityModel {
  readonly version: string;
  readonly trainedThrough: string;
  readonly rows: number;
  readonly fit: LogisticModel;
}

export interface Prediction {
  readonly label: 0 | 1;
  /** The model's probability for the label it predicts, in [0.5, 1]. */
  readonly confidence: number;
}

/** The model's inputs from a full feature vector (in `FEATURES` order, as logged and buffered). */
export const modelInputs = (x: readonly number[]): number[] => COLUMNS.map((c) => x[c] as number);

export function predict(m: VolatilityModel, x: readonly number[]): Prediction {
  const p = m.fit.predictProba(modelInputs(x));
  return p >= 0.5 ? { label: 1, confidence: p } : { label: 0, confidence: 1 - p };
}

export interface TrainingSet {
  /** Full feature vectors, in `FEATURES` order. */
  readonly features: readonly (readonly number[])[];
  readonly labels: readonly number[];
  readonly weights?: readonly number[];
}

export function train(version: string, trainedThrough: string, set: TrainingSet): VolatilityModel {
  const fit = trainLogistic(set.features.map(modelInputs), set.labels, {
    ...(set.weights ? { weights: set.weights } : {}),
    l2: 1e-3,
  });
  return { version, trainedThrough, rows: set.labels.length, fit };
}

export const trainingSetOf = (samples: readonly Sample[]): TrainingSet => ({
  features: samples.map((s) => s.x),
  labels: samples.map((s) => s.label as number),
});

/** Writes the model as the file the gate validates and promotes. */
export function saveModel(m: VolatilityModel, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const { coefficients, intercept, means, scales } = m.fit;
  writeFileSync(
    path,
    `${JSON.stringify({ kind: 'logistic-volatility-regime-5d', predicts: "next 5 trading days' Parkinson volatility above the symbol's one-year median", version: m.version, features: MODEL_FEATURES, trainedThrough: m.trainedThrough, rows: m.rows, coefficients, intercept, means, scales }, null, 2)}\n`,
  );
}
