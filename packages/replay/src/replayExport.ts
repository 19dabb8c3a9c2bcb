import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { type CommandContext, VigilError } from '@vigil/core';
import type { StoredSample } from './bufferSql.js';
import type { ErrorReplayBuffer, ModelChoice } from './ErrorReplayBuffer.js';

/**
 * One exported buffered error, in observe's vocabulary so it joins back to the caller's
 * predictions by `id` and `modelVersion`; `bufferId` is the buffer's row id (what
 * `replayPredictions` name). `draw`/`weight`/`probability` only in a prioritized sample (one
 * row per draw).
 */
export interface ExportRow {
  readonly id: string | null;
  readonly modelVersion: string;
  readonly bufferId: number;
  readonly symbol: string;
  readonly timestamp: string;
  readonly regime: string | null;
  readonly actualLabel: number;
  readonly predictedLabel: number;
  readonly confidence: number;
  readonly errorScore: number;
  readonly draw?: number;
  readonly weight?: number;
  readonly probability?: number;
  readonly features: readonly number[];
}

export interface ExportSet {
  /** The model the rows are of (null: the buffer is empty). */
  readonly model: string | null;
  /** Feature names in the buffer's layout order (f0, f1, ... when the layout is positional). */
  readonly featureNames: readonly string[];
  /** Whether the buffer's features are named (JSON Lines then writes an object, else an array). */
  readonly named: boolean;
  readonly rows: readonly ExportRow[];
  readonly sampled: boolean;
}

const FIXED = [
  'id',
  'modelVersion',
  'bufferId',
  'symbol',
  'timestamp',
  'regime',
  'actualLabel',
  'predictedLabel',
  'confidence',
  'errorScore',
] as const;
const SAMPLE = ['draw', 'weight', 'probability'] as const;

/**
 * One model's rows to export (see `ModelChoice`: with several models buffered, one must be
 * named): every buffered error of it, worst first (not counted as a replay), or a prioritized
 * sample of n draws with importance-sampling weights (counted: replayed_count goes up).
 */
export async function exportSet(
  buffer: ErrorReplayBuffer,
  sample: { n: number; seed?: number; alpha?: number; beta?: number } | undefined,
  choice: ModelChoice = {},
): Promise<ExportSet> {
  const layout = buffer.featureLayout;
  const named = layout.names !== null;
  const model = buffer.modelFor(choice) ?? null;
  const stored = model === null ? [] : await buffer.getBufferedSamples({ model });
  const dim = layout.dim ?? stored[0]?.features.length ?? 0;
  const featureNames = layout.names ? [...layout.names] : Array.from({ length: dim }, (_, i) => `f${i}`);
  const score = new Map(buffer.ranking(model ?? undefined).map((r) => [r.id, r.score]));
  const row = (s: StoredSample): ExportRow => ({
    id: s.id,
    modelVersion: s.modelVersion,
    bufferId: s.bufferId,
    symbol: s.symbol,
    timestamp: s.timestamp,
    regime: s.regime,
    actualLabel: s.actualLabel,
    predictedLabel: s.predictedLabel,
    confidence: s.confidence,
    errorScore: score.get(s.bufferId) ?? s.confidence,
    features: s.features,
  });
  if (!sample) return { model, featureNames, named, rows: stored.map(row), sampled: false };
  if (stored.length === 0)
    throw new VigilError('VIGIL_INVALID_INPUT', 'the replay buffer is empty: nothing to sample', {
      issues: [{ path: 'sample', message: 'the replay buffer is empty', value: sample.n }],
    });
  const byId = new Map(stored.map((s) => [s.bufferId, s]));
  const draw = await buffer.getReplaySamples(sample.n, {
    model: model ?? undefined,
    ...(sample.seed !== undefined ? { seed: sample.seed } : {}),
    ...(sample.alpha !== undefined ? { alpha: sample.alpha } : {}),
    ...(sample.beta !== undefined ? { beta: sample.beta } : {}),
  });
  const rows = draw.bufferIds.map((id, i) => ({
    ...row(byId.get(id) as StoredSample),
    draw: i,
    weight: draw.weights[i] as number,
    probability: draw.probabilities[i] as number,
  }));
  return { model, featureNames, named, rows, sampled: true };
}

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** Feature columns as CSV headers; a name that collides with a fixed column gets a `feature_` prefix. */
export function csvFeatureHeaders(names: readonly string[]): string[] {
  const taken = new Set<string>([...FIXED, ...SAMPLE]);
  return names.map((n) => (taken.has(n) ? `feature_${n}` : n));
}

/** The export as lines of text (header first for CSV). */
export function* exportLines(set: ExportSet, format: 'jsonl' | 'csv'): Generator<string> {
  const extra = set.sampled ? SAMPLE : [];
  if (format === 'csv') {
    yield [...FIXED, ...extra, ...csvFeatureHeaders(set.featureNames)].map(csvCell).join(',');
    for (const r of set.rows)
      yield [...FIXED.map((k) => r[k]), ...extra.map((k) => r[k]), ...r.features].map(csvCell).join(',');
    return;
  }
  for (const r of set.rows) {
    const { features, ...rest } = r;
    const f = set.named ? Object.fromEntries(set.featureNames.map((n, i) => [n, features[i]])) : features;
    yield JSON.stringify({ ...rest, features: f });
  }
}

/** Writes lines to a file or to stdout, honouring back-pressure; a file that cannot be written is a usage error. */
export async function writeLines(
  lines: Iterable<string>,
  file: string | undefined,
  ctx: Pick<CommandContext, 'io' | 'usageError'>,
): Promise<void> {
  const toStdout = file === undefined || file === '-';
  const out = toStdout ? ctx.io.stdout : createWriteStream(file, { encoding: 'utf8' });
  // A persistent listener: an open or write error may fire while no other wait is pending.
  const failed = toStdout ? undefined : once(out, 'error').then(([e]) => Promise.reject(e));
  failed?.catch(() => {});
  const write = async (text: string) => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), ...(failed ? [failed] : [])]);
  };
  try {
    let chunk = '';
    for (const line of lines) {
      chunk += `${line}\n`;
      if (chunk.length >= 1 << 16) {
        await write(chunk);
        chunk = '';
      }
    }
    if (chunk) await write(chunk);
    if (!toStdout) {
      out.end();
      await Promise.race([once(out, 'finish'), failed]);
    }
  } catch (e) {
    if (toStdout) throw e;
    throw ctx.usageError(`cannot write ${file}: ${(e as Error).message}`);
  }
}
