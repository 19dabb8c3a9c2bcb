export { runDemo, type DemoOptions, type DemoResult } from './runDemo.js';
export { alertEpisodes, formatSummary, type DemoSummary, type GateDecision } from './summary.js';
export { FEATURES, HORIZON, buildDataset, type Sample } from './dataset.js';
export { REGIMES, marketRegimes, type Regime } from './regimes.js';
export {
  MODEL_FEATURES,
  modelInputs,
  predict,
  saveModel,
  train,
  trainingSetOf,
  type Prediction,
  type VolatilityModel,
} from './model.js';
