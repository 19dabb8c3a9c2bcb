import { createTestHost, type TestDatabase, type TestDatabaseHandle, type TestHost } from '@vigil/host/testing';
import type { ErrorInput } from '../src/validateErrors.js';
import { errorReplayBufferToken } from '../src/tokens.js';
import { replayPlugin } from '../src/plugin.js';
import { mulberry32 } from '../src/random.js';
import type { ErrorReplayBuffer } from '../src/ErrorReplayBuffer.js';
import type { ReplayOptionsInput } from '../src/config.js';

export const startReplayHost = (
  database: TestDatabase | TestDatabaseHandle,
  options: ReplayOptionsInput = {},
  extra: object = {},
): Promise<TestHost> =>
  createTestHost({ database, plugins: [replayPlugin], config: { plugins: { replay: { options } } }, ...extra });

export const bufferOf = (h: TestHost): ErrorReplayBuffer => h.container.resolve(errorReplayBufferToken);

export const tableRows = async (
  h: TestHost,
): Promise<
  {
    id: number;
    symbol: string;
    timestamp: string;
    regime: string | null;
    score: number;
    replayed: number;
    features: number[];
    actualLabel: number;
    predictedLabel: number;
    confidence: number;
    predictionId: string | null;
    model: string;
  }[]
> =>
  (
    (await h.dataSource.query(
      'SELECT id, prediction_id, model_version, symbol, date, regime, error_score, replayed_count, features_json, true_label, predicted_label, confidence FROM error_replay_buffer ORDER BY error_score DESC, id ASC',
    )) as Record<string, unknown>[]
  ).map((r) => ({
    id: Number(r.id),
    predictionId: r.prediction_id === null ? null : String(r.prediction_id),
    model: String(r.model_version),
    symbol: String(r.symbol),
    timestamp: String(r.date),
    regime: (r.regime as string | null) ?? null,
    score: Number(r.error_score),
    replayed: Number(r.replayed_count),
    features: JSON.parse(String(r.features_json)),
    actualLabel: Number(r.true_label),
    predictedLabel: Number(r.predicted_label),
    confidence: Number(r.confidence),
  }));

/** Random errors (about a fifth correct), confidences on a 0.01 grid so ties are common. */
export function randomErrors(n: number, seed: number, start = 0): ErrorInput[] {
  const rand = mulberry32(seed);
  const regimes = ['normal', 'crash', 'recovery'];
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    const label = rand() < 0.5 ? 0 : 1;
    return {
      features: [rand(), rand() * 2 - 1],
      actualLabel: label,
      predictedLabel: rand() < 0.2 ? label : 1 - label,
      confidence: Math.round(rand() * 100) / 100,
      symbol: `S${i}`,
      timestamp: '2020-01-02',
      regime: regimes[i % 3] as string,
    };
  });
}
