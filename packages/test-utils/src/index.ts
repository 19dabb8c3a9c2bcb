export { makePredictions, type PredictionStreamOptions } from './predictions.js';
export { normalSampler, seededRandom } from './random.js';
export { machine, ratioText, repoRoot, reportBench, timeMedian, type BenchFigure, type BenchReport } from './bench.js';
export { betterSqliteInsertRate, rawSqliteInsertRate } from './rawInsert.js';
