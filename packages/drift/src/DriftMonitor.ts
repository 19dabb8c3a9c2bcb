import { type Clock, type Issue, type Logger, type PredictionLog, type PredictionRecord, type Transactor, type TxContext, VigilError, bulkInsert, describeValue, throwIfIssues } from '@vigil/core';
import type { DataSource } from 'typeorm';
import { type BaselineInput, DriftDetector, type FeatureDriftResult } from './DriftDetector.js';
import type { DriftEvents } from './DriftEvents.js';
import { RollingList, RollingWindow } from './RollingWindow.js';
import { type RecentObservation, type StoredBaseline, loadBaseline, saveBaseline } from './baselineStore.js';
import type { DriftOptions } from './config.js';
import { DRIFT_MONITORING_TABLE } from './entities/DriftMonitoring.js';
import { toColumns } from './featureInput.js';
import type { PredictionSample, RegimeDriftResult } from './mixDrift.js';
import { applyTransform } from './stats/transforms.js';

type Obs = Pick<PredictionRecord, 'timestamp' | 'regime' | 'features' | 'predictedLabel' | 'confidence'>;

interface CheckRow {
  timestamp: string;
  type: 'feature' | 'regime' | 'prediction' | 'cusum';
  statistic: number | null;
  detected: boolean;
  details: Record<string, unknown>;
}

/**
 * The plugin's running state: the detector over the stored baseline, rolling windows of the
 * latest observations, and the check cadence. Hooks compute and write inside the host's
 * transaction and change memory only after it commits.
 */
export class DriftMonitor {
  #detector: DriftDetector | undefined;
  #windows = new Map<string, RollingWindow>();
  #regimes: RollingList<string>;
  #predictions: RollingList<PredictionSample>;
  #sinceCheck = 0;
  #pending: Obs[] = [];
  #cusum = new Map<string, CusumTrack>();
  #lastFeature: FeatureDriftResult | undefined;
  readonly checkEvery: number;

  constructor(
    private readonly deps: { dataSource: DataSource; transactor: Transactor; log: PredictionLog; clock: Clock; logger: Logger; events: DriftEvents; options: DriftOptions },
  ) {
    const o = deps.options;
    this.checkEvery = o.checkEvery ?? Math.min(o.windowSize, 10);
    this.#regimes = new RollingList(o.windowSize);
    this.#predictions = new RollingList(o.windowSize);
  }

  get detector(): DriftDetector | undefined {
    return this.#detector;
  }
  get lastFeatureCheck(): FeatureDriftResult | undefined {
    return this.#lastFeature;
  }
  get windowFill(): number {
    return Math.min(...[...this.#windows.values()].map((w) => w.size), this.deps.options.windowSize);
  }

  #newDetector(names: readonly string[]): DriftDetector {
    const o = this.deps.options;
    return new DriftDetector({ windowSize: o.windowSize, alertThreshold: o.alertThreshold, alpha: o.alpha, correction: o.correction, transforms: o.transforms, minWindowSize: o.minWindowSize, featureNames: names });
  }

  /** Builds a detector (validated, calibrated) from a baseline without touching current state. */
  #prepare(b: StoredBaseline): DriftDetector {
    const d = this.#newDetector([...b.features.keys()]);
    d.setBaseline({ features: Object.fromEntries(b.features), ...(b.regimes ? { regimes: b.regimes } : {}), ...(b.predictions ? { predictions: b.predictions } : {}) });
    const cal = this.deps.options.calibration;
    if (b.calibration) d.setCalibration(b.calibration);
    else if (cal) {
      try {
        const c = d.calibrate(cal.targetFalseAlarmRate, { maxReplays: cal.maxReplays });
        if (c.inSampleRate === 0) {
          this.deps.logger.warn('drift calibration is coarser than its target: thresholds sit at the largest replayed D', { replays: c.replays, features: d.featureNames.length, target: c.targetRate });
        }
      } catch (e) {
        this.deps.logger.warn('drift calibration skipped', { reason: (e as Error).message });
      }
    }
    for (const w of d.warnings) this.deps.logger.warn(w);
    return d;
  }

  #install(d: DriftDetector, raw: ReadonlyMap<string, Float64Array>): void {
    this.#detector = d;
    this.#windows = new Map(d.featureNames.map((n) => [n, new RollingWindow(this.deps.options.windowSize)]));
    this.#sinceCheck = 0;
    this.#cusum = new Map();
    const c = this.deps.options.cusum;
    if (c) {
      for (const name of c.features ?? d.featureNames) {
        const raw0 = raw.get(name);
        if (raw0) this.#cusum.set(name, cusumTrack(applyTransform(raw0, d.transformOf(name), name, []), c.statistic));
      }
    }
  }

  /** start(): the stored baseline, then the latest observations from the prediction log. */
  async load(): Promise<void> {
    const stored = await loadBaseline(this.deps.dataSource.manager);
    const o = this.deps.options;
    if (stored) {
      this.#install(this.#prepare(stored), stored.features);
      this.#applyBatch(await this.#recent(o.windowSize));
      this.#sinceCheck = 0;
    } else if (o.autoBaseline) {
      this.#pending = await this.#recent(o.baselineSize - 1);
    }
  }

  async #recent(limit: number): Promise<RecentObservation[]> {
    return (await this.deps.log.recent(limit)).map(({ timestamp, regime, features, predictedLabel, confidence }) => ({ timestamp, regime, features, predictedLabel, confidence }));
  }

  /** Sets (and persists) the baseline explicitly; validated and calibrated before anything is written. */
  async setBaseline(input: BaselineInput & { readonly features: Readonly<Record<string, ArrayLike<number>>> }): Promise<DriftDetector> {
    const issues: Issue[] = [];
    const raw = toColumns(input.features, undefined, 'baseline.features', issues);
    throwIfIssues('drift baseline', issues);
    const stored: StoredBaseline = { features: raw, regimes: input.regimes ? [...input.regimes] : undefined, predictions: input.predictions ? [...input.predictions] : undefined, calibration: undefined };
    const d = this.#prepare(stored);
    const now = this.deps.clock.now().toISOString();
    await this.deps.transactor.run(async (tx) => {
      await saveBaseline(tx.manager, { ...stored, calibration: d.calibration }, now);
      tx.afterCommit(() => this.#install(d, raw));
    });
    return d;
  }


  /** Checks a batch's features against the monitored set before anything is computed. */
  #validate(records: readonly Obs[], names: readonly string[]): void {
    const issues: Issue[] = [];
    const strict = this.deps.options.features === undefined;
    const known = new Set(names);
    records.forEach((r, i) => {
      let present = 0;
      for (const n of names) {
        const v = r.features[n];
        if (typeof v === 'number' && Number.isFinite(v)) present++;
        else issues.push({ path: `records[${i}].features.${n}`, message: v === undefined ? 'is missing (a monitored drift feature)' : `must be a finite number, got ${describeValue(v)}`, value: v });
      }
      if (!strict) return;
      // hot path: a record holding exactly the monitored features has no unknown one to look for
      const keys = Object.keys(r.features);
      if (keys.length > present) for (const k of keys) if (!known.has(k)) issues.push({ path: `records[${i}].features.${k}`, message: `is not a baseline feature; known features: ${names.join(', ')}`, value: k });
    });
    throwIfIssues('observations for drift', issues);
  }

  /** The observe hook. */
  async observe(records: readonly Obs[], tx: TxContext): Promise<void> {
    if (records.length === 0) return;
    if (!this.#detector) return this.#collectBaseline(records, tx);
    const names = this.#detector.featureNames;
    this.#validate(records, names);
    const n = records.length;
    const batch = new Map(names.map((name) => [name, Float64Array.from(records, (r) => r.features[name] as number)]));
    const rows: CheckRow[] = [];
    let lastFeature: FeatureDriftResult | undefined;
    const c = this.deps.options.cusum;
    const cusum = new Map([...this.#cusum].map(([k, v]) => [k, { ...v }]));
    const cusumSeries = new Map(
      [...cusum.keys()].map((name) => [name, applyTransform((this.#windows.get(name) as RollingWindow).valuesWith(batch.get(name)).slice(-n - 1), this.#detector?.transformOf(name) ?? 'none', name, [])]),
    );
    // A batch observed at once is one tick for the window checks: only its last
    // `maxChecksPerBatch` check points run (CUSUM still sees every record), so a 10,000-record
    // batch costs one check, not a thousand overlapping ones nobody sees separately.
    const due = Math.floor((this.#sinceCheck + n) / this.checkEvery);
    const skip = Math.max(0, due - this.deps.options.maxChecksPerBatch);
    const firstCheckAt = skip === 0 ? 0 : (skip + 1) * this.checkEvery - this.#sinceCheck;
    for (let i = 0; i < n; i++) {
      const rec = records[i] as Obs;
      if (c) {
        for (const [name, st] of cusum) {
          const series = cusumSeries.get(name) as Float64Array;
          const x = series[series.length - n + i];
          if (x === undefined) continue;
          const z = c.statistic === 'abs' ? (Math.abs(x - st.mean) - st.absMean) / st.absSd : (x - st.mean) / st.sd;
          st.up = c.direction === 'down' ? 0 : Math.max(0, st.up + z - c.k);
          st.down = c.direction === 'up' ? 0 : Math.max(0, st.down - z - c.k);
          if (st.up > c.h || st.down > c.h) {
            rows.push({ timestamp: rec.timestamp, type: 'cusum', statistic: Math.max(st.up, st.down), detected: true, details: { drift_detected: true, feature: name, statistic: c.statistic, up: st.up, down: st.down, k: c.k, h: c.h } });
            st.up = 0;
            st.down = 0;
          }
        }
      }
      if ((this.#sinceCheck + i + 1) % this.checkEvery !== 0 || i + 1 < firstCheckAt) continue;
      const res = this.#check(batch, records, i + 1);
      if (res) {
        rows.push(...res.rows);
        lastFeature = res.feature ?? lastFeature;
      }
    }
    if (rows.length) await this.#writeRows(tx, rows);
    tx.afterCommit(() => {
      this.#applyBatch(records);
      this.#sinceCheck = (this.#sinceCheck + n) % this.checkEvery;
      this.#cusum = cusum;
      if (lastFeature) this.#lastFeature = lastFeature;
      this.#announce(rows);
    });
  }

  /** One check on the window ending at batch[upto - 1]; undefined while the window is not yet full. */
  #check(batch: ReadonlyMap<string, Float64Array>, records: readonly Obs[], upto: number): { rows: CheckRow[]; feature?: FeatureDriftResult } | undefined {
    const d = this.#detector as DriftDetector;
    const o = this.deps.options;
    const issues: Issue[] = [];
    const transformed = new Map<string, Float64Array>();
    for (const name of d.featureNames) {
      const raw = (this.#windows.get(name) as RollingWindow).valuesWith((batch.get(name) as Float64Array).subarray(0, upto));
      if (raw.length < o.windowSize) return undefined;
      transformed.set(name, applyTransform(raw, d.transformOf(name), `window.${name}`, issues));
    }
    throwIfIssues('drift window', issues);
    const ts = (records[upto - 1] as Obs).timestamp;
    const feature = d.featureDriftOnTransformed(transformed);
    const rows: CheckRow[] = [{ timestamp: ts, type: 'feature', statistic: feature.ksStatistic, detected: feature.driftDetected, details: featureDetails(feature, d) }];
    // Only the last windowSize records can be in the window: never copy the batch prefix (quadratic in the batch size).
    const slice = records.slice(Math.max(0, upto - o.windowSize), upto);
    try {
      const regimes = this.#regimes.valuesWith(slice.map((r) => r.regime));
      const r = d.detectRegimeDrift(regimes);
      rows.push({ timestamp: ts, type: 'regime', statistic: r.distributionChange, detected: r.driftDetected, details: regimeDetails(r) });
    } catch (e) {
      if (!(e instanceof VigilError && e.code === 'VIGIL_INSUFFICIENT_DATA')) throw e;
    }
    try {
      const p = d.detectPredictionDrift(this.#predictions.valuesWith(slice.map((r) => ({ label: r.predictedLabel, confidence: r.confidence }))));
      rows.push({
        timestamp: ts,
        type: 'prediction',
        statistic: p.predictionShift,
        detected: p.driftDetected,
        details: { drift_detected: p.driftDetected, prediction_shift: p.predictionShift, avg_confidence_change: p.avgConfidenceChange, class_mix: p.classMix, confidence: p.confidence },
      });
    } catch (e) {
      if (!(e instanceof VigilError && e.code === 'VIGIL_INSUFFICIENT_DATA')) throw e;
    }
    return { rows, feature };
  }

  async #writeRows(tx: TxContext, rows: readonly CheckRow[]): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    await bulkInsert(
      tx.manager,
      DRIFT_MONITORING_TABLE,
      ['timestamp', 'drift_type', 'ks_statistic', 'drift_detected', 'details_json', 'created_at'],
      rows.map((r) => [r.timestamp, r.type, r.statistic, r.detected ? 1 : 0, JSON.stringify(r.details), now]),
    );
  }

  #applyBatch(records: readonly Obs[]): void {
    for (const [name, w] of this.#windows) for (const r of records) w.push(r.features[name] as number);
    this.#regimes.pushAll(records.map((r) => r.regime));
    this.#predictions.pushAll(records.map((r) => ({ label: r.predictedLabel, confidence: r.confidence })));
  }

  #announce(rows: readonly CheckRow[]): void {
    const retrainOn = this.deps.options.retrainOn;
    const byTime = new Map<string, CheckRow[]>();
    for (const r of rows) byTime.set(r.timestamp, [...(byTime.get(r.timestamp) ?? []), r]);
    for (const [timestamp, group] of byTime) {
      const feature = group.find((r) => r.type === 'feature');
      const reasons = [...new Set(group.filter((r) => r.detected).map((r) => r.type))];
      const driftScore = feature?.statistic ?? 0;
      this.deps.events.emit('check', { timestamp, driftDetected: reasons.length > 0, reasons, driftScore });
      const trigger = reasons.filter((r) => retrainOn.includes(r));
      if (trigger.length === 0) continue;
      const details = feature?.details as { drifted_feature_names?: string[] } | undefined;
      const regime = group.find((r) => r.type === 'regime')?.details as { regime_shift?: string } | undefined;
      this.deps.logger.warn('drift detected: retraining requested', { timestamp, reasons: trigger, driftScore, driftedFeatures: details?.drifted_feature_names ?? [] });
      this.deps.events.emit('retrainingRequested', {
        timestamp,
        reasons: trigger,
        driftScore,
        driftedFeatures: details?.drifted_feature_names ?? [],
        regimeShift: regime?.regime_shift,
        feature: this.#lastFeature,
      });
    }
  }

  /** Without a baseline: collect the first `baselineSize` observations and persist them as the baseline. */
  async #collectBaseline(records: readonly Obs[], tx: TxContext): Promise<void> {
    const o = this.deps.options;
    if (!o.autoBaseline) return;
    const all = [...this.#pending, ...records];
    const names = o.features ?? Object.keys((all[0] as Obs).features).sort();
    this.#validate(records, names);
    if (all.length < o.baselineSize) {
      tx.afterCommit(() => {
        this.#pending = all;
      });
      return;
    }
    const base = all.slice(0, o.baselineSize);
    const rest = all.slice(o.baselineSize);
    const raw = new Map(names.map((n) => [n, Float64Array.from(base, (r) => r.features[n] as number)]));
    const stored: StoredBaseline = { features: raw, regimes: base.map((r) => r.regime), predictions: base.map((r) => ({ label: r.predictedLabel, confidence: r.confidence })), calibration: undefined };
    const d = this.#prepare(stored);
    await saveBaseline(tx.manager, { ...stored, calibration: d.calibration }, this.deps.clock.now().toISOString());
    tx.afterCommit(() => {
      this.#pending = [];
      this.#install(d, raw);
      this.#applyBatch(rest);
      this.deps.logger.info('drift baseline collected', { observations: base.length, features: names.length, calibrated: d.calibration !== undefined });
    });
  }

  /** Feature drift of arbitrary samples (e.g. a candidate's validation features) against the baseline. */
  featureDriftOf(columns: Readonly<Record<string, ArrayLike<number>>>): FeatureDriftResult {
    if (!this.#detector) throw new VigilError('VIGIL_INSUFFICIENT_DATA', 'no drift baseline yet');
    return this.#detector.detectFeatureDrift(columns);
  }
}

interface CusumTrack {
  up: number;
  down: number;
  mean: number;
  sd: number;
  absMean: number;
  absSd: number;
}

function meanSd(x: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i] as number;
  m /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += ((x[i] as number) - m) ** 2;
  const sd = Math.sqrt(v / Math.max(1, x.length - 1));
  return [m, sd > 0 ? sd : 1];
}

/** The baseline figures a feature's CUSUM standardises by. */
function cusumTrack(series: Float64Array, _statistic: 'abs' | 'level'): CusumTrack {
  const [mean, sd] = meanSd(series);
  const [absMean, absSd] = meanSd(series.map((v) => Math.abs(v - mean)));
  return { up: 0, down: 0, mean, sd, absMean, absSd };
}

function featureDetails(f: FeatureDriftResult, d: DriftDetector): Record<string, unknown> {
  return {
    drift_detected: f.driftDetected,
    ks_statistic: f.ksStatistic,
    drifted_features: f.driftedFeatures,
    drifted_feature_names: f.driftedFeatureNames,
    max_drift: f.maxDrift,
    rule: f.rule,
    window_size: f.windowSize,
    alpha: d.alpha,
    correction: d.correction,
    calibration: d.calibration ? { target_rate: d.calibration.targetRate, in_sample_rate: d.calibration.inSampleRate, replays: d.calibration.replays } : null,
    features: f.features.map((x) => ({ name: x.feature, transform: x.transform, statistic: x.statistic, p_value: x.pValue, corrected_p_value: x.correctedPValue, threshold: x.threshold, drifted: x.drifted })),
  };
}

function regimeDetails(r: RegimeDriftResult): Record<string, unknown> {
  return { drift_detected: r.driftDetected, regime_shift: r.regimeShift, distribution_change: r.distributionChange, chi_square: r.chiSquare, p_value: r.pValue, baseline_mix: r.baselineMix, window_mix: r.windowMix, new_regimes: r.newRegimes };
}

export type { RecentObservation };
