import type { ResolvedPrediction } from '@vigil/core';
import type { ErrorInput } from './validateErrors.js';

/** A resolved prediction as the buffer takes it: the same fields, the features as logged. */
export const toErrorInput = (r: ResolvedPrediction): ErrorInput => ({
  id: r.id,
  modelVersion: r.modelVersion,
  features: r.features,
  actualLabel: r.actualLabel,
  predictedLabel: r.predictedLabel,
  confidence: r.confidence,
  symbol: r.symbol,
  timestamp: r.timestamp,
  regime: r.regime,
});
