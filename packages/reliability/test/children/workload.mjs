// Deterministic workload shared by the child processes (which run the BUILT dists) and the
// tests that check what they left behind.
import { seededRandom as rng } from '@vigil/core';

const SYMBOLS = ['AAPL', 'MSFT', 'JPM', 'XOM', 'JNJ', 'GOOGL', 'PG', 'BAC', 'NVDA', 'KO', 'ZZZZ'];
const REGIMES = ['normal', 'normal', 'crash', 'recovery'];

export const batchPrefix = (writer, k) => `${writer}b${String(k).padStart(6, '0')}-`;

/** Batch k of `size` predictions for one writer; ids `<writer>b<k>-<j>`, all distinct across writers. */
export function makeBatch(writer, k, size, features = 5) {
  const rand = rng((k + 1) * 7919 + writer.length * 104729 + writer.charCodeAt(0));
  const out = [];
  const day = Date.UTC(2015, 0, 1) + k * 86_400_000;
  for (let j = 0; j < size; j++) {
    const f = {};
    for (let i = 0; i < features; i++) f[`f${i}`] = rand() * 2 - 1 + (k % 50 === 49 ? 3 : 0);
    out.push({
      id: `${batchPrefix(writer, k)}${String(j).padStart(4, '0')}`,
      timestamp: new Date(day + j * 1000).toISOString(),
      symbol: SYMBOLS[Math.floor(rand() * SYMBOLS.length)],
      regime: REGIMES[Math.floor(rand() * REGIMES.length)],
      features: f,
      predictedLabel: rand() < 0.5 ? 0 : 1,
      confidence: 0.5 + rand() / 2,
      modelVersion: 'm1',
    });
  }
  return out;
}

/** The outcomes of batch k: about 40% of predictions wrong, so the replay buffer keeps churning. */
export function outcomesOf(batch) {
  return batch.map((r, j) => ({
    id: r.id,
    actualLabel: (j * 2654435761) % 5 < 2 ? 1 - r.predictedLabel : r.predictedLabel,
  }));
}

/** Host config with every first-party plugin on; `root` holds the gate's models directory. */
export function fullConfig(database, root, replayMaxSize = 64) {
  return {
    database,
    log: { level: process.env.VIGIL_CHILD_LOG_LEVEL ?? 'silent' },
    plugins: {
      replay: { options: { maxSize: replayMaxSize } },
      gate: { options: { root, modelsDir: 'models', lockStaleMs: 2000, required: ['gate.overall_accuracy'] } },
    },
  };
}
