import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type LogisticModel, trainLogistic } from '@vigil/replay';
import { FEATURES, type Sample } from './dataset.js';

/** A trained direction model: logistic regression over the demo's features, saved as JSON. */
export interface DirectionModel {
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

export function predict(m: DirectionModel, x: readonly number[]): Prediction {
  const p = m.fit.predictProba(x);
  return p >= 0.5 ? { label: 1, confidence: p } : { label: 0, confidence: 1 - p };
}

export interface TrainingSet {
  readonly features: readonly (readonly number[])[];
  readonly labels: readonly number[];
  readonly weights?: readonly number[];
}

export function train(version: string, trainedThrough: string, set: TrainingSet): DirectionModel {
  const fit = trainLogistic(set.features, set.labels, { ...(set.weights ? { weights: set.weights } : {}), l2: 1e-3 });
  return { version, trainedThrough, rows: set.labels.length, fit };
}

export const trainingSetOf = (samples: readonly Sample[]): TrainingSet => ({ features: samples.map((s) => s.x), labels: samples.map((s) => s.label as number) });

/** Writes the model as the file the gate validates and promotes. */
export function saveModel(m: DirectionModel, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const { coefficients, intercept, means, scales } = m.fit;
  writeFileSync(path, `${JSON.stringify({ kind: 'logistic-direction-5d', version: m.version, features: FEATURES, trainedThrough: m.trainedThrough, rows: m.rows, coefficients, intercept, means, scales }, null, 2)}\n`);
}
