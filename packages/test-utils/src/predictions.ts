import type { PredictionRecord } from '@vigil/core';
import { normalSampler, seededRandom } from './random.js';

export interface PredictionStreamOptions {
  readonly seed?: number;
  readonly symbols?: readonly string[];
  readonly regimes?: readonly string[];
  readonly features?: number;
  readonly start?: string;
  readonly modelVersion?: string;
  readonly idPrefix?: string;
}

/** Deterministic, time-ordered prediction records for tests and benchmarks. */
export function makePredictions(n: number, o: PredictionStreamOptions = {}): PredictionRecord[] {
  const rand = seededRandom(o.seed ?? 1);
  const normal = normalSampler(rand);
  const symbols = o.symbols ?? ['AAPL', 'MSFT', 'JPM', 'XOM', 'JNJ', 'GOOGL', 'PG', 'BAC'];
  const regimes = o.regimes ?? ['normal', 'normal', 'normal', 'crash', 'recovery'];
  const nf = o.features ?? 20;
  const t0 = Date.parse(o.start ?? '2020-01-01T00:00:00Z');
  const out: PredictionRecord[] = [];
  for (let i = 0; i < n; i++) {
    const features: Record<string, number> = {};
    for (let f = 0; f < nf; f++) features[`f${f}`] = normal();
    const symbol = symbols[i % symbols.length] as string;
    out.push({
      id: `${o.idPrefix ?? 'p'}${String(i).padStart(9, '0')}`,
      timestamp: new Date(t0 + Math.floor(i / symbols.length) * 86_400_000).toISOString(),
      symbol,
      regime: regimes[Math.floor(rand() * regimes.length)] as string,
      features,
      predictedLabel: rand() < 0.5 ? 0 : 1,
      confidence: 0.5 + rand() / 2,
      modelVersion: o.modelVersion ?? 'm1',
    });
  }
  return out;
}
