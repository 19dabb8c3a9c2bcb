import {
  type Clock,
  type Transactor,
  type TxContext,
  VigilError,
  chooseModel,
  describeValue,
  renamedFieldIssues,
  throwIfIssues,
} from '@vigil/core';
import type { DataSource } from 'typeorm';
import { BufferIndex, type IndexEntry, type RejectReason } from './BufferIndex.js';
import {
  type StoredSample,
  type TopError,
  readTopErrors,
  deleteAll,
  deleteIds,
  deleteMeta,
  incrementReplayed,
  insertErrors,
  loadIndexEntries,
  loadSamples,
  readMeta,
  readStats,
  bumpGeneration,
  GENERATION_KEY,
  writeMeta,
} from './bufferSql.js';
import { FeatureLayout } from './FeatureLayout.js';
import { holdoutKey, isHeldOut } from './isHeldOut.js';
import { prioritizedSample } from './prioritizedSample.js';
import { mulberry32 } from './random.js';
import { type PairedPrediction, type ReplayImprovement, replayImprovement } from './stats/replayImprovement.js';
import { type MixedBatch, type TrainingBatch, mixReplay, replayCount } from './trainingMix.js';
import { type ErrorInput, type NormalizedError, validateErrors } from './validateErrors.js';

export interface BufferOptions {
  /** How many errors the buffer keeps per model (spec: 1000): each model keeps its own N worst. */
  readonly maxSize: number;
  /** The labels a model may predict (the host config's `labels`). */
  readonly labels: readonly number[];
  /** Prioritisation exponent: P(i) proportional to score^alpha (0 = uniform). */
  readonly alpha: number;
  /** Importance-sampling exponent (0 = no correction, 1 = full). */
  readonly beta: number;
  readonly replayFraction: number;
  readonly replayWeight: number;
  readonly importanceWeighting: boolean;
  /** Errors of one symbol fewer than this many days apart are one mistake; 0 turns it off. */
  readonly symbolWindowDays: number;
  readonly regimeQuotas: Readonly<Record<string, number>>;
  /** Top errors kept per validation fold (spec 8.3: 100). */
  readonly validationTopK: number;
  /** Fixed feature names (order of the stored vectors); otherwise fixed by the first error. */
  readonly featureNames?: readonly string[] | undefined;
  /** Seed of the sampler used when a call passes none. */
  readonly seed: number;
  /**
   * Share of buffered rows held out of every training export (replay draws, the training mix,
   * `getBufferedSamples`), chosen by a seeded hash of the row id; `getHeldOutSamples()` returns
   * them, for judging a candidate on mistakes it never trained on. Default 0 (none).
   */
  readonly holdoutFraction?: number;
}

export interface BufferDeps {
  readonly dataSource: DataSource;
  readonly transactor: Transactor;
  readonly clock: Clock;
}

/**
 * Why an error is not in the buffer: `correct` (not an error, score 0), `symbol-window` (the same
 * symbol has a worse error nearby), `regime-quota`, `below-top-n`, or `superseded` (it entered,
 * then a later error of the same batch pushed it out).
 */
export type SkipReason = RejectReason | 'correct' | 'superseded';
export type AddOutcome = { readonly id: number } | { readonly reason: SkipReason };

export interface AddResult {
  /** Errors now in the buffer from this call. */
  readonly stored: number;
  /** Rows this call pushed out of the table (lower-ranked, or the same symbol's weaker error). */
  readonly evicted: number;
  readonly rejected: Readonly<Partial<Record<SkipReason, number>>>;
  /** Per input, in order: the row id it took, or why it was not kept. */
  readonly outcomes: readonly AddOutcome[];
}

export interface ReplaySamples {
  /** The model the rows were drawn from (null: the buffer is empty). */
  readonly model: string | null;
  /** The buffer row ids drawn, in draw order. */
  readonly bufferIds: number[];
  /** The caller's prediction ids of the rows drawn (null for rows added without one). */
  readonly ids: (string | null)[];
  readonly features: number[][];
  readonly labels: number[];
  /** IS weights (N P(i))^-beta / max w, in (0, 1]. */
  readonly weights: number[];
  readonly probabilities: number[];
  readonly confidences: number[];
}

/**
 * Which model's part of the buffer a call is for. Without `model`: the only model buffered;
 * with several buffered, a VIGIL_INVALID_INPUT listing them (one model's rows never come with
 * another's). `field` names the option in that error (`--model`, `querystring.model`).
 */
export interface ModelChoice {
  readonly model?: string | undefined;
  readonly field?: string;
}

export interface SampleOptions extends ModelChoice {
  readonly seed?: number;
  readonly alpha?: number;
  readonly beta?: number;
}

export interface ErrorStats {
  /** The model these figures are for (null: nothing is buffered). */
  readonly model: string | null;
  /** Every model with buffered errors. */
  readonly models: readonly string[];
  readonly totalErrors: number;
  readonly byRegime: Readonly<Record<string, number>>;
  readonly byLabel: Readonly<Record<string, number>>;
  readonly avgConfidence: number | null;
  /** Errors with confidence > 0.8: the spec's high-confidence errors. */
  readonly highConfidenceErrors: number;
  /** Buffered errors replayed at least once. */
  readonly replayedErrors: number;
  /** Sum of `replayed_count`. */
  readonly totalReplays: number;
  /** Buffered errors in the held-out part (`holdoutFraction`): never in a training export. */
  readonly heldOutErrors: number;
  /** The capacity per model. */
  readonly maxSize: number;
}

export interface FoldResult extends AddResult {
  /** Wrong predictions in the fold (score > 0). */
  readonly foldErrors: number;
  /** How many of them were offered (the top `validationTopK`). */
  readonly offered: number;
}

export interface ReplayEvaluation extends ReplayImprovement {
  /** The model whose buffered rows the predictions were matched to (null: none matched). */
  readonly model: string | null;
  /** Buffered rows the predictions were matched to. */
  readonly matched: number;
  /** Rows that model holds. */
  readonly bufferSize: number;
  /** Ids given that are not in the buffer (ignored). */
  readonly unmatched: number;
  /** How many of the matched rows are in the held-out part. */
  readonly heldOut: number;
}

/** A model prediction on one buffered row (`bufferId` from an export or `getBufferedSamples`). */
export interface BufferedPrediction {
  readonly bufferId: number;
  readonly predictedLabel: number;
}

const LAYOUT_KEY = 'feature_layout';
const NEXT_ID_KEY = 'next_id';

/**
 * The spec's ErrorReplayBuffer, per model: keeps exactly the top `maxSize` errors by error score
 * of each model (`model_version`) in `error_replay_buffer`, with an in-memory index (heaps) kept
 * in step after each commit. One model's errors never evict, sample or count another's.
 */
export class ErrorReplayBuffer {
  #index: BufferIndex;
  /** The buffer's write generation the index reflects (see `bumpGeneration`). */
  #generation = 0;
  #layout: FeatureLayout;
  readonly #fixedLayout: FeatureLayout;
  readonly #rand: () => number;
  #loaded = false;

  constructor(
    private readonly deps: BufferDeps,
    readonly options: BufferOptions,
  ) {
    const issues = [];
    if (!(Number.isInteger(options.maxSize) && options.maxSize >= 1))
      issues.push({
        path: 'maxSize',
        message: `must be an integer >= 1, got ${describeValue(options.maxSize)}`,
        value: options.maxSize,
      });
    for (const [r, q] of Object.entries(options.regimeQuotas)) {
      if (!(Number.isInteger(q) && q >= 0))
        issues.push({
          path: `regimeQuotas.${r}`,
          message: `must be an integer >= 0, got ${describeValue(q)}`,
          value: q,
        });
    }
    throwIfIssues('replay buffer options', issues);
    this.#index = new BufferIndex({
      maxSize: options.maxSize,
      symbolWindowDays: options.symbolWindowDays,
      regimeQuotas: options.regimeQuotas,
    });
    this.#fixedLayout = new FeatureLayout(options.featureNames ?? null);
    this.#layout = this.#fixedLayout;
    this.#rand = mulberry32(options.seed);
  }

  /**
   * Whether a buffered row is in the held-out part: a pure function of the seed and the row's
   * model and prediction id (its buffer id when it has none), so a model's split is the same
   * whatever other models share the table.
   */
  isHeldOut(id: number): boolean {
    return this.#index.entries.get(id)?.heldOut ?? false;
  }

  readonly #sideOf = (id: number, model: string, predictionId: string | null): boolean =>
    isHeldOut(holdoutKey(id, model, predictionId), this.options.seed, this.options.holdoutFraction ?? 0);

  /** Entries held (committed), over every model. */
  get size(): number {
    return this.#index.size;
  }

  /** Entries one model holds. */
  sizeOf(model: string): number {
    return this.#index.sizeOf(model);
  }

  /** The model of the newest buffered error (the highest row id), or null when empty. */
  get latestModel(): string | null {
    let best: IndexEntry | undefined;
    for (const e of this.#index.entries.values()) if (!best || e.id > best.id) best = e;
    return best?.model ?? null;
  }

  /** The models with buffered errors, sorted. */
  models(): string[] {
    return this.#index.models();
  }

  /** The model a read is for (see `ModelChoice`); undefined when the buffer is empty. */
  modelFor(o: ModelChoice = {}): string | undefined {
    return chooseModel(o.model, this.models(), o.field);
  }

  get featureLayout(): FeatureLayout {
    return this.#layout;
  }

  /** Loads the index from the table; trims rows beyond `maxSize` if the option shrank. */
  async load(): Promise<void> {
    await this.deps.transactor.run(async (tx) => {
      const meta = await readMeta(tx.manager);
      const stored = FeatureLayout.parse(meta.get(LAYOUT_KEY));
      this.#layout = this.#fixedLayout.established ? this.#fixedLayout : stored;
      const entries = await loadIndexEntries(tx.manager, this.#sideOf);
      this.#index.reset(entries, Number(meta.get(NEXT_ID_KEY) ?? 1));
      this.#generation = Number(meta.get(GENERATION_KEY) ?? 0);
      if (this.#index.size > this.options.maxSize) {
        this.#generation = (await bumpGeneration(tx.manager)) + 1;
        const plan = this.#index.plan();
        plan.trimTo(this.options.maxSize);
        await deleteIds(tx.manager, [...plan.removedCommitted]);
        await writeMeta(tx.manager, NEXT_ID_KEY, String(this.#index.nextId));
        this.#index.apply(plan);
      }
    });
    this.#loaded = true;
  }

  /**
   * The index to plan a write on, inside the write's transaction. Another process writing the
   * same database (two hosts on one SQLite file, or on PostgreSQL) moves the generation on; the
   * table is then re-read so ids are never reused and the top-N stays exact across writers.
   */
  async #syncedIndex(tx: TxContext): Promise<{ index: BufferIndex; generation: number }> {
    const before = await bumpGeneration(tx.manager);
    if (before === this.#generation) return { index: this.#index, generation: before + 1 };
    const meta = await readMeta(tx.manager);
    const index = new BufferIndex(this.#index.rules);
    index.reset(
      await loadIndexEntries(tx.manager, this.#sideOf),
      Math.max(this.#index.nextId, Number(meta.get(NEXT_ID_KEY) ?? 1)),
    );
    return { index, generation: before + 1 };
  }

  #requireLoaded(): void {
    if (!this.#loaded)
      throw new VigilError('VIGIL_HOST_STATE', 'the replay buffer is not loaded; start the host first');
  }

  /** Checks inputs (throws `VIGIL_INVALID_INPUT` naming each bad field); writes nothing. */
  validate(inputs: readonly unknown[], what = 'errors'): { errors: NormalizedError[]; layout: FeatureLayout } {
    return validateErrors(inputs, { labels: this.options.labels }, this.#layout, what);
  }

  async addError(input: ErrorInput): Promise<AddResult> {
    return this.addErrors([input]);
  }

  /** The hot path: one transaction, one bulk insert and one delete for the whole batch. */
  async addErrors(inputs: readonly ErrorInput[]): Promise<AddResult> {
    this.#requireLoaded();
    // Checked inside the serialised unit of work, against the layout every earlier write left.
    return this.deps.transactor.run((tx) => {
      const { errors, layout } = this.validate(inputs);
      return this.writeErrors(tx, errors, layout);
    });
  }

  /**
   * Writes checked errors inside a caller's transaction (a host hook's, or `transactor.run`);
   * the index follows via `afterCommit`. Call at most once per transaction.
   */
  async writeErrors(tx: TxContext, errors: readonly NormalizedError[], layout: FeatureLayout): Promise<AddResult> {
    if (!errors.some((e) => e.score > 0))
      return {
        stored: 0,
        evicted: 0,
        rejected: errors.length ? { correct: errors.length } : {},
        outcomes: errors.map(() => ({ reason: 'correct' as const })),
      };
    const { index, generation } = await this.#syncedIndex(tx);
    const plan = index.plan();
    const payload = new Map<number, NormalizedError>();
    const offered: AddOutcome[] = errors.map((e) => {
      const r: AddOutcome =
        e.score > 0
          ? plan.offer(
              { score: e.score, symbol: e.symbol, day: e.day, regime: e.regime, model: e.modelVersion },
              (id) => this.#sideOf(id, e.modelVersion, e.id),
            )
          : { reason: 'correct' };
      if ('id' in r) payload.set(r.id, e);
      return r;
    });
    const rejected: Partial<Record<SkipReason, number>> = {};
    const outcomes = offered.map((r): AddOutcome => {
      const o: AddOutcome = 'id' in r && !plan.added.has(r.id) ? { reason: 'superseded' } : r;
      if ('reason' in o) rejected[o.reason] = (rejected[o.reason] ?? 0) + 1;
      return o;
    });
    const inserts = [...plan.added.keys()].map((id) => ({ id, e: payload.get(id) as NormalizedError }));
    if (plan.removedCommitted.size) await deleteIds(tx.manager, [...plan.removedCommitted]);
    if (inserts.length) await insertErrors(tx.manager, inserts, this.deps.clock.now().toISOString());
    // Ids must never be reused after a restart (callers hold buffer ids). The next id is MAX(id) + 1
    // unless the newest row is gone; only then is it persisted, which keeps the hot path to two statements.
    if (plan.nextId !== index.nextId && !plan.added.has(plan.nextId - 1))
      await writeMeta(tx.manager, NEXT_ID_KEY, String(plan.nextId));
    const layoutChanged = layout !== this.#layout && inserts.length > 0;
    if (layoutChanged) await writeMeta(tx.manager, LAYOUT_KEY, JSON.stringify(layout));
    tx.afterCommit(() => {
      this.#index = index;
      this.#generation = generation;
      index.apply(plan);
      if (layoutChanged) this.#layout = layout;
    });
    return { stored: inserts.length, evicted: plan.removedCommitted.size, rejected, outcomes };
  }

  /**
   * Fixes the feature layout from records about to be logged (the observe hook), so a record
   * that could never enter the buffer is refused when it is logged rather than when it resolves.
   */
  async checkFeatures(tx: TxContext, features: readonly unknown[], what = 'records'): Promise<void> {
    const issues: { path: string; message: string; value?: unknown }[] = [];
    let layout = this.#layout;
    features.forEach((f, i) => {
      if (layout.fits(f)) return;
      const r = layout.vectorize(issues, `${what}[${i}].features`, f);
      if (r) layout = r.layout;
    });
    throwIfIssues(what, issues);
    if (layout !== this.#layout) {
      await writeMeta(tx.manager, LAYOUT_KEY, JSON.stringify(layout));
      tx.afterCommit(() => {
        this.#layout = layout;
      });
    }
  }

  /**
   * Spec 8.3: records one validation fold's predictions and offers its `validationTopK` worst
   * errors (highest confidence among the wrong ones; ties by input order) to the buffer.
   */
  async recordValidationFold(
    predictions: readonly ErrorInput[],
    topK = this.options.validationTopK,
  ): Promise<FoldResult> {
    this.#requireLoaded();
    if (!(Number.isInteger(topK) && topK >= 1))
      throwIfIssues('fold', [
        { path: 'topK', message: `must be an integer >= 1, got ${describeValue(topK)}`, value: topK },
      ]);
    return this.deps.transactor.run(async (tx) => {
      const { errors, layout } = this.validate(predictions, 'predictions');
      const wrong = errors.map((e, i) => ({ e, i })).filter(({ e }) => e.score > 0);
      wrong.sort((a, b) => b.e.score - a.e.score || a.i - b.i);
      const top = wrong.slice(0, topK).map(({ e }) => e);
      const result = await this.writeErrors(tx, top, layout);
      return { ...result, foldErrors: wrong.length, offered: top.length };
    });
  }

  /**
   * Prioritized replay: `n` draws with replacement (default: as many as are buffered), P(i)
   * proportional to score^alpha, with IS weights; each drawn row's `replayed_count` goes up by
   * the times it was drawn. Seeded per call, or from the buffer's own seeded stream.
   */
  async getReplaySamples(n?: number, o: SampleOptions = {}): Promise<ReplaySamples> {
    this.#requireLoaded();
    const issues = [];
    if (n !== undefined && !(Number.isInteger(n) && n >= 0))
      issues.push({ path: 'n', message: `must be an integer >= 0, got ${describeValue(n)}`, value: n });
    for (const k of ['alpha', 'beta'] as const) {
      const v = o[k];
      if (v !== undefined && !(typeof v === 'number' && v >= 0 && Number.isFinite(v)))
        issues.push({ path: k, message: `must be a finite number >= 0, got ${describeValue(v)}`, value: v });
    }
    throwIfIssues('replay sample request', issues);
    const model = this.modelFor(o);
    const rand = o.seed === undefined ? this.#rand : mulberry32(o.seed);
    return this.deps.transactor.run(async (tx) => {
      // The index map iterates in ascending id order (loaded by id, new ids always larger).
      const entries = [...this.#index.entries.values()].filter((e) => e.model === model && !this.isHeldOut(e.id));
      const scores = entries.map((e) => e.score);
      const draw = prioritizedSample(
        scores,
        n ?? entries.length,
        o.alpha ?? this.options.alpha,
        o.beta ?? this.options.beta,
        rand,
      );
      const ids = draw.indices.map((i) => (entries[i] as IndexEntry).id);
      const counts = new Map<number, number>();
      for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
      const rows = await loadSamples(tx.manager, [...counts.keys()]);
      if (counts.size) await incrementReplayed(tx.manager, counts);
      const got = ids.map((id) => rows.get(id) as StoredSample);
      return {
        model: model ?? null,
        bufferIds: ids,
        ids: got.map((r) => r.id),
        features: got.map((r) => [...r.features]),
        labels: got.map((r) => r.actualLabel),
        weights: draw.weights,
        probabilities: draw.probabilities,
        confidences: got.map((r) => r.confidence),
      };
    });
  }

  /**
   * Mixes prioritized replay rows into a training batch: replay makes up `replayFraction` of the
   * mixed batch (all original rows are kept) at `replayWeight` times the weight (times the IS weight
   * when `importanceWeighting`). An empty buffer returns the batch with weights unchanged.
   */
  async buildTrainingMix(
    batch: TrainingBatch,
    o: SampleOptions & { replayFraction?: number; replayWeight?: number } = {},
  ): Promise<MixedBatch> {
    const fraction = o.replayFraction ?? this.options.replayFraction;
    const weight = o.replayWeight ?? this.options.replayWeight;
    const issues = [];
    if (!(fraction > 0 && fraction < 1))
      issues.push({
        path: 'replayFraction',
        message: `must be in (0, 1), got ${describeValue(fraction)}`,
        value: fraction,
      });
    if (!(weight > 0 && Number.isFinite(weight)))
      issues.push({
        path: 'replayWeight',
        message: `must be a positive number, got ${describeValue(weight)}`,
        value: weight,
      });
    if (this.#layout.dim !== null) {
      batch.features.forEach((r, i) => {
        if (r.length !== this.#layout.dim)
          issues.push({
            path: `batch.features[${i}]`,
            message: `must have ${this.#layout.dim} features (the buffer's feature length), got ${r.length}`,
            value: r.length,
          });
      });
    }
    throwIfIssues('training mix', issues);
    const model = this.modelFor(o);
    const n = this.trainingSizeOf(model) === 0 ? 0 : replayCount(batch.labels.length, fraction);
    const replay =
      n === 0 ? { features: [], labels: [], weights: [] } : await this.getReplaySamples(n, { ...o, model });
    return mixReplay(batch, replay, {
      replayFraction: fraction,
      replayWeight: weight,
      importanceWeighting: this.options.importanceWeighting,
    });
  }

  /** One model's buffered rows a training export may hand out (the held-out part excluded); every model's when undefined. */
  trainingSizeOf(model: string | undefined): number {
    let n = 0;
    for (const e of this.#index.entries.values())
      if ((model === undefined || e.model === model) && !this.isHeldOut(e.id)) n++;
    return n;
  }

  /** One model's buffered rows a training export may hand out, highest error score first (does not count as a replay). */
  getBufferedSamples(o: ModelChoice = {}): Promise<StoredSample[]> {
    return this.#samples(false, o);
  }

  /** One model's held-out buffered rows (`holdoutFraction`), highest error score first: never in any training export. */
  getHeldOutSamples(o: ModelChoice = {}): Promise<StoredSample[]> {
    return this.#samples(true, o);
  }

  async #samples(heldOut: boolean, o: ModelChoice): Promise<StoredSample[]> {
    this.#requireLoaded();
    const model = this.modelFor(o);
    if (model === undefined) return [];
    return this.deps.transactor.run(async (tx) => {
      const order = this.#index
        .sortedDesc(model)
        .map((e) => e.id)
        .filter((id) => this.isHeldOut(id) === heldOut);
      const rows = await loadSamples(tx.manager, order);
      return order.map((id) => rows.get(id) as StoredSample);
    });
  }

  /** The spec's error statistics of one model (see `ModelChoice`), from the table. */
  async getErrorStats(o: ModelChoice = {}): Promise<ErrorStats> {
    const model = this.modelFor(o);
    return this.deps.transactor.run(async (tx) => {
      const s = await readStats(tx.manager, 0.8, model);
      const size = model === undefined ? 0 : this.sizeOf(model);
      return {
        model: model ?? null,
        models: this.models(),
        totalErrors: s.total,
        byRegime: s.byRegime,
        byLabel: s.byLabel,
        avgConfidence: s.avgConfidence,
        highConfidenceErrors: s.highConfidence,
        replayedErrors: s.replayedErrors,
        totalReplays: s.totalReplays,
        heldOutErrors: size - (model === undefined ? 0 : this.trainingSizeOf(model)),
        maxSize: this.options.maxSize,
      };
    });
  }

  /** One model's `n` worst buffered errors, worst first (see `ModelChoice`). */
  async topErrors(n: number, o: ModelChoice = {}): Promise<TopError[]> {
    const model = this.modelFor(o);
    if (model === undefined) return [];
    return readTopErrors(this.deps.dataSource.manager, n, model);
  }

  /**
   * Empties one model's part of the buffer (spec: after that model's successful retraining), or
   * the whole buffer when no model is named. The feature layout is released (unless configured)
   * when the buffer ends up empty.
   */
  async clearBuffer(o: { readonly model?: string } = {}): Promise<void> {
    this.#requireLoaded();
    await this.deps.transactor.run(async (tx) => {
      const { index, generation } = await this.#syncedIndex(tx);
      await deleteAll(tx.manager, o.model);
      const kept = o.model === undefined ? [] : [...index.entries.values()].filter((e) => e.model !== o.model);
      const release = kept.length === 0 && !this.#fixedLayout.established;
      if (release) await deleteMeta(tx.manager, LAYOUT_KEY);
      await writeMeta(tx.manager, NEXT_ID_KEY, String(index.nextId));
      tx.afterCommit(() => {
        this.#index = index;
        this.#generation = generation;
        this.#index.reset(kept, index.nextId);
        if (release) this.#layout = this.#fixedLayout;
      });
    });
  }

  /**
   * Repeat-error reduction and McNemar's test of a new model against the old one on the buffered
   * rows. Old predictions default to the buffered `predicted_label` (the mistakes themselves).
   */
  async evaluateReplay(
    newPredictions: readonly BufferedPrediction[],
    oldPredictions?: readonly BufferedPrediction[],
  ): Promise<ReplayEvaluation> {
    this.#requireLoaded();
    const issues: { path: string; message: string; value?: unknown }[] = [];
    const check = (list: readonly BufferedPrediction[], what: string): Map<number, number> => {
      const m = new Map<number, number>();
      if (!Array.isArray(list)) {
        issues.push({
          path: what,
          message: `must be an array of { bufferId, predictedLabel }, got ${describeValue(list)}`,
          value: list,
        });
        return m;
      }
      list.forEach((p, i) => {
        const id = (p as { bufferId?: unknown })?.bufferId;
        const pred = (p as { predictedLabel?: unknown })?.predictedLabel;
        if (typeof p === 'object' && p !== null)
          issues.push(...renamedFieldIssues(`${what}[${i}]`, p, ['predictedLabel']));
        if (typeof id !== 'number' || !Number.isInteger(id))
          issues.push({
            path: `${what}[${i}].bufferId`,
            message: `must be an integer row id, got ${describeValue(id)}`,
            value: id,
          });
        else if (m.has(id))
          issues.push({
            path: `${what}[${i}].bufferId`,
            message: `duplicates an earlier prediction for row ${id}`,
            value: id,
          });
        if (typeof pred !== 'number' || !this.options.labels.includes(pred))
          issues.push({
            path: `${what}[${i}].predictedLabel`,
            message: `must be one of the configured labels [${this.options.labels.join(', ')}], got ${describeValue(pred)}`,
            value: pred,
          });
        if (typeof id === 'number' && typeof pred === 'number') m.set(id, pred);
      });
      return m;
    };
    const fresh = check(newPredictions, 'replayPredictions');
    const old = oldPredictions ? check(oldPredictions, 'replayBaselinePredictions') : undefined;
    throwIfIssues('replay predictions', issues);
    return this.deps.transactor.run(async (tx) => {
      const ids = [...fresh.keys()].filter((id) => this.#index.entries.has(id) && (!old || old.has(id)));
      const models = [...new Set(ids.map((id) => (this.#index.entries.get(id) as IndexEntry).model))].sort();
      if (models.length > 1)
        throw new VigilError(
          'VIGIL_INVALID_INPUT',
          `replayPredictions: the rows named belong to ${models.length} models (${models.join(', ')}); judge a candidate on one model's buffered errors`,
          { issues: [{ path: 'replayPredictions', message: `rows of several models: ${models.join(', ')}` }] },
        );
      const rows = await loadSamples(tx.manager, ids);
      const pairs: PairedPrediction[] = ids.map((id) => {
        const r = rows.get(id) as StoredSample;
        return {
          label: r.actualLabel,
          oldPredicted: old ? (old.get(id) as number) : r.predictedLabel,
          newPredicted: fresh.get(id) as number,
        };
      });
      const heldOut = ids.filter((id) => this.isHeldOut(id)).length;
      return {
        ...replayImprovement(pairs),
        model: models[0] ?? null,
        matched: pairs.length,
        heldOut,
        bufferSize: models[0] === undefined ? 0 : this.sizeOf(models[0]),
        unmatched: fresh.size - pairs.length,
      };
    });
  }

  /** Buffered entries of one model (every model's when undefined) in rank order (best first): row id and score, from memory. */
  ranking(model?: string): { id: number; score: number }[] {
    return this.#index.sortedDesc(model).map((e) => ({ id: e.id, score: e.score }));
  }
}
