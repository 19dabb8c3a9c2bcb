// addError throughput with the buffer full (1,000 and 100,000 entries) persisted to an SQLite
// file, against a SQL-only top-N (insert, then DELETE the excess by ORDER BY) on the same file;
// and prioritized sampling of 1,000 from 100,000.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost } from '@vigil/host';
import { errorReplayBufferToken, mulberry32, prioritizedSample, replayPlugin } from '@vigil/replay';
import { reportBench, timeMedian } from '@vigil/test-utils';

const silent = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silent;
  },
};

function stream(n, seed, start = 0) {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, k) => ({
    features: Array.from({ length: 10 }, () => rand()),
    label: 1,
    prediction: 0,
    confidence: 0.5 + rand() / 2,
    symbol: `S${(start + k) % 500}`,
    date: new Date(Date.UTC(2015, 0, 1) + ((start + k) % 3000) * 86_400_000).toISOString().slice(0, 10),
    regime: ['normal', 'crash', 'recovery'][k % 3],
  }));
}

/** The obvious SQL-only top-N on a table of the same shape and indexes: insert the batch, then delete what falls below the top maxSize. */
async function naiveTopN(ds, maxSize) {
  await ds.query(
    'CREATE TABLE IF NOT EXISTS naive_buffer (id INTEGER PRIMARY KEY AUTOINCREMENT, symbol text, date text, regime text, features_json text, true_label integer, predicted_label integer, confidence double precision, error_score double precision, added_at text, replayed_count integer)',
  );
  await ds.query('CREATE INDEX IF NOT EXISTS idx_naive_score ON naive_buffer (error_score DESC)');
  await ds.query('CREATE INDEX IF NOT EXISTS idx_naive_regime ON naive_buffer (regime)');
  await ds.query('DELETE FROM naive_buffer');
  const run = async (batch) => {
    const qr = ds.createQueryRunner();
    await qr.startTransaction();
    for (let s = 0; s < batch.length; s += 500) {
      const chunk = batch.slice(s, s + 500);
      await qr.query(
        `INSERT INTO naive_buffer (symbol, date, regime, features_json, true_label, predicted_label, confidence, error_score, added_at, replayed_count) VALUES ${chunk.map(() => '(?,?,?,?,?,?,?,?,?,0)').join(',')}`,
        chunk.flatMap((e) => [
          e.symbol,
          e.date,
          e.regime,
          JSON.stringify(e.features),
          e.label,
          e.prediction,
          e.confidence,
          e.confidence,
          new Date().toISOString(),
        ]),
      );
    }
    await qr.query(
      'DELETE FROM naive_buffer WHERE id IN (SELECT id FROM naive_buffer ORDER BY error_score ASC, id DESC LIMIT max(0, (SELECT COUNT(*) FROM naive_buffer) - ?))',
      [maxSize],
    );
    await qr.commitTransaction();
    await qr.release();
  };
  return run;
}

async function measure(maxSize, batchSize, total) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-bench-'));
  const host = createHost({
    config: {
      database: { type: 'sqlite', path: join(dir, 'vigil.db') },
      log: { level: 'silent' },
      plugins: { replay: { options: { maxSize, symbolWindowDays: 0 } } },
    },
    plugins: [replayPlugin],
    logger: silent,
  });
  await host.start();
  try {
    const buffer = host.container.resolve(errorReplayBufferToken);
    const fill = stream(maxSize, 1);
    for (let i = 0; i < fill.length; i += 5_000) await buffer.addErrors(fill.slice(i, i + 5_000));
    if (buffer.size !== maxSize) throw new Error(`buffer not full: ${buffer.size}`);
    const naive = await naiveTopN(host.dataSource, maxSize);
    for (let i = 0; i < fill.length; i += 5_000) await naive(fill.slice(i, i + 5_000));
    await host.dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
    // The machine is shared: interleave the two in rounds over the same stream so noise hits both.
    const incoming = stream(total, 2, maxSize);
    const rounds = 5;
    const per = Math.ceil(total / rounds);
    let stored = 0;
    let oursMs = 0;
    let refMs = 0;
    for (let r = 0; r < rounds; r++) {
      const part = incoming.slice(r * per, (r + 1) * per);
      let t = performance.now();
      for (let i = 0; i < part.length; i += batchSize)
        stored += (await buffer.addErrors(part.slice(i, i + batchSize))).stored;
      oursMs += performance.now() - t;
      t = performance.now();
      for (let i = 0; i < part.length; i += batchSize) await naive(part.slice(i, i + batchSize));
      refMs += performance.now() - t;
    }
    if (buffer.size !== maxSize) throw new Error('buffer size drifted');
    const ours = total / (oursMs / 1000);
    const reference = total / (refMs / 1000);
    // same result: the two tables hold the same scores
    const a = await host.dataSource.query('SELECT error_score FROM error_replay_buffer ORDER BY error_score DESC');
    const b = await host.dataSource.query('SELECT error_score FROM naive_buffer ORDER BY error_score DESC');
    if (a.length !== b.length || a.some((r, i) => r.error_score !== b[i].error_score))
      throw new Error('naive and buffer tables differ');
    return { ours, reference, admitted: stored / total, host, dir };
  } catch (e) {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

const figures = [];
const notes = [];
for (const [maxSize, batchSize, total] of [
  [1_000, 1, 2_000],
  [1_000, 1_000, 100_000],
  [100_000, 1, 1_000],
  [100_000, 1_000, 100_000],
]) {
  const r = await measure(maxSize, batchSize, total);
  figures.push({
    label: `addError${batchSize > 1 ? `s (batches of ${batchSize})` : ' (one call each)'}, buffer full at ${maxSize.toLocaleString('en-US')}`,
    value: r.ours,
    unit: 'errors/s',
    reference: r.reference,
    referenceLabel: 'SQL-only top-N (insert + ORDER BY delete)',
    better: 'higher',
  });
  notes.push(
    `maxSize ${maxSize}, ${total} offered in batches of ${batchSize}: ${(r.admitted * 100).toFixed(1)}% entered the buffer`,
  );
  if (maxSize === 100_000 && batchSize === 1_000) {
    const buffer = r.host.container.resolve(errorReplayBufferToken);
    let seed = 0;
    const sampleMs = await timeMedian(() => buffer.getReplaySamples(1_000, { seed: ++seed }), 7);
    figures.push({
      label: 'getReplaySamples(1,000) from 100,000 (draw, fetch features, bump replayed_count)',
      value: sampleMs,
      unit: 'ms',
      better: 'lower',
    });
    const scores = Float64Array.from({ length: 100_000 }, mulberry32(5));
    const drawMs = await timeMedian(() => prioritizedSample(scores, 1_000, 0.6, 0.4, mulberry32(++seed)), 21);
    figures.push({
      label: 'prioritized draw only (1,000 of 100,000, in memory)',
      value: drawMs,
      unit: 'ms',
      better: 'lower',
    });
  }
  await r.host.stop();
  rmSync(r.dir, { recursive: true, force: true });
}
reportBench({
  name: 'replay-buffer',
  title: 'Error replay buffer: top-N inserts and prioritized sampling (SQLite file, WAL)',
  figures,
  notes,
});
