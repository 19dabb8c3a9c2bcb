import type { ResolvedPrediction } from '@vigil/core';
import type { ErrorInput } from './validateErrors.js';

/** A resolved prediction as the buffer takes it: the outcome is the label, the features as logged. */
export const toErrorInput = (r: ResolvedPrediction): ErrorInput => ({
  features: r.features,
  label: r.actualLabel,
  prediction: r.predictedLabel,
  confidence: r.confidence,
  symbol: r.symbol,
  date: r.timestamp,
  regime: r.regime,
});
