import {
  type Clock,
  type EventBus,
  type Issue,
  type LiveModels,
  type Logger,
  type PredictionLog,
  type PredictionRecord,
  type Transactor,
  type TxContext,
  VigilError,
  bulkInsert,
  describeValue,
  dialectOf,
  placeholder,
  quoteIdent,
  throwIfIssues,
} from '@vigil/core';
import type { DataSource, EntityManager } from 'typeorm';
import { type BaselineInput, DriftDetector, type FeatureDriftResult } from './DriftDetector.js';
import type { DriftEvents } from './DriftEvents.js';
import { type EpisodeChange, type EpisodeState, updateEpisode } from './Episode.js';
import { emitEpisodeEvents } from './episodeEvents.js';
import { decideRetraining } from './retrainingDecision.js';
import {
  type ClosedStep,
  PanelDrift,
  type PanelDriftOptions,
  type PanelRecord,
  type StepCusumResult,
  copyCore,
} from './PanelDrift.js';
import { type StoredBaseline, loadBaselines, saveBaseline } from './baselineStore.js';
import { baselineVersion } from './baselineVersion.js';
import { minCalibrationSteps } from './calibrate.js';
import type { DriftOptions } from './config.js';
import { DRIFT_MONITORING_TABLE } from './entities/DriftMonitoring.js';
import { toColumns } from './featureInput.js';
import type { PredictionWindow } from './mixDrift.js';
import { type PersistedModelState, loadModels, saveModel } from './monitorStore.js';

type Obs = Pick<
  PredictionRecord,
  'timestamp' | 'symbol' | 'regime' | 'features' | 'predictedLabel' | 'confidence' | 'modelVersion'
>;

/** drift_monitoring columns a window check writes; an episode row adds its episode columns. */
const CHECK_COLUMNS = [
  'timestamp',
  'drift_type',
  'ks_statistic',
  'drift_detected',
  'details_json',
  'created_at',
  'model_version',
  'step',
] as const;

/** Rows of features, optionally dated (steps) and with symbols (per-symbol transforms). */
export type RowsInput = BaselineInput & {
  readonly features: Readonly<Record<string, ArrayLike<number>>>;
  readonly timestamps?: readonly string[];
  readonly symbols?: readonly string[];
};

/** Where rows' fields came from, for error messages. */
export interface RowsPaths {
  readonly what: string;
  readonly features: string;
  readonly timestamps: string;
  readonly symbols: string;
}
const BASELINE_PATHS: RowsPaths = {
  what: 'baseline',
  features: 'baseline.features',
  timestamps: 'baseline.timestamps',
  symbols: 'baseline.symbols',
};

/** The baseline every model without its own uses. */
export const ANY_MODEL = '*';

interface CheckRow {
  readonly model: string;
  readonly step: string;
  readonly timestamp: string;
  readonly type: 'feature' | 'regime' | 'prediction';
  readonly statistic: number | null;
  readonly detected: boolean;
  readonly details: Record<string, unknown>;
}

/** A baseline ready to compare windows against. */
interface Baseline {
  readonly detector: DriftDetector;
  readonly stored: StoredBaseline;
}

/** One model's live state. */
interface ModelState {
  readonly engine: PanelDrift;
  readonly features: readonly string[];
  readonly episode: EpisodeState | null;
}

/**
 * The plugin's running state, per model (`modelVersion`): a PanelDrift over time steps (per-symbol
 * transforms, per-step CUSUMs), window checks of the last `windowSteps` steps' cross-section
 * against the model's baseline, and drift episodes (one drift_monitoring row each, updated while
 * it lasts; one retraining request at its onset). Hooks compute on copies and write inside the
 * host's transaction, including the monitor state, and change memory only after it commits: the
 * same records give the same rows however they are batched and wherever the process restarts.
 */
export class DriftMonitor {
  #models = new Map<string, ModelState>();
  #baselines = new Map<string, Baseline>();
  #lastFeature: FeatureDriftResult | undefined;
  #lastModel: string | undefined;

  constructor(
    private readonly deps: {
      dataSource: DataSource;
      transactor: Transactor;
      log: PredictionLog;
      clock: Clock;
      logger: Logger;
      events: DriftEvents;
      options: DriftOptions;
      bus?: EventBus;
      /** Which model is live at a data time: only a live model's episode requests retraining (none: every model is live). */
      liveModels?: LiveModels;
    },
  ) {}

  get options(): DriftOptions {
    return this.deps.options;
  }
  /** The baseline detector of the model observed last (or the shared one). */
  get detector(): DriftDetector | undefined {
    return this.detectorFor(this.#lastModel);
  }
  /** A model's baseline detector: its own, else the shared one. */
  detectorFor(model: string | undefined): DriftDetector | undefined {
    return this.#baselineOf(model, this.#baselines)?.detector;
  }
  get lastFeatureCheck(): FeatureDriftResult | undefined {
    return this.#lastFeature;
  }
  /** Models with monitor state, sorted. */
  get models(): string[] {
    return [...this.#models.keys()].sort();
  }
  /** A model's open drift episode, if any. */
  episodeOf(model: string): EpisodeState | null {
    return this.#models.get(model)?.episode ?? null;
  }
  /** A model's streaming figures (committed): its CUSUM sums (reference sds) and its last closed step's statistics. */
  streamOf(model: string): { cusum: Readonly<Record<string, number>>; lastStep: ClosedStep | undefined } | undefined {
    const m = this.#models.get(model);
    if (!m) return undefined;
    const cusum = Object.fromEntries(Object.entries(m.engine.core.cusum).map(([k, c]) => [k, Math.max(c.up, c.down)]));
    return { cusum, lastStep: m.engine.history.at(-1) };
  }

  #baselineOf(model: string | undefined, baselines: ReadonlyMap<string, Baseline>): Baseline | undefined {
    return (model !== undefined ? baselines.get(model) : undefined) ?? baselines.get(ANY_MODEL);
  }

  /** Steps each model keeps: the CUSUM reference, and the window's (or the baseline's, while collecting) values. */
  #keepValues(collecting: boolean): number {
    const o = this.deps.options;
    return collecting ? Math.max(o.windowSteps, o.baselineSteps) : o.windowSteps;
  }
  get #keepSteps(): number {
    const o = this.deps.options;
    return Math.max(o.referenceSteps, o.windowSteps, o.baselineSteps);
  }

  #engineOptions(features: readonly string[], collecting: boolean): PanelDriftOptions {
    const o = this.deps.options;
    return {
      features,
      transforms: o.transforms,
      stepMinutes: o.stepMinutes,
      referenceSteps: o.referenceSteps,
      minStepRecords: o.minStepRecords,
      keepValues: this.#keepValues(collecting),
      cusum: o.cusum
        ? {
            ...o.cusum,
            ...(o.cusum.features ? { features: o.cusum.features.filter((f) => features.includes(f)) } : {}),
          }
        : null,
    };
  }

  /**
   * Builds a detector (validated, calibrated) over pooled, already transformed baseline values. `judge` (the gate's
   * drift score): windows of that many steps, its calibration target, and a calibration that cannot run throws.
   */
  #prepare(
    b: StoredBaseline,
    perStep: number,
    judge?: { windowSteps: number; targetFalseAlarmRate: number; maxReplays: number },
  ): DriftDetector {
    const o = this.deps.options;
    const windowSteps = judge?.windowSteps ?? o.windowSteps;
    const d = new DriftDetector({
      windowSize: Math.max(2, Math.round(windowSteps * perStep)),
      alertThreshold: o.alertThreshold,
      alpha: o.alpha,
      correction: o.correction,
      transforms: {},
      minWindowSize: o.minRecords,
      featureNames: [...b.features.keys()],
    });
    d.setBaseline({
      features: Object.fromEntries(b.features),
      ...(b.regimes ? { regimes: b.regimes } : {}),
      ...(b.predictions ? { predictions: b.predictions } : {}),
    });
    const cal = judge ?? o.calibration;
    const records = b.steps?.map((s) => s.stats.n);
    if (cal && records && records.length > windowSteps) d.calibrateMix(records, windowSteps);
    // a stored calibration is reused when it has the clustered floor; one stored before it is redone
    if (b.calibration?.designEffects && b.calibration.clusteredFloor) d.setCalibration(b.calibration);
    else if (cal) {
      try {
        // an undated baseline is one time-ordered series: each value its own step
        const counts =
          stepCounts(b) ?? new Map([...b.features].map(([f, v]) => [f, new Array<number>(v.length).fill(1)]));
        d.calibrate(cal.targetFalseAlarmRate, {
          maxReplays: cal.maxReplays,
          ...(counts ? { stepCounts: counts, windowSteps } : {}),
        });
      } catch (e) {
        if (judge) throw e;
        this.deps.logger.warn('drift calibration skipped', { reason: (e as Error).message });
      }
    }
    return d;
  }

  #baselineFrom(stored: StoredBaseline): Baseline {
    const steps = stored.steps?.length ?? 0;
    const n = Math.min(...[...stored.features.values()].map((v) => v.length));
    const d = this.#prepare(stored, steps ? n / steps : 1);
    return { detector: d, stored: { ...stored, calibration: d.calibration } };
  }

  /** start(): the stored baselines and every model's state. */
  async load(): Promise<void> {
    const manager = this.deps.dataSource.manager;
    const baselines = new Map<string, Baseline>();
    for (const [model, stored] of await loadBaselines(manager)) baselines.set(model, this.#baselineFrom(stored));
    const models = new Map<string, ModelState>();
    for (const [model, { state, history }] of await loadModels(manager, this.#keepSteps)) {
      const collecting = !this.#baselineOf(model, baselines);
      const keep = this.#keepValues(collecting);
      const trimmed = history.map((h, i) =>
        i < history.length - keep ? { step: h.step, timestamp: h.timestamp, stats: h.stats } : h,
      );
      models.set(model, {
        engine: new PanelDrift(this.#engineOptions(state.features, collecting), state.core, trimmed),
        features: state.features,
        episode: state.episode,
      });
    }
    this.#baselines = baselines;
    this.#models = models;
  }

  /**
   * Sets (and persists) a baseline explicitly, for one model or (default) every model without its
   * own; validated and calibrated before anything is written. With `timestamps` (and `symbols`),
   * the values are grouped into steps and transformed per symbol, and their steps seed the CUSUMs'
   * reference of a model that starts on this baseline; without, they are one time-ordered series.
   */
  async setBaseline(input: RowsInput & { readonly model?: string }): Promise<DriftDetector> {
    if (input.model !== undefined && (typeof input.model !== 'string' || input.model.length === 0))
      throwIfIssues('drift baseline', [
        {
          path: 'baseline.model',
          message: `must be a non-empty model version, got ${describeValue(input.model)}`,
          value: input.model,
        },
      ]);
    const stored = this.#storedFrom(input, BASELINE_PATHS);
    const model = input.model ?? ANY_MODEL;
    const b = this.#baselineFrom(stored);
    const now = this.deps.clock.now().toISOString();
    await this.deps.transactor.run(async (tx) => {
      await saveBaseline(tx.manager, b.stored, now, model);
      tx.afterCommit(() => {
        this.#baselines = new Map(this.#baselines).set(model, b);
      });
    });
    return b.detector;
  }

  /**
   * A detector over rows built and calibrated exactly as a baseline is (steps from timestamps, per-symbol transforms,
   * the monitor's design-effect rule), for windows of `windowSteps` steps, without storing anything: the gate's drift
   * score judges a candidate's training rows this way. Throws VIGIL_INSUFFICIENT_DATA when it cannot calibrate.
   */
  detectorOf(
    input: RowsInput,
    judge: { windowSteps: number; targetFalseAlarmRate: number; maxReplays: number },
    paths: RowsPaths,
  ): { detector: DriftDetector; steps: number } {
    const stored = this.#storedFrom(input, paths);
    const n = Math.min(...[...stored.features.values()].map((v) => v.length));
    const steps = stored.steps?.length ?? n;
    return { detector: this.#prepare(stored, steps ? n / steps : 1, judge), steps };
  }

  /**
   * Rows as a live window sees them: grouped into steps by timestamp (each row its own step without), each feature
   * transformed within its symbol's series by the monitor's transforms, pooled in time order.
   */
  windowOf(input: RowsInput, paths: RowsPaths): { features: Map<string, Float64Array>; steps: number } {
    const stored = this.#storedFrom(input, paths);
    const n = Math.min(...[...stored.features.values()].map((v) => v.length));
    return { features: stored.features as Map<string, Float64Array>, steps: stored.steps?.length ?? n };
  }

  /** Validated rows as a baseline: steps, per-symbol transformed values pooled in time order. */
  #storedFrom(input: RowsInput, paths: RowsPaths): StoredBaseline {
    const issues: Issue[] = [];
    const raw = toColumns(input.features, undefined, paths.features, issues);
    const n = Math.min(...[...raw.values()].map((v) => v.length));
    for (const key of ['timestamps', 'symbols'] as const) {
      const v = input[key];
      if (v === undefined) continue;
      if (!Array.isArray(v) || v.length !== n)
        issues.push({
          path: paths[key],
          message: `must be an array of ${n} strings (one per row), got ${describeValue(Array.isArray(v) ? v.length : v)}`,
          value: v,
        });
      else
        v.forEach((x, i) => {
          if (typeof x !== 'string' || (key === 'timestamps' && Number.isNaN(Date.parse(x))))
            issues.push({
              path: `${paths[key]}[${i}]`,
              message: `must be ${key === 'timestamps' ? 'an ISO timestamp' : 'a symbol'}, got ${describeValue(x)}`,
              value: x,
            });
        });
    }
    throwIfIssues(`drift ${paths.what}`, issues);
    const names = [...raw.keys()];
    const timed = input.timestamps !== undefined;
    const engine = new PanelDrift({
      ...this.#engineOptions(names, true),
      keepValues: Number.MAX_SAFE_INTEGER,
      referenceSteps: Number.MAX_SAFE_INTEGER,
      cusum: null,
    });
    // predictions given row by row feed the steps' prediction statistics; without them those stay empty
    const rowPredictions = input.predictions?.length === n ? input.predictions : undefined;
    const records: PanelRecord[] = Array.from({ length: n }, (_, i) => ({
      timestamp: timed
        ? (input.timestamps?.[i] as string)
        : new Date(Date.UTC(1970, 0, 1) + i * 86_400_000).toISOString(),
      symbol: input.symbols?.[i] ?? 'series',
      regime: input.regimes?.[i] ?? '',
      features: Object.fromEntries(names.map((f) => [f, (raw.get(f) as Float64Array)[i] as number])),
      predictedLabel: rowPredictions?.[i]?.label ?? Number.NaN,
      confidence: rowPredictions?.[i]?.confidence ?? Number.NaN,
    }));
    const sorted = timed
      ? [...records].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0))
      : records;
    engine.validate(sorted);
    const steps: ClosedStep[] = [];
    engine.ingest(sorted, (s) => steps.push(s));
    engine.flush((s) => steps.push(s));
    const pooled = new Map(names.map((f) => [f, Float64Array.from(steps.flatMap((s) => s.values?.[f] ?? []))]));
    // regimes and predictions in the steps' (time) order, as the pooled values are
    const stored: StoredBaseline = {
      features: pooled,
      regimes: input.regimes ? (timed ? sorted.map((r) => r.regime) : [...input.regimes]) : undefined,
      predictions: input.predictions
        ? timed && rowPredictions
          ? sorted.map((r) => ({ label: r.predictedLabel, confidence: r.confidence }))
          : [...input.predictions]
        : undefined,
      calibration: undefined,
      steps: timed ? steps.map((s) => ({ step: s.step, timestamp: s.timestamp, stats: s.stats })) : undefined,
    };
    return stored;
  }

  /**
   * Checks a batch's features against a model's monitored set before anything is computed; returns their values as
   * PanelDrift.ingest takes them (row by row, in `names` order), read in the same pass.
   */
  #validate(records: readonly Obs[], names: readonly string[], index: readonly number[]): Float64Array {
    const issues: Issue[] = [];
    const strict = this.deps.options.features === undefined;
    const known = new Set(names);
    const F = names.length;
    const values = new Float64Array(records.length * F);
    records.forEach((r, j) => {
      const i = index[j];
      let present = 0;
      for (let k = 0; k < F; k++) {
        const n = names[k] as string;
        const v = r.features[n];
        if (typeof v === 'number' && Number.isFinite(v)) {
          present++;
          values[j * F + k] = v;
        } else
          issues.push({
            path: `records[${i}].features.${n}`,
            message:
              v === undefined
                ? 'is missing (a monitored drift feature)'
                : `must be a finite number, got ${describeValue(v)}`,
            value: v,
          });
      }
      if (!strict) return;
      // hot path: a record holding exactly the monitored features has no unknown one to look for (Object.keys
      // counts own keys about twice as fast as a for-in with hasOwn)
      if (Object.keys(r.features).length > present)
        for (const k of Object.keys(r.features))
          if (!known.has(k))
            issues.push({
              path: `records[${i}].features.${k}`,
              message: `is not a monitored feature of model ${r.modelVersion}; known features: ${names.join(', ')}`,
              value: k,
            });
    });
    throwIfIssues('observations for drift', issues);
    return values;
  }

  /** The observe hook. */
  async observe(records: readonly Obs[], tx: TxContext): Promise<void> {
    if (records.length === 0) return;
    const o = this.deps.options;
    const byModel = new Map<string, { recs: Obs[]; index: number[] }>();
    records.forEach((r, i) => {
      const g = byModel.get(r.modelVersion) ?? { recs: [], index: [] };
      g.recs.push(r);
      g.index.push(i);
      byModel.set(r.modelVersion, g);
    });
    const baselines = new Map(this.#baselines);
    const newBaselines: [string, Baseline][] = [];
    const models = new Map<string, ModelState>();
    const checks: CheckRow[] = [];
    const episodeChanges: { model: string; change: EpisodeChange; cusum: StepCusumResult }[] = [];
    const saves: { model: string; state: PersistedModelState; steps: ClosedStep[] }[] = [];
    let lastFeature: FeatureDriftResult | undefined;
    let late = 0;
    for (const [model, { recs, index }] of byModel) {
      const prev = this.#models.get(model);
      const features = prev?.features ??
        o.features ?? [
          ...(this.#baselineOf(model, baselines)?.detector.featureNames ??
            Object.keys((recs[0] as Obs).features).sort()),
        ];
      const values = this.#validate(recs, features, index);
      let collecting = !this.#baselineOf(model, baselines);
      const fresh = !prev;
      const engine = prev
        ? new PanelDrift(prev.engine.options, copyCore(prev.engine.core), [...prev.engine.history])
        : new PanelDrift(
            this.#engineOptions(features, collecting),
            undefined,
            [...(this.#baselineOf(model, baselines)?.stored.steps ?? [])].slice(-o.referenceSteps),
          );
      try {
        engine.validate(recs);
      } catch (e) {
        // name the batch's record index, not the model's
        if (e instanceof VigilError)
          throw new VigilError(
            e.code,
            e.message.replace(/records\[(\d+)\]/g, (_m, j: string) => `records[${index[Number(j)]}]`),
            {
              issues: (e.issues ?? []).map((x) => ({
                ...x,
                path: x.path.replace(/records\[(\d+)\]/, (_m, j: string) => `records[${index[Number(j)]}]`),
              })),
            },
          );
        throw e;
      }
      const lateBefore = engine.core.late;
      let episode = prev?.episode ?? null;
      // steps to persist: a fresh model's seeded history, then every step this batch closes
      let unsaved = fresh ? engine.history.length : 0;
      let current = engine;
      const onClose = (step: ClosedStep, cusum: StepCusumResult) => {
        unsaved++;
        const active: string[] = o.retrainOn.includes('cusum') && cusum.alarms.length ? ['cusum'] : [];
        const base = this.#baselineOf(model, baselines);
        if (current.closedSteps % o.checkEvery === 0) {
          const rows = this.#check(model, step, current, base && { ...base, own: baselines.has(model) });
          for (const r of rows) {
            checks.push(r);
            if (r.detected && o.retrainOn.includes(r.type)) active.push(r.type);
            if (r.type === 'feature') lastFeature = r.details.result as FeatureDriftResult;
          }
        }
        const retrains = o.retrainOn.includes('cusum');
        const u = updateEpisode(
          episode,
          step,
          active,
          { alarmed: retrains ? cusum.alarms : [], elevated: retrains ? cusum.elevated : [] },
          cusum.max,
          o.cusum?.quietSteps ?? 1,
        );
        episode = u.open;
        if (u.change) episodeChanges.push({ model, change: u.change, cusum });
        if (!base && o.autoBaseline && current.closedSteps >= o.baselineSteps) {
          const b = this.#collectBaseline(current.window(o.baselineSteps), features);
          if (b) {
            baselines.set(model, b);
            newBaselines.push([model, b]);
            collecting = false;
          }
        }
      };
      engine.ingest(recs, onClose, values);
      late += engine.core.late - lateBefore;
      // a collected baseline shrinks the values the model keeps to the window's
      if (!collecting && engine.options.keepValues !== this.#keepValues(false)) {
        current = new PanelDrift(this.#engineOptions(features, false), engine.core, [...engine.history]);
      } else current = engine;
      models.set(model, { engine: current, features, episode });
      // only the steps still kept at the end of the batch are written (older ones aged out inside it)
      const kept = current.history;
      saves.push({
        model,
        state: { features, core: current.core, episode },
        steps: unsaved ? kept.slice(-Math.min(unsaved, kept.length)) : [],
      });
    }
    this.#retire(byModel, models, episodeChanges, saves);
    // a retraining request only for the model live at the onset's data time (a shadow's or a retired model's episode says why not)
    const open = saves.map((s) => [s.model, s.state.episode] as const);
    await decideRetraining(this.deps.liveModels, episodeChanges, open, tx.manager);
    const now = this.deps.clock.now().toISOString();
    for (const [model, b] of newBaselines) await saveBaseline(tx.manager, b.stored, now, model);
    for (const s of saves) await saveModel(tx.manager, s.model, s.state, s.steps, this.#keepSteps, now);
    if (checks.length) await this.#writeChecks(tx.manager, checks, now);
    if (episodeChanges.length) {
      await this.#writeEpisodes(tx.manager, episodeChanges, now);
      await emitEpisodeEvents(this.deps.bus, tx, episodeChanges);
    }
    tx.afterCommit(() => {
      for (const [model, m] of models) this.#models.set(model, m);
      for (const [model, b] of newBaselines) {
        this.#baselines.set(model, b);
        this.deps.logger.info('drift baseline collected', {
          model,
          steps: o.baselineSteps,
          features: b.detector.featureNames.length,
          calibrated: b.detector.calibration !== undefined,
        });
      }
      this.#lastModel = records.at(-1)?.modelVersion;
      if (lastFeature) this.#lastFeature = lastFeature;
      if (late)
        this.deps.logger.warn(
          'drift: predictions for a step that had already closed were left out of the step statistics',
          { records: late },
        );
      this.#announce(checks, episodeChanges);
    });
  }

  /**
   * Ends the open episode of every model absent from the batch that has been silent while the batch's models closed
   * `retireAfterSteps` later steps: a replaced model stops predicting, and its episode would otherwise stay open
   * forever. The episode ends at the model's last step with predictions, reason 'retired'; the model's CUSUM sums
   * restart from zero and its still-open last step is dropped unscored.
   */
  #retire(
    batch: ReadonlyMap<string, unknown>,
    models: Map<string, ModelState>,
    changes: { model: string; change: EpisodeChange; cusum: StepCusumResult }[],
    saves: { model: string; state: PersistedModelState; steps: ClosedStep[] }[],
  ): void {
    const after = this.deps.options.retireAfterSteps;
    for (const [model, m] of this.#models) {
      if (batch.has(model) || !m.episode) continue;
      const last = m.engine.core.open?.step ?? m.engine.history.at(-1)?.step;
      if (last === undefined) continue;
      let later = 0;
      for (const other of models.values()) {
        let n = 0;
        for (const h of other.engine.history) if (h.step > last) n++;
        later = Math.max(later, n);
      }
      if (later < after) continue;
      const none: StepCusumResult = { scored: false, statistics: {}, alarms: [], max: 0, elevated: [] };
      changes.push({ model, change: { kind: 'end', episode: m.episode, step: last, reason: 'retired' }, cusum: none });
      // should it predict again, its CUSUMs start over, and its last step (still open: no later record closed it)
      // is left unscored, rather than raise a request for a step weeks old when the model comes back
      const core = { ...copyCore(m.engine.core), cusum: {}, open: null };
      const engine = new PanelDrift(m.engine.options, core, [...m.engine.history]);
      models.set(model, { engine, features: m.features, episode: null });
      saves.push({ model, state: { features: m.features, core, episode: null }, steps: [] });
    }
  }

  /** Collects a model's baseline from its first closed steps' values. */
  #collectBaseline(steps: readonly ClosedStep[], features: readonly string[]): Baseline | undefined {
    const pooled = new Map(features.map((f) => [f, concatValues(steps, f)]));
    if (Math.min(...[...pooled.values()].map((v) => v.length)) < this.deps.options.minRecords) return undefined;
    const stored: StoredBaseline = {
      features: pooled,
      regimes: steps.flatMap((s) => s.regimes ?? []),
      predictions: steps.flatMap((s) => (s.predictions ?? []).map(([label, confidence]) => ({ label, confidence }))),
      calibration: undefined,
      steps: steps.map((s) => ({ step: s.step, timestamp: s.timestamp, stats: s.stats })),
    };
    return this.#baselineFrom(stored);
  }

  /**
   * The window checks at a closed step: the cross-section of the last `windowSteps` steps against the model's
   * baseline. A model is checked against a baseline of its own (set for it, or collected from its first
   * `baselineSteps` steps), or against the shared one once it has itself run `baselineSteps` steps: a challenger
   * observed in shadow for a few weeks is not judged against another model's baseline (whose predictions are that
   * model's). Until then, and when calibration is on but the baseline is too short to calibrate windows of
   * `windowSteps` steps, each check type gets a row with status 'insufficient' and the reason, not a verdict.
   */
  #check(
    model: string,
    step: ClosedStep,
    engine: PanelDrift,
    base: (Baseline & { readonly own: boolean }) | undefined,
  ): CheckRow[] {
    const o = this.deps.options;
    const window = engine.window(o.windowSteps);
    if (window.length < o.windowSteps) return [];
    const at = { model, step: step.step, timestamp: step.timestamp };
    const ran = engine.closedSteps;
    let reason: string | undefined;
    if (!base)
      reason = o.autoBaseline
        ? `not enough steps: ${ran} of ${o.baselineSteps} (the model's baseline is collected from its first ${o.baselineSteps} steps)`
        : 'no baseline for this model (autoBaseline is off): set one';
    else if (!base.own && ran < o.baselineSteps)
      reason = `not enough steps: ${ran} of ${o.baselineSteps} (a model is checked against the shared baseline once it has run ${o.baselineSteps} steps; set a baseline for it to check it sooner)`;
    else if (o.calibration && !base.detector.calibration) {
      const steps = base.stored.steps?.length ?? base.detector.baselineSize;
      reason = `the baseline's ${steps} steps cannot calibrate windows of ${o.windowSteps} steps (at least ${minCalibrationSteps(o.windowSteps)} needed)`;
    }
    if (reason !== undefined || !base) {
      const details = {
        status: 'insufficient',
        reason: reason ?? 'no baseline',
        steps_run: ran,
        baseline_steps: o.baselineSteps,
        window_steps: window.length,
      };
      return (['feature', 'regime', 'prediction'] as const).map((type) => ({
        ...at,
        type,
        statistic: null,
        detected: false,
        details: { ...details, drift_detected: false },
      }));
    }
    const d = base.detector;
    const rows: CheckRow[] = [];
    const cols = new Map(d.featureNames.map((f) => [f, concatValues(window, f)]));
    const size = Math.min(...[...cols.values()].map((c) => c.length));
    if (size >= o.minRecords) {
      const feature = d.featureDriftOnTransformed(cols);
      rows.push({
        ...at,
        type: 'feature',
        statistic: feature.ksStatistic,
        detected: feature.driftDetected,
        details: { ...featureDetails(feature, d, window.length), result: feature },
      });
    }
    const regimes = concatRegimes(window);
    try {
      if (regimes.length >= o.minRecords) {
        const r = d.detectRegimeDrift(regimes);
        rows.push({
          ...at,
          type: 'regime',
          statistic: r.distributionChange,
          detected: r.driftDetected,
          details: {
            status: 'tested',
            drift_detected: r.driftDetected,
            regime_shift: r.regimeShift,
            distribution_change: r.distributionChange,
            chi_square: r.chiSquare,
            p_value: r.pValue,
            ...(r.designEffect !== undefined ? { design_effect: r.designEffect } : {}),
            baseline_mix: r.baselineMix,
            window_mix: r.windowMix,
            new_regimes: r.newRegimes,
            window_steps: window.length,
          },
        });
      }
    } catch (e) {
      if (!(e instanceof VigilError && e.code === 'VIGIL_INSUFFICIENT_DATA')) throw e;
    }
    const preds = predictionColumns(window);
    try {
      if (preds.labels.length >= o.minRecords) {
        const p = d.detectPredictionDrift(preds);
        rows.push({
          ...at,
          type: 'prediction',
          statistic: p.predictionShift,
          detected: p.driftDetected,
          details: {
            status: 'tested',
            drift_detected: p.driftDetected,
            prediction_shift: p.predictionShift,
            avg_confidence_change: p.avgConfidenceChange,
            class_mix: p.classMix,
            confidence: p.confidence,
            window_steps: window.length,
          },
        });
      }
    } catch (e) {
      if (!(e instanceof VigilError && e.code === 'VIGIL_INSUFFICIENT_DATA')) throw e;
    }
    return rows;
  }

  async #writeChecks(manager: EntityManager, rows: readonly CheckRow[], now: string): Promise<void> {
    await bulkInsert(
      manager,
      DRIFT_MONITORING_TABLE,
      CHECK_COLUMNS,
      rows.map((r) => {
        const { result: _omit, ...details } = r.details;
        return [r.timestamp, r.type, r.statistic, r.detected ? 1 : 0, JSON.stringify(details), now, r.model, r.step];
      }),
    );
  }

  /** One row per episode: inserted at its onset, updated (peak, reasons, end) while it lasts. */
  async #writeEpisodes(
    manager: EntityManager,
    changes: readonly { model: string; change: EpisodeChange; cusum: StepCusumResult }[],
    now: string,
  ): Promise<void> {
    const ph = placeholder(dialectOf(manager.connection));
    // per episode: its latest change in this batch, and the statistics at its onset when the onset (the row's insert) is in this batch
    const final = new Map<
      string,
      { model: string; change: EpisodeChange; atOnset: StepCusumResult['statistics'] | undefined }
    >();
    for (const c of changes) {
      const key = `${c.model}\u0000${c.change.episode.onset}`;
      const atOnset = c.change.kind === 'onset' ? c.cusum.statistics : final.get(key)?.atOnset;
      final.set(key, { model: c.model, change: c.change, atOnset });
    }
    const inserts: unknown[][] = [];
    for (const { model, change, atOnset } of final.values()) {
      const e = change.episode;
      const status = change.kind === 'end' ? 'closed' : 'open';
      const end = change.kind === 'end' ? change.step : null;
      const details = {
        drift_detected: true,
        model,
        onset: e.onset,
        peak: e.peak,
        peak_step: e.peakStep,
        end,
        steps: e.steps,
        reasons: e.reasons,
        statistics: e.statistics,
        status,
        ...(change.kind === 'end' ? { end_reason: change.reason ?? 'quiet' } : {}),
        ...(e.retraining ? { retraining: e.retraining } : {}),
      };
      if (atOnset) {
        inserts.push([
          e.onsetTimestamp,
          'cusum',
          e.peak,
          1,
          JSON.stringify({ ...details, at_onset: atOnset }),
          now,
          model,
          e.onset,
          status,
          e.peakStep,
          end,
          now,
        ]);
      } else {
        // keep the onset row's at_onset figures
        const old = (await manager.query(
          `SELECT details_json FROM ${quoteIdent(DRIFT_MONITORING_TABLE)} WHERE model_version = ${ph(1)} AND drift_type = 'cusum' AND step = ${ph(2)}`,
          [model, e.onset],
        )) as { details_json: string }[];
        const kept = old[0] ? (JSON.parse(old[0].details_json) as { at_onset?: unknown }).at_onset : undefined;
        await manager.query(
          `UPDATE ${quoteIdent(DRIFT_MONITORING_TABLE)} SET ks_statistic = ${ph(1)}, details_json = ${ph(2)}, episode_status = ${ph(3)}, episode_peak_step = ${ph(4)}, episode_end = ${ph(5)}, updated_at = ${ph(6)} WHERE model_version = ${ph(7)} AND drift_type = 'cusum' AND step = ${ph(8)}`,
          [
            e.peak,
            JSON.stringify({ ...details, ...(kept ? { at_onset: kept } : {}) }),
            status,
            e.peakStep,
            end,
            now,
            model,
            e.onset,
          ],
        );
      }
    }
    if (inserts.length) {
      await bulkInsert(
        manager,
        DRIFT_MONITORING_TABLE,
        [...CHECK_COLUMNS, 'episode_status', 'episode_peak_step', 'episode_end', 'updated_at'],
        inserts,
      );
    }
  }

  #announce(
    checks: readonly CheckRow[],
    episodes: readonly { model: string; change: EpisodeChange; cusum: StepCusumResult }[],
  ): void {
    const byStep = new Map<string, CheckRow[]>();
    for (const r of checks)
      byStep.set(`${r.model}\u0000${r.step}`, [...(byStep.get(`${r.model}\u0000${r.step}`) ?? []), r]);
    for (const group of byStep.values()) {
      const first = group[0] as CheckRow;
      const feature = group.find((r) => r.type === 'feature');
      const reasons = [...new Set(group.filter((r) => r.detected).map((r) => r.type))];
      this.deps.events.emit('check', {
        timestamp: first.timestamp,
        model: first.model,
        step: first.step,
        driftDetected: reasons.length > 0,
        reasons,
        driftScore: feature?.statistic ?? 0,
      });
    }
    for (const { model, change, cusum } of episodes) {
      if (change.kind !== 'onset') continue;
      const e = change.episode;
      if (e.retraining?.requested === false) {
        this.deps.logger.info(`drift episode started: no retraining request (the model is ${e.retraining.standing})`, {
          model,
          step: e.onset,
          live: e.retraining.live,
        });
        continue;
      }
      const group = byStep.get(`${model}\u0000${e.onset}`) ?? [];
      const feature = group.find((r) => r.type === 'feature');
      const regime = group.find((r) => r.type === 'regime')?.details as { regime_shift?: string } | undefined;
      // the features whose detectors started the episode: CUSUMs above h, and the KS check's drifted ones when it retrains
      const ks = e.reasons.includes('feature')
        ? ((feature?.details.drifted_feature_names as string[] | undefined) ?? [])
        : [];
      const h = this.deps.options.cusum?.h ?? Number.POSITIVE_INFINITY;
      const fromCusum = Object.entries(cusum.statistics)
        .filter(([k, s]) => k.includes(':') && Math.max(s.up, s.down) > h)
        .map(([k]) => k.split(':')[0] as string);
      const driftedFeatures = [...new Set([...fromCusum, ...ks])].sort();
      this.deps.logger.warn('drift episode started: retraining requested', {
        model,
        step: e.onset,
        reasons: e.reasons,
        driftedFeatures,
      });
      this.deps.events.emit('retrainingRequested', {
        timestamp: e.onsetTimestamp,
        model,
        step: e.onset,
        reasons: e.reasons,
        driftScore: feature?.statistic ?? 0,
        driftedFeatures,
        regimeShift: regime?.regime_shift,
        feature: feature?.details.result as FeatureDriftResult | undefined,
      });
    }
  }

  /** Feature drift of arbitrary samples (e.g. a candidate's validation features) against a model's baseline. */
  featureDriftOf(columns: Readonly<Record<string, ArrayLike<number>>>, model?: string): FeatureDriftResult {
    const d = this.detectorFor(model ?? this.#lastModel);
    if (!d) throw new VigilError('VIGIL_INSUFFICIENT_DATA', 'no drift baseline yet');
    return d.detectFeatureDrift(columns);
  }
}

/** Per feature, the baseline's values per step (when its steps are known and account for every value). */
function stepCounts(b: StoredBaseline): Map<string, number[]> | undefined {
  if (!b.steps?.length) return undefined;
  const out = new Map<string, number[]>();
  for (const [f, values] of b.features) {
    const counts = b.steps.map((s) => s.stats.features[f]?.[0] ?? 0);
    if (counts.reduce((a, c) => a + c, 0) !== values.length) return undefined;
    out.set(f, counts);
  }
  return out;
}

/** One feature's values over steps, oldest first. */
function concatValues(steps: readonly ClosedStep[], f: string): Float64Array {
  let n = 0;
  for (const s of steps) n += s.values?.[f]?.length ?? 0;
  const out = new Float64Array(n);
  let at = 0;
  for (const s of steps) {
    const v = s.values?.[f];
    if (!v) continue;
    // element by element: TypedArray#set from a plain array takes a slow generic path
    for (let i = 0; i < v.length; i++) out[at++] = v[i] as number;
  }
  return out;
}

/** The steps' regimes, oldest first (Array#flatMap's generic path cost more than the regime check itself). */
function concatRegimes(steps: readonly ClosedStep[]): string[] {
  const out: string[] = [];
  for (const s of steps) {
    const r = s.regimes;
    if (r) for (let i = 0; i < r.length; i++) out.push(r[i] as string);
  }
  return out;
}

/** The steps' predictions as columns, oldest first (a window check: no object per prediction). */
function predictionColumns(steps: readonly ClosedStep[]): PredictionWindow {
  let n = 0;
  for (const s of steps) n += s.predictions?.length ?? 0;
  const labels: number[] = [];
  const confidences = new Float64Array(n);
  for (const s of steps)
    for (const [label, confidence] of s.predictions ?? []) {
      confidences[labels.length] = confidence;
      labels.push(label);
    }
  return { labels, confidences };
}

function featureDetails(r: FeatureDriftResult, d: DriftDetector, steps: number): Record<string, unknown> {
  const rate = d.calibration?.featureRate;
  return {
    // 'untestable': no feature can flag (every calibrated threshold is above 1); else 'tested'
    status: r.untestableFeatureNames.length === r.features.length ? 'untestable' : 'tested',
    drift_detected: r.driftDetected,
    max_drift: r.maxDrift,
    drifted_features: r.driftedFeatures,
    drifted_feature_names: r.driftedFeatureNames,
    untestable_feature_names: r.untestableFeatureNames,
    rule: r.rule,
    window_size: r.windowSize,
    window_steps: steps,
    baseline_size: d.baselineSize,
    baseline_version: baselineVersion(d),
    features: r.features.map((f) => ({
      feature: f.feature,
      status: f.untestable ? 'untestable' : 'tested',
      statistic: f.statistic,
      p_value: f.pValue,
      corrected_p_value: f.correctedPValue,
      // an untestable feature has no threshold: the D it would need is above 1
      threshold: f.untestable ? null : f.threshold,
      ...(f.untestable
        ? {
            reason: `D would have to exceed ${f.threshold.toFixed(3)} (> 1) to flag at the per-feature rate ${rate !== undefined ? rate.toPrecision(2) : ''}: the window's ${r.windowSize} values are too few effective ones for this feature's design effect`,
          }
        : {}),
      ...(d.calibration?.designEffects?.[f.feature] !== undefined
        ? { design_effect: d.calibration.designEffects[f.feature] }
        : {}),
      drifted: f.drifted,
    })),
  };
}
