import { type Issue, throwIfIssues } from '@vigil/core';
import { Cusum, type CusumState, cusumDown, cusumUp } from './stats/cusum.js';
import { meanSd } from './stats/meanSd.js';
import { type Transform, transformValue } from './stats/transforms.js';
import { stepOf } from './steps.js';

/** The fields of a prediction the panel monitor reads. */
export interface PanelRecord {
  readonly timestamp: string;
  readonly symbol: string;
  readonly regime: string;
  readonly features: Readonly<Record<string, number>>;
  readonly predictedLabel: number;
  readonly confidence: number;
}

/** The per-step CUSUMs: which statistics, and their parameters in reference standard deviations. */
export interface StepCusumOptions {
  /** Features watched (default: every monitored feature). */
  readonly features?: readonly string[];
  /** 'abs': the step's RMS deviation from the reference centre (scale; one-sided up); 'level': the step's mean. */
  readonly statistics: readonly ('abs' | 'level')[];
  readonly k: number;
  readonly h: number;
  /** Upper bound of each sum (default 2h): an alarm never resets the sums, the cap bounds the way back. */
  readonly cap?: number;
  /** An episode ends when every statistic that alarmed in it has been at or below this (default h / 4) for `quietSteps` steps (default 10). */
  readonly release?: number;
  readonly quietSteps?: number;
  /** Direction of the 'level' CUSUMs (default 'both'). */
  readonly direction?: 'up' | 'down' | 'both';
  /** Also watch the model's mean confidence and class mix per step (two-sided). */
  readonly predictions?: boolean;
}

export interface PanelDriftOptions {
  readonly features: readonly string[];
  readonly transforms: Readonly<Record<string, Transform>>;
  /** null: one step per UTC trading day; else bars of this many minutes. */
  readonly stepMinutes: number | null;
  /** Closed steps the CUSUMs standardise against (rolling, the steps before the current one). */
  readonly referenceSteps: number;
  /** Steps with fewer records are skipped by the CUSUMs (and kept out of their reference). */
  readonly minStepRecords: number;
  /** Closed steps whose values are kept (the KS window, or the steps a baseline is collected from). */
  readonly keepValues: number;
  readonly cusum: StepCusumOptions | null;
}

/** One feature's cross-section in one step (after per-symbol transforms): count, mean, population variance. */
export type FeatureMoments = readonly [n: number, mean: number, variance: number];

export interface StepStats {
  /** Records in the step. */
  readonly n: number;
  /** Of which with a prediction (label and confidence). */
  readonly predictions: number;
  readonly features: Readonly<Record<string, FeatureMoments>>;
  readonly confidence: number;
  /** Share of the step's predictions per label. */
  readonly classes: Readonly<Record<string, number>>;
}

export interface ClosedStep {
  readonly step: string;
  /** Latest prediction timestamp in the step. */
  readonly timestamp: string;
  readonly stats: StepStats;
  /** Per feature, the step's transformed values (dropped once the step leaves `keepValues`). */
  readonly values?: Record<string, number[]>;
  readonly regimes?: string[];
  readonly predictions?: [label: number, confidence: number][];
}

/** What the CUSUMs made of one closed step. */
export interface StepCusumResult {
  /** false while the reference is not full yet or the step is too thin. */
  readonly scored: boolean;
  /** Per statistic: standardised value and the sums after it. */
  readonly statistics: Record<string, { z: number; up: number; down: number }>;
  /** Statistics whose sum is above h. */
  readonly alarms: string[];
  /** Largest sum (in reference standard deviations). */
  readonly max: number;
  /** Statistics whose sum is above `release`. */
  readonly elevated: string[];
}

interface OpenStep {
  step: string;
  timestamp: string;
  values: Record<string, number[]>;
  regimes: string[];
  predictions: [number, number][];
}

/** Everything but the closed steps' history: small, persisted after every batch. */
export interface PanelCoreState {
  open: OpenStep | null;
  /** Last raw value per symbol of each transformed feature (per-symbol transforms need it; others are not kept). */
  last: Record<string, Record<string, number>>;
  /** Each CUSUM's sums, updated in place as steps close. */
  cusum: Record<string, { up: number; down: number }>;
  closedSteps: number;
  late: number;
  /**
   * Per watched feature (in order), the sum of the reference steps' means, kept as steps enter and leave it
   * (Neumaier-compensated: `sum` + `comp`) so the centre needs no pass over the reference; recomputed exactly
   * every REF_RESUM closed steps, or when `size` is not the reference's (absent: computed on first use). In
   * the core, so it is copied per batch and persisted: the same records give the same bits however batched.
   */
  refSum?: { size: number; sum: number[]; comp: number[] };
}

/** Closed steps between exact recomputations of the reference's running sums. */
const REF_RESUM = 64;

/** Neumaier's compensated addition of `x` to sums[j] (compensation in comps[j]). */
function addComp(sums: number[], comps: number[], j: number, x: number): void {
  const s = sums[j] as number;
  const t = s + x;
  comps[j] = (comps[j] as number) + (Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s);
  sums[j] = t;
}

/**
 * The reference steps as columns (oldest first, at [start, start + size)), one per watched feature: count, mean,
 * variance; and the prediction figures. The columns hold twice the reference, so dropping the oldest step moves
 * the start instead of every value; they are compacted to the front once the end is reached (every R steps).
 */
interface RefColumns {
  start: number;
  size: number;
  readonly n: Float64Array[];
  readonly mean: Float64Array[];
  readonly v: Float64Array[];
  /** Per feature, the reference steps without a value of it (n = 0; none: every step counts). */
  readonly zeros: Int32Array;
  readonly predictions: Float64Array;
  readonly confidence: Float64Array;
  /** Class shares of steps with predictions (null for a step without), from the oldest step (not by start). */
  readonly classes: (Readonly<Record<string, number>> | null)[];
  /** Per label seen in the reference, its share in each step (0 where absent or without predictions). */
  readonly shares: Map<string, Float64Array>;
}

const emptyCore = (): PanelCoreState => ({ open: null, last: {}, cusum: {}, closedSteps: 0, late: 0 });

/**
 * A deep copy of a core (same keys in the same order, so the same JSON), for a batch to work on. Not structuredClone:
 * its arrays come back as arrays of boxed numbers, and once the open step's values are such an array, every function
 * that reads steps' values (stepStats, meanSd) loads their elements generically, a boxed number per read, from then on.
 */
export function copyCore(core: PanelCoreState): PanelCoreState {
  const copy = { ...core };
  const o = core.open;
  if (o) {
    const values = { ...o.values };
    for (const f in values) values[f] = (values[f] as number[]).slice();
    copy.open = {
      ...o,
      values,
      regimes: o.regimes.slice(),
      predictions: o.predictions.map((p) => p.slice() as [number, number]),
    };
  }
  const last = { ...core.last };
  for (const sym in last) last[sym] = { ...last[sym] };
  copy.last = last;
  const cusum = { ...core.cusum };
  for (const k in cusum) cusum[k] = { ...(cusum[k] as { up: number; down: number }) };
  copy.cusum = cusum;
  if (core.refSum) copy.refSum = { ...core.refSum, sum: core.refSum.sum.slice(), comp: core.refSum.comp.slice() };
  return copy;
}

/**
 * The records' values of `features`, row by row (record i's value of features[j] at i * features.length + j); a
 * missing value reads as NaN. Reading a record's features by name is the costly part of taking it in: a caller that
 * checks them reads them once, into this layout, and hands them to `ingest`.
 */
export function featureValues(records: readonly PanelRecord[], features: readonly string[]): Float64Array {
  const F = features.length;
  const out = new Float64Array(records.length * F);
  for (let i = 0; i < records.length; i++) {
    const x = (records[i] as PanelRecord).features;
    for (let j = 0; j < F; j++) out[i * F + j] = x[features[j] as string] ?? Number.NaN;
  }
  return out;
}

/**
 * One model's panel of predictions over time steps: per-symbol transforms, per-step
 * cross-sectional statistics, and per-step CUSUMs standardised by a rolling reference of earlier
 * steps, so their false-alarm rate does not depend on how many symbols a step holds. Pure and
 * deterministic: the same records give the same steps and sums however they are batched, and the
 * state (core + history) round-trips through JSON exactly.
 */
export class PanelDrift {
  readonly #o: PanelDriftOptions;
  #core: PanelCoreState;
  /** Closed steps, oldest first: stats for the reference, values for the last `keepValues`. */
  #history: ClosedStep[];
  /**
   * The CUSUMs' reference (the last `referenceSteps` steps with enough records) as numeric rows:
   * derived from #history (rebuilt from it when missing), so results do not depend on whether it
   * was built incrementally or after a restart.
   */
  #ref: RefColumns | undefined;
  readonly #labels = new Map<string, number>();
  /** Scratch for #score (its contents never outlive a call). */
  #buf = new Float64Array(0);
  readonly #moments = new Float64Array(4);
  readonly #cusums = new Map<string, Cusum>();
  #keyCache: { features: readonly string[]; level: string[]; abs: string[] } | undefined;
  /**
   * The core's sums with their keys, in the object's own order (as for-in gives them), kept until #score adds a
   * statistic: the sums object holds more keys than V8 keeps in fast mode, and enumerating such an object collects and
   * sorts its keys every time, for every closed step. The states are the core's own objects (updated in place).
   */
  #sumList: [string, CusumState][] | undefined;
  #valuesTemplate: { features: readonly string[]; keys: Record<string, null> } | undefined;

  constructor(o: PanelDriftOptions, core: PanelCoreState = emptyCore(), history: ClosedStep[] = []) {
    this.#o = o;
    this.#core = core;
    this.#history = history;
  }

  get options(): PanelDriftOptions {
    return this.#o;
  }
  get core(): PanelCoreState {
    return this.#core;
  }
  get history(): readonly ClosedStep[] {
    return this.#history;
  }
  get closedSteps(): number {
    return this.#core.closedSteps;
  }
  /** The last `steps` closed steps that still hold values, oldest first. */
  window(steps: number): ClosedStep[] {
    return this.#history.filter((s) => s.values).slice(-steps);
  }

  /** Checks a batch before anything changes: transforms need usable previous values per symbol. */
  validate(records: readonly PanelRecord[]): void {
    // only transformed features can fail, and only their previous values matter
    const transformed = this.#o.features.filter((f) => (this.#o.transforms[f] ?? 'none') !== 'none');
    if (transformed.length === 0) return;
    const issues: Issue[] = [];
    const last = new Map<string, Record<string, number>>();
    records.forEach((r, i) => {
      const prev = last.get(r.symbol) ?? this.#core.last[r.symbol];
      const next: Record<string, number> = {};
      for (const f of transformed) {
        const t = this.#o.transforms[f] as Transform;
        const p = prev?.[f];
        const x = r.features[f];
        if (x !== undefined) next[f] = x;
        else if (p !== undefined) next[f] = p;
        if (p === undefined) continue;
        const v = transformValue(p, x as number, t);
        if (typeof v === 'string')
          issues.push({
            path: `records[${i}].features.${f}`,
            message: `${v} (symbol ${r.symbol}'s previous value ${p})`,
            value: x,
          });
      }
      last.set(r.symbol, next);
    });
    throwIfIssues('observations for drift', issues);
  }

  /**
   * Adds records in order; calls `onClose` for every step the batch closes (a record of a later step closes the open
   * one). `values`: the records' feature values already read (row by row, in the options' feature order, as
   * `featureValues` lays them out), so a caller that read them to check them does not make this read them again.
   */
  ingest(
    records: readonly PanelRecord[],
    onClose: (step: ClosedStep, cusum: StepCusumResult) => void,
    values: Float64Array = featureValues(records, this.#o.features),
  ): void {
    const features = this.#o.features;
    const F = features.length;
    if (values.length !== records.length * F)
      throw new RangeError(`values holds ${values.length} numbers, not ${records.length} records x ${F} features`);
    const transforms = features.map((f) => this.#o.transforms[f] ?? 'none');
    // only transformed features need a symbol's previous value
    const transformed = transforms.some((t) => t !== 'none');
    let columns: number[][] = [];
    // a panel's records share their step's timestamp: parse each distinct one once
    let lastTimestamp: string | undefined;
    let lastStep = '';
    for (let k = 0; k < records.length; k++) {
      const r = records[k] as PanelRecord;
      const row = k * F;
      if (r.timestamp !== lastTimestamp) {
        lastTimestamp = r.timestamp;
        lastStep = stepOf(r.timestamp, this.#o.stepMinutes);
      }
      const step = lastStep;
      let open = this.#core.open;
      if (open && step < open.step) {
        this.#core.late++;
        continue;
      }
      if (open && step > open.step) {
        this.#close(open, onClose);
        open = null;
      }
      if (!open) {
        open = {
          step,
          timestamp: r.timestamp,
          values: this.#emptyValues(features),
          regimes: [],
          predictions: [],
        };
        this.#core.open = open;
      }
      if (columns.length !== features.length || columns[0] !== open.values[features[0] as string])
        columns = features.map((f) => (open as OpenStep).values[f] as number[]);
      if (r.timestamp > open.timestamp) open.timestamp = r.timestamp;
      // the core is this engine's own (the monitor copies it per batch): a symbol's last values are updated in
      // place, each read before it is overwritten, rather than a new object allocated per record
      const prev = transformed ? this.#core.last[r.symbol] : undefined;
      const next: Record<string, number> | undefined = transformed ? (prev ?? {}) : undefined;
      for (let j = 0; j < F; j++) {
        const f = features[j] as string;
        const x = values[row + j] as number;
        const t = transforms[j] as Transform;
        if (t === 'none') (columns[j] as number[]).push(x);
        else {
          const p = prev?.[f];
          if (p !== undefined) (columns[j] as number[]).push(transformValue(p, x, t) as number);
          (next as Record<string, number>)[f] = x;
        }
      }
      if (next && !prev) this.#core.last[r.symbol] = next;
      open.regimes.push(r.regime);
      open.predictions.push([r.predictedLabel, r.confidence]);
    }
  }

  /**
   * A new step's value arrays, one per feature in the features' order: a copy of a template object with those
   * keys (one shape for every step) whose slots are then replaced, not an object grown key by key.
   */
  #emptyValues(features: readonly string[]): Record<string, number[]> {
    if (this.#valuesTemplate?.features !== features)
      this.#valuesTemplate = { features, keys: Object.fromEntries(features.map((f) => [f, null])) };
    const values = { ...this.#valuesTemplate.keys } as unknown as Record<string, number[]>;
    for (const f of features) values[f] = [];
    return values;
  }

  /** Closes the open step (end of a replayed history; a live stream closes a step when the next one starts). */
  flush(onClose: (step: ClosedStep, cusum: StepCusumResult) => void): void {
    if (this.#core.open) this.#close(this.#core.open, onClose);
  }

  #close(open: OpenStep, onClose: (step: ClosedStep, cusum: StepCusumResult) => void): void {
    const closed: ClosedStep = {
      step: open.step,
      timestamp: open.timestamp,
      stats: stepStats(open),
      values: open.values,
      regimes: open.regimes,
      predictions: open.predictions,
    };
    const result = this.#score(closed.stats);
    if (this.#o.cusum) this.#pushRef(closed.stats, true);
    this.#core.closedSteps++;
    this.#core.open = null;
    this.#history.push(closed);
    const keep = Math.max(this.#o.referenceSteps, this.#o.keepValues);
    if (this.#history.length > keep) this.#history.splice(0, this.#history.length - keep);
    const withValues = this.#history.length - this.#o.keepValues;
    // replaced, never mutated: a copy of the history array is a snapshot
    for (let i = withValues - 1; i >= 0; i--) {
      const h = this.#history[i] as ClosedStep;
      if (!h.values) break;
      this.#history[i] = { step: h.step, timestamp: h.timestamp, stats: h.stats };
    }
    onClose(closed, result);
  }

  get #cusumFeatures(): readonly string[] {
    return this.#o.cusum?.features ?? this.#o.features;
  }

  #refCols(): RefColumns {
    if (!this.#ref) {
      const F = this.#cusumFeatures.length;
      const R = this.#o.referenceSteps;
      const col = () => Array.from({ length: F }, () => new Float64Array(2 * R));
      this.#ref = {
        start: 0,
        size: 0,
        n: col(),
        mean: col(),
        v: col(),
        zeros: new Int32Array(F),
        predictions: new Float64Array(2 * R),
        confidence: new Float64Array(2 * R),
        classes: [],
        shares: new Map(),
      };
      this.#labels.clear();
      for (const h of this.#history) this.#pushRef(h.stats, false);
    }
    return this.#ref;
  }

  /** The core's running sums of the reference means, recomputed exactly (in reference order) when stale. */
  #refSums(r: RefColumns, exact = false): { size: number; sum: number[]; comp: number[] } {
    const F = r.mean.length;
    let rs = this.#core.refSum;
    if (exact || !rs || rs.size !== r.size || rs.sum.length !== F || rs.comp.length !== F) {
      const sum: number[] = [];
      for (let j = 0; j < F; j++) {
        const cm = r.mean[j] as Float64Array;
        let x = 0;
        // steps without a value hold a mean of 0: summing every step gives the sum over those with one
        for (let i = r.start; i < r.start + r.size; i++) x += cm[i] as number;
        sum.push(x);
      }
      rs = { size: r.size, sum, comp: sum.map(() => 0) };
      this.#core.refSum = rs;
    }
    return rs;
  }

  /**
   * Appends a step to the reference columns (oldest first), dropping the oldest beyond referenceSteps; `live`
   * (a step closing, not a rebuild from the history) also updates the core's running sums.
   */
  #pushRef(stats: StepStats, live: boolean): void {
    if (stats.n < this.#o.minStepRecords) return;
    const r = this.#refCols();
    const R = this.#o.referenceSteps;
    const rs = live ? this.#refSums(r) : undefined;
    if (r.size === R) {
      if (rs) {
        for (let j = 0; j < r.mean.length; j++)
          addComp(rs.sum, rs.comp, j, -((r.mean[j] as Float64Array)[r.start] as number));
        rs.size--;
      }
      for (let j = 0; j < r.n.length; j++)
        if ((r.n[j] as Float64Array)[r.start] === 0) r.zeros[j] = (r.zeros[j] as number) - 1;
      r.start++;
      const old = r.classes.shift() as Readonly<Record<string, number>> | null;
      if (old) {
        for (const l of Object.keys(old)) {
          const k = (this.#labels.get(l) ?? 0) - 1;
          if (k > 0) this.#labels.set(l, k);
          else {
            this.#labels.delete(l);
            r.shares.delete(l);
          }
        }
      }
      r.size--;
    }
    if (r.start + r.size === 2 * R) {
      const { start, size } = r;
      for (const cols of [r.n, r.mean, r.v]) for (const c of cols) c.copyWithin(0, start, start + size);
      r.predictions.copyWithin(0, start, start + size);
      r.confidence.copyWithin(0, start, start + size);
      for (const c of r.shares.values()) c.copyWithin(0, start, start + size);
      r.start = 0;
    }
    const i = r.start + r.size;
    this.#cusumFeatures.forEach((f, j) => {
      const x = stats.features[f];
      if (!x || x[0] === 0) r.zeros[j] = (r.zeros[j] as number) + 1;
      (r.n[j] as Float64Array)[i] = x ? x[0] : 0;
      (r.mean[j] as Float64Array)[i] = x ? x[1] : 0;
      (r.v[j] as Float64Array)[i] = x ? x[2] : 0;
    });
    r.predictions[i] = stats.predictions;
    r.confidence[i] = stats.confidence;
    if (stats.predictions > 0)
      for (const l of Object.keys(stats.classes)) {
        this.#labels.set(l, (this.#labels.get(l) ?? 0) + 1);
        if (!r.shares.has(l)) {
          // a label new to the reference: its column over the steps already there
          const col = new Float64Array(2 * R);
          r.classes.forEach((cl, k) => {
            col[r.start + k] = cl?.[l] ?? 0;
          });
          r.shares.set(l, col);
        }
      }
    for (const [l, col] of r.shares) col[i] = stats.predictions > 0 ? (stats.classes[l] ?? 0) : 0;
    r.classes.push(stats.predictions > 0 ? stats.classes : null);
    r.size++;
    if (rs) {
      if ((this.#core.closedSteps + 1) % REF_RESUM === 0) this.#refSums(r, true);
      else {
        for (let j = 0; j < r.mean.length; j++) addComp(rs.sum, rs.comp, j, (r.mean[j] as Float64Array)[i] as number);
        rs.size++;
      }
    }
  }

  /** The CUSUMs' parameters per direction (validated once; their state lives in the core). */
  #cusumOf(direction: 'up' | 'down' | 'both'): Cusum {
    let cu = this.#cusums.get(direction);
    if (!cu) {
      const c = this.#o.cusum as StepCusumOptions;
      cu = new Cusum({ k: c.k, h: c.h, direction, ...(c.cap !== undefined ? { cap: c.cap } : {}) });
      this.#cusums.set(direction, cu);
    }
    return cu;
  }

  /** The largest sum and the (sorted) statistics above `release`, over every CUSUM of the core. */
  #summary(release: number): { max: number; elevated: string[] } {
    let max = 0;
    const elevated: string[] = [];
    const sums = this.#core.cusum;
    this.#sumList ??= Object.keys(sums).map((k) => [k, sums[k] as CusumState]);
    for (const [k, x] of this.#sumList) {
      const m = Math.max(x.up, x.down);
      if (m > max) max = m;
      if (m > release) elevated.push(k);
    }
    return { max, elevated: elevated.sort() };
  }

  /** Standardises the step's statistics by the reference steps before it and feeds the CUSUMs. */
  #score(s: StepStats): StepCusumResult {
    const c = this.#o.cusum;
    if (!c) return { scored: false, statistics: {}, alarms: [], max: 0, elevated: [] };
    const release = c.release ?? c.h / 4;
    const ref = this.#refCols();
    if (s.n < this.#o.minStepRecords || ref.size < this.#o.referenceSteps)
      return { scored: false, statistics: {}, alarms: [], ...this.#summary(release) };
    const statistics: StepCusumResult['statistics'] = {};
    const alarms: string[] = [];
    const sums = this.#core.cusum;
    const feed = (key: string, z: number, cu: Cusum) => {
      const prev = sums[key];
      const up = cusumUp(cu, prev ? prev.up : 0, z);
      const down = cusumDown(cu, prev ? prev.down : 0, z);
      // updated in place (the core is this engine's own, copied per batch): no new object per statistic per step
      if (prev) {
        prev.up = up;
        prev.down = down;
      } else {
        sums[key] = { up, down };
        this.#sumList = undefined;
      }
      statistics[key] = { z, up, down };
      if (up > cu.h || down > cu.h) alarms.push(key);
    };
    const R = ref.size;
    const from = ref.start;
    if (this.#buf.length !== R) this.#buf = new Float64Array(R);
    const buf = this.#buf;
    const moments = this.#moments;
    const level = c.statistics.includes('level');
    const abs = c.statistics.includes('abs');
    const levelCusum = level ? this.#cusumOf(c.direction ?? 'both') : undefined;
    const absCusum = abs ? this.#cusumOf('up') : undefined;
    const features = this.#cusumFeatures;
    const keys = this.#keys(features);
    const rs = this.#refSums(ref);
    for (let j = 0; j < features.length; j++) {
      const m = s.features[features[j] as string];
      if (!m || m[0] === 0) continue;
      const zeros = ref.zeros[j] as number;
      const n = R - zeros;
      if (n < 2) continue;
      referenceMoments(
        ref.n[j] as Float64Array,
        ref.mean[j] as Float64Array,
        ref.v[j] as Float64Array,
        from,
        from + R,
        zeros === 0,
        n,
        ((rs.sum[j] as number) + (rs.comp[j] as number)) / n,
        level,
        abs,
        moments,
      );
      const centre = moments[0] as number;
      const sd = moments[1] as number;
      if (levelCusum) feed(keys.level[j] as string, sd > 0 ? (m[1] - centre) / sd : 0, levelCusum);
      if (absCusum) {
        const rMean = moments[2] as number;
        const rSd = moments[3] as number;
        feed(keys.abs[j] as string, rSd > 0 ? (Math.sqrt(m[2] + (m[1] - centre) ** 2) - rMean) / rSd : 0, absCusum);
      }
    }
    if (c.predictions && s.predictions > 0) {
      let n = 0;
      for (let i = from; i < from + R; i++)
        if ((ref.predictions[i] as number) > 0) buf[n++] = ref.confidence[i] as number;
      if (n >= 2) {
        const both = this.#cusumOf('both');
        const cm = meanSd(buf, 0, n);
        feed('confidence', cm.sd > 0 ? (s.confidence - cm.mean) / cm.sd : 0, both);
        const labels = [...this.#labels.keys()].sort();
        // with two labels one share is the other's complement: watch one
        for (const l of labels.length === 2 ? labels.slice(1) : labels) {
          const col = ref.shares.get(l) as Float64Array;
          n = 0;
          for (let i = from; i < from + R; i++) if ((ref.predictions[i] as number) > 0) buf[n++] = col[i] as number;
          const sh = meanSd(buf, 0, n);
          feed(`class:${l}`, sh.sd > 0 ? ((s.classes[l] ?? 0) - sh.mean) / sh.sd : 0, both);
        }
      }
    }
    return { scored: true, statistics, alarms, ...this.#summary(release) };
  }

  /** The CUSUM keys of the watched features (`f:level`, `f:abs`), built once. */
  #keys(features: readonly string[]): { level: string[]; abs: string[] } {
    if (!this.#keyCache || this.#keyCache.features !== features)
      this.#keyCache = {
        features,
        level: features.map((f) => `${f}:level`),
        abs: features.map((f) => `${f}:abs`),
      };
    return this.#keyCache;
  }
}

/**
 * One feature's reference figures over the `n` steps with values (n > 0, at least 2), given their centre (mean
 * of the step means, from the running sums): for 'level', the sd of the step means; for 'abs', mean and sd of
 * each step's RMS deviation from the centre. One pass over the reference per statistic (`dense`: every step counts,
 * so the abs loop skips the test); the abs values' variance from their sums shifted by the first value (no second
 * pass). out[1] is 0 without 'level'.
 * Writes [centre, sd, absMean, absSd] to `out`.
 */
function referenceMoments(
  cn: Float64Array,
  cm: Float64Array,
  cv: Float64Array,
  from: number,
  to: number,
  dense: boolean,
  n: number,
  centre: number,
  level: boolean,
  abs: boolean,
  out: Float64Array,
): void {
  if (abs) {
    // the first step with values gives the shift (its dx is 0: adding it would change no sum), the loop the rest
    let i = from;
    if (!dense) while (i < to && (cn[i] as number) <= 0) i++;
    const shift = Math.sqrt((cv[i] as number) + ((cm[i] as number) - centre) ** 2);
    let absSum = shift;
    let s1 = 0;
    let s2 = 0;
    for (i++; i < to; i++) {
      if (!dense && (cn[i] as number) <= 0) continue;
      const x = Math.sqrt((cv[i] as number) + ((cm[i] as number) - centre) ** 2);
      absSum += x;
      const dx = x - shift;
      s1 += dx;
      s2 += dx * dx;
    }
    out[2] = absSum / n;
    out[3] = Math.sqrt(Math.max(0, s2 - (s1 * s1) / n) / (n - 1));
  }
  let dev = 0;
  // the step means' spread, which only 'level' reads (a loop of its own: the abs loop is the hot one)
  if (level) for (let i = from; i < to; i++) if ((cn[i] as number) > 0) dev += ((cm[i] as number) - centre) ** 2;
  out[0] = centre;
  out[1] = Math.sqrt(dev / (n - 1));
}

function stepStats(o: OpenStep): StepStats {
  // a copy of the values object (same keys, same order), whose slots are replaced: no object grown key by key
  const features = { ...o.values } as unknown as Record<string, FeatureMoments>;
  for (const f in features) {
    const v = o.values[f] as number[];
    const { mean, sd } = meanSd(v);
    features[f] = v.length ? [v.length, mean, v.length > 1 ? (sd * sd * (v.length - 1)) / v.length : 0] : [0, 0, 0];
  }
  // predictions without a label (a baseline given without them) count as no prediction
  const classes: Record<string, number> = {};
  let n = 0;
  let conf = 0;
  for (const [label, c] of o.predictions) {
    if (Number.isNaN(label)) continue;
    const k = String(label);
    classes[k] = (classes[k] ?? 0) + 1;
    conf += c;
    n++;
  }
  for (const l in classes) classes[l] = (classes[l] as number) / n;
  return { n: o.predictions.length, predictions: n, features, confidence: n ? conf / n : 0, classes };
}
