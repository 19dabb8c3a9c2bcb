/** A training batch any trainer can consume: rows, labels and per-row weights. */
export interface TrainingBatch {
  readonly features: readonly (readonly number[])[];
  readonly labels: readonly number[];
  readonly weights?: readonly number[];
}

/** Replay rows as drawn from the buffer. */
export interface ReplayRows {
  readonly features: readonly (readonly number[])[];
  readonly labels: readonly number[];
  /** Importance-sampling weights in (0, 1]. */
  readonly weights: readonly number[];
}

export interface MixOptions {
  /** Share of the mixed batch that is replay (spec: 0.2). */
  readonly replayFraction: number;
  /** Weight of a replay row relative to a normal row (spec: 3). */
  readonly replayWeight: number;
  /** Multiply the replay weight by the IS weight (PER's bias correction). */
  readonly importanceWeighting: boolean;
}

export interface MixedBatch {
  readonly features: number[][];
  readonly labels: number[];
  readonly weights: number[];
  /** True for rows that came from the replay buffer. */
  readonly isReplay: boolean[];
}

/** How many replay rows make up `fraction` of a batch that keeps all `batchSize` original rows. */
export const replayCount = (batchSize: number, fraction: number): number =>
  Math.round((batchSize * fraction) / (1 - fraction));

/**
 * Appends replay rows to a batch with weight `replayWeight` (times the IS weight when asked);
 * original rows keep their weight (1 when none is given).
 */
export function mixReplay(batch: TrainingBatch, replay: ReplayRows, o: MixOptions): MixedBatch {
  if (batch.features.length !== batch.labels.length)
    throw new RangeError(`batch has ${batch.features.length} rows but ${batch.labels.length} labels`);
  if (batch.weights && batch.weights.length !== batch.labels.length)
    throw new RangeError(`batch has ${batch.labels.length} labels but ${batch.weights.length} weights`);
  const features = [...batch.features.map((r) => [...r]), ...replay.features.map((r) => [...r])];
  const labels = [...batch.labels, ...replay.labels];
  const weights = [
    ...(batch.weights ?? batch.labels.map(() => 1)),
    ...replay.weights.map((w) => o.replayWeight * (o.importanceWeighting ? w : 1)),
  ];
  const isReplay = [...batch.labels.map(() => false), ...replay.labels.map(() => true)];
  return { features, labels, weights, isReplay };
}
