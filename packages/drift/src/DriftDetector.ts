import { type Issue, VigilError, describeValue, throwIfIssues } from '@vigil/core';
import { type ReplayCalibration, calibrateByReplay, designEffectThreshold, minCalibrationSteps } from './calibrate.js';
import { type FeatureInput, toColumns } from './featureInput.js';
import {
  type MixBaseline,
  type MixDesignEffects,
  type PredictionBaseline,
  type PredictionSample,
  type PredictionWindow,
  mixBaseline,
  mixDesignEffects,
  type PredictionDriftResult,
  predictionBaseline,
  type RegimeDriftResult,
  predictionDrift,
  regimeDrift,
} from './mixDrift.js';
import { lag1Autocorrelation } from './stats/autocorrelation.js';
import { type Correction, adjustPValues } from './stats/correction.js';
import { SortedSample } from './stats/SortedSample.js';
import { ksPValue, ksStatistic } from './stats/ks.js';
import { monitorKsMethod } from './stats/monitorKsMethod.js';
import { ksFalseAlarmRate, ksNoiseLevel } from './stats/noise.js';
import { TRANSFORMS, type Transform, applyTransform } from './stats/transforms.js';

export interface DriftDetectorOptions {
  /** Samples per comparison window (spec default 100). */
  readonly windowSize?: number;
  /** KS statistic a feature must exceed to count as drifted (spec default 0.15). */
  readonly alertThreshold?: number;
  /** Significance level for the corrected p-values (default 0.05). */
  readonly alpha?: number;
  /** Multiple-testing correction across features (default 'holm'). */
  readonly correction?: Correction;
  /** Per-feature transforms applied to baseline and window alike (default 'none'). */
  readonly transforms?: Readonly<Record<string, Transform>>;
  /** Feature names for row input (default f0, f1, ...). */
  readonly featureNames?: readonly string[];
  /** Smallest window accepted, after transforms (default 5). */
  readonly minWindowSize?: number;
  /** Warn when a feature's baseline lag-1 autocorrelation exceeds this (default 0.3). */
  readonly autocorrelationWarning?: number;
  /** Warn when the null false-alarm rate of the threshold across features exceeds this (default 0.05). */
  readonly noiseWarningRate?: number;
}

export interface FeatureDriftDetail {
  readonly feature: string;
  readonly index: number;
  readonly transform: Transform;
  readonly statistic: number;
  readonly pValue: number;
  readonly correctedPValue: number;
  readonly threshold: number;
  readonly drifted: boolean;
  /**
   * The test cannot flag this feature at the configured rate: its calibrated threshold exceeds 1, the largest D
   * there is (its design effect leaves too few effective values in a window this size). Never drifted.
   */
  readonly untestable: boolean;
}

export interface FeatureDriftResult {
  readonly driftDetected: boolean;
  /** The largest per-feature KS statistic (the spec's `ks_statistic` and `max_drift`). */
  readonly ksStatistic: number;
  readonly maxDrift: number;
  /** Indices (in baseline feature order) of drifted features, as the spec; names beside them. */
  readonly driftedFeatures: number[];
  readonly driftedFeatureNames: string[];
  /** Features the check cannot flag (see `FeatureDriftDetail.untestable`). */
  readonly untestableFeatureNames: string[];
  readonly features: FeatureDriftDetail[];
  /** 'calibrated' when replay-calibrated thresholds decide, else 'threshold+pvalue'. */
  readonly rule: 'calibrated' | 'threshold+pvalue';
  readonly windowSize: number;
}

export interface BaselineInput {
  readonly features: FeatureInput;
  readonly regimes?: readonly string[];
  readonly predictions?: readonly PredictionSample[];
}

interface FeatureBaseline {
  readonly series: Float64Array;
  /** Sorted once, with a bucket index, so checks never re-sort or merge the whole baseline. */
  readonly sorted: SortedSample;
}

/**
 * The spec's DriftDetector: feature drift by per-feature two-sample KS (after optional transforms,
 * with Holm/BH correction or replay-calibrated thresholds), regime drift by chi-square plus total
 * variation, prediction drift by class mix and confidence KS. Baselines are kept sorted, so a
 * check sorts only the window.
 */
export class DriftDetector {
  readonly windowSize: number;
  readonly alertThreshold: number;
  readonly alpha: number;
  readonly correction: Correction;
  readonly minWindowSize: number;
  readonly #o: DriftDetectorOptions;
  #names: string[] | undefined;
  #features = new Map<string, FeatureBaseline>();
  #regimes: string[] | undefined;
  #predictions: PredictionSample[] | undefined;
  /** The regime and prediction baselines counted and sorted once, on the first check after setBaseline. */
  #regimeBase: MixBaseline<string> | undefined;
  #predictionBase: PredictionBaseline | undefined;
  #baselineSize: number | undefined;
  #calibration: ReplayCalibration | undefined;
  #mix: MixDesignEffects = {};
  #warnings: string[] | undefined;

  constructor(options: DriftDetectorOptions = {}) {
    const issues: Issue[] = [];
    const o = options;
    const int = (k: keyof DriftDetectorOptions, v: unknown, min: number) => {
      if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min))
        issues.push({ path: k, message: `must be an integer >= ${min}, got ${describeValue(v)}`, value: v });
    };
    const frac = (k: keyof DriftDetectorOptions, v: unknown) => {
      if (v !== undefined && !(typeof v === 'number' && v > 0 && v <= 1))
        issues.push({ path: k, message: `must be a number in (0, 1], got ${describeValue(v)}`, value: v });
    };
    int('windowSize', o.windowSize, 2);
    int('minWindowSize', o.minWindowSize, 2);
    frac('alertThreshold', o.alertThreshold);
    frac('alpha', o.alpha);
    if (o.correction !== undefined && !['holm', 'bh', 'none'].includes(o.correction))
      issues.push({
        path: 'correction',
        message: `must be 'holm', 'bh' or 'none', got ${describeValue(o.correction)}`,
        value: o.correction,
      });
    for (const [k, t] of Object.entries(o.transforms ?? {}))
      if (!TRANSFORMS.includes(t))
        issues.push({
          path: `transforms.${k}`,
          message: `must be one of ${TRANSFORMS.join(', ')}, got ${describeValue(t)}`,
          value: t,
        });
    throwIfIssues('drift detector options', issues);
    this.#o = o;
    this.windowSize = o.windowSize ?? 100;
    this.alertThreshold = o.alertThreshold ?? 0.15;
    this.alpha = o.alpha ?? 0.05;
    this.correction = o.correction ?? 'holm';
    this.minWindowSize = o.minWindowSize ?? 5;
    this.#names = o.featureNames ? [...o.featureNames] : undefined;
  }

  transformOf(name: string): Transform {
    return this.#o.transforms?.[name] ?? 'none';
  }

  get featureNames(): readonly string[] {
    return this.#names ?? [];
  }
  get hasBaseline(): boolean {
    return this.#features.size > 0;
  }
  get baselineSize(): number {
    // read by every check's details: counted once per baseline
    this.#baselineSize ??= Math.min(...[...this.#features.values()].map((f) => f.series.length));
    return this.#baselineSize;
  }
  /** Configuration warnings (autocorrelated features, thresholds below the noise level of D). */
  get warnings(): readonly string[] {
    if (!this.#warnings) this.#warnings = this.hasBaseline ? this.#configurationWarnings() : [];
    return this.#warnings;
  }
  get calibration(): ReplayCalibration | undefined {
    return this.#calibration;
  }
  /** The threshold a feature is judged against: calibrated (for a window of `windowSize` values), else `alertThreshold`. */
  thresholdOf(name: string, windowSize?: number): number {
    const c = this.#calibration;
    const deff = c?.designEffects?.[name];
    if (c && deff !== undefined && c.featureRate !== undefined && windowSize !== undefined) {
      const base = this.#features.get(name)?.series.length ?? 0;
      return designEffectThreshold(deff, c.featureRate, windowSize, base);
    }
    return c?.thresholds[name] ?? this.alertThreshold;
  }
  /** The sorted, transformed baseline of one feature (read-only view for callers that cache). */
  sortedBaseline(name: string): Float64Array | undefined {
    return this.#features.get(name)?.sorted.values;
  }

  /** Stores the baseline distributions; validates everything before replacing anything. */
  setBaseline(input: BaselineInput): void {
    const issues: Issue[] = [];
    const cols = toColumns(input.features, this.#o.featureNames, 'baseline.features', issues);
    if (cols.size === 0 && issues.length === 0)
      issues.push({ path: 'baseline.features', message: 'must hold at least one feature', value: 0 });
    const built = new Map<string, FeatureBaseline>();
    for (const [name, col] of cols) {
      const t = this.transformOf(name);
      const series = applyTransform(col, t, `baseline.features.${name}`, issues);
      if (series.length < this.minWindowSize)
        issues.push({
          path: `baseline.features.${name}`,
          message: `has ${series.length} values after transform '${t}'; at least ${this.minWindowSize} needed`,
          value: series.length,
        });
      built.set(name, { series, sorted: SortedSample.fromUnsorted(series) });
    }
    if (input.regimes !== undefined) {
      if (!Array.isArray(input.regimes) || input.regimes.length === 0)
        issues.push({
          path: 'baseline.regimes',
          message: 'must be a non-empty array of regime names',
          value: input.regimes,
        });
      else
        input.regimes.forEach((r, i) => {
          if (typeof r !== 'string')
            issues.push({
              path: `baseline.regimes[${i}]`,
              message: `must be a string, got ${describeValue(r)}`,
              value: r,
            });
        });
    }
    if (input.predictions !== undefined) checkPredictions(input.predictions, 'baseline.predictions', issues);
    throwIfIssues('drift baseline', issues);
    this.#names = [...built.keys()];
    this.#features = built;
    this.#regimes = input.regimes ? [...input.regimes] : undefined;
    this.#predictions = input.predictions ? [...input.predictions] : undefined;
    this.#regimeBase = undefined;
    this.#predictionBase = undefined;
    this.#baselineSize = undefined;
    this.#calibration = undefined;
    this.#mix = {};
    this.#warnings = undefined; // computed on first read: the noise level costs a bisection
  }

  #configurationWarnings(): string[] {
    const out: string[] = [];
    const limit = this.#o.autocorrelationWarning ?? 0.3;
    for (const [name, f] of this.#features) {
      const r = lag1Autocorrelation(f.series);
      if (r > limit) {
        out.push(
          `feature '${name}' has lag-1 autocorrelation ${r.toFixed(2)} in the baseline (transform '${this.transformOf(name)}'): KS p-values assume independent samples and will be far too small; use a 'diff'/'log_return' transform or calibrate thresholds`,
        );
      }
    }
    const n = this.baselineSize;
    const rate = ksFalseAlarmRate(this.alertThreshold, this.windowSize, n, this.#features.size);
    if (rate.any > (this.#o.noiseWarningRate ?? 0.05)) {
      out.push(
        `alertThreshold ${this.alertThreshold} is below the noise level of D for window ${this.windowSize} vs baseline ${n} (5% level ${ksNoiseLevel(this.windowSize, n).toFixed(3)}): on ${this.#features.size} independent unchanged features it alone would fire on ${(100 * rate.any).toFixed(1)}% of windows`,
      );
    }
    return out;
  }

  /**
   * Sets per-feature thresholds from the baseline's own history: windows of whole steps replayed inside it give
   * each feature's design effect, and the thresholds make the family of features alarm at `targetRate` (e.g.
   * 0.01) on baseline-like windows; afterwards the thresholds alone decide feature drift. `stepCounts` (values
   * per baseline step, per feature) and `windowSteps` replay step-aligned windows; without, each value is a step.
   */
  calibrate(
    targetRate: number,
    options: {
      windowSize?: number;
      maxReplays?: number;
      stepCounts?: ReadonlyMap<string, ArrayLike<number>>;
      windowSteps?: number;
    } = {},
  ): ReplayCalibration {
    if (!this.hasBaseline)
      throw new VigilError('VIGIL_INSUFFICIENT_DATA', 'calibrate needs a baseline; call setBaseline first');
    if (!(targetRate > 0 && targetRate < 1))
      throw new VigilError('VIGIL_INVALID_INPUT', `targetRate must be in (0, 1), got ${describeValue(targetRate)}`);
    const stepped = options.stepCounts !== undefined && options.windowSteps !== undefined;
    const raw = options.windowSize ?? this.windowSize;
    const lost = Math.max(...this.featureNames.map((n) => (this.transformOf(n) === 'none' ? 0 : 1)));
    const w = stepped ? (options.windowSteps as number) : raw - lost;
    const steps = stepped
      ? Math.min(...[...(options.stepCounts as ReadonlyMap<string, ArrayLike<number>>).values()].map((c) => c.length))
      : this.baselineSize;
    // forward replays run in the baseline's second half: without room for one window there, no design effect
    if ((!stepped && w < this.minWindowSize) || w < 1 || steps < minCalibrationSteps(w)) {
      throw new VigilError(
        'VIGIL_INSUFFICIENT_DATA',
        stepped
          ? `cannot replay windows of ${w} steps inside a baseline of ${steps} steps (at least ${minCalibrationSteps(w)} needed)`
          : `cannot replay windows of ${w} values inside a baseline of ${this.baselineSize} (at least ${minCalibrationSteps(w)} needed)`,
      );
    }
    const series = new Map([...this.#features].map(([k, f]) => [k, f.series]));
    const windowValues = stepped ? Math.ceil((w * this.baselineSize) / steps) : w;
    // bound the work: a replay sorts its window and merges the steps before it into the growing reference
    const budget = Math.max(20, Math.floor(1e8 / ((windowValues + this.baselineSize) * this.#features.size)));
    this.#calibration = calibrateByReplay({
      series,
      windowSteps: w,
      targetRate,
      maxReplays: Math.min(options.maxReplays ?? 400, budget),
      ...(stepped ? { stepCounts: options.stepCounts } : {}),
    });
    return this.#calibration;
  }

  /**
   * Design effects of the regime mix, class mix and confidence from windows of `windowSteps` whole steps replayed
   * inside the baseline (`counts`: records per baseline step, in the order regimes and predictions were given).
   */
  calibrateMix(counts: readonly number[], windowSteps: number): MixDesignEffects {
    this.#mix = mixDesignEffects(counts, windowSteps, this.#regimes, this.#predictions);
    return this.#mix;
  }
  get mixDesignEffects(): MixDesignEffects {
    return this.#mix;
  }

  /** Restores thresholds computed earlier (e.g. loaded from storage). */
  setCalibration(c: ReplayCalibration | undefined): void {
    this.#calibration = c;
  }

  detectFeatureDrift(window: FeatureInput): FeatureDriftResult {
    if (!this.hasBaseline)
      throw new VigilError('VIGIL_INSUFFICIENT_DATA', 'no feature baseline; call setBaseline first');
    const issues: Issue[] = [];
    const names = this.#names as string[];
    const cols = toColumns(window, names, 'window', issues);
    const transformed = new Map<string, Float64Array>();
    for (const [name, col] of cols) {
      const t = applyTransform(col, this.transformOf(name), `window.${name}`, issues);
      if (t.length < this.minWindowSize)
        issues.push({
          path: `window.${name}`,
          message: `has ${t.length} values after transform '${this.transformOf(name)}'; the minimum window is ${this.minWindowSize}`,
          value: t.length,
        });
      transformed.set(name, t);
    }
    throwIfIssues('drift window', issues);
    return this.featureDriftOnTransformed(transformed);
  }

  /** Feature drift on already-transformed, validated window columns (the plugin's fast path). */
  featureDriftOnTransformed(window: ReadonlyMap<string, Float64Array>): FeatureDriftResult {
    const names = this.#names as string[];
    const raw = names.map((name) => {
      const w = window.get(name) as Float64Array;
      const base = (this.#features.get(name) as FeatureBaseline).sorted;
      return ksPValue(
        ksStatistic(base.extremesAgainstUnsorted(w)),
        base.length,
        w.length,
        'two-sided',
        monitorKsMethod(base.length, w.length),
      );
    });
    const corrected = adjustPValues(
      raw.map((r) => r.pValue),
      this.correction,
    );
    const calibrated = this.#calibration !== undefined;
    const features = names.map((feature, index): FeatureDriftDetail => {
      const r = raw[index] as (typeof raw)[number];
      const threshold = this.thresholdOf(feature, (window.get(feature) as Float64Array).length);
      const cp = corrected[index] as number;
      const untestable = threshold > 1;
      const drifted = calibrated ? r.statistic > threshold : r.statistic > threshold && cp < this.alpha;
      return {
        feature,
        index,
        transform: this.transformOf(feature),
        statistic: r.statistic,
        pValue: r.pValue,
        correctedPValue: cp,
        threshold,
        drifted,
        untestable,
      };
    });
    const drifted = features.filter((f) => f.drifted);
    const max = Math.max(...features.map((f) => f.statistic));
    return {
      driftDetected: drifted.length > 0,
      ksStatistic: max,
      maxDrift: max,
      driftedFeatures: drifted.map((f) => f.index),
      driftedFeatureNames: drifted.map((f) => f.feature),
      untestableFeatureNames: features.filter((f) => f.untestable).map((f) => f.feature),
      features,
      rule: calibrated ? 'calibrated' : 'threshold+pvalue',
      windowSize: Math.min(...[...window.values()].map((w) => w.length)),
    };
  }

  detectRegimeDrift(regimes: readonly string[]): RegimeDriftResult {
    if (!this.#regimes)
      throw new VigilError('VIGIL_INSUFFICIENT_DATA', 'no regime baseline; pass regimes to setBaseline');
    this.#regimeBase ??= mixBaseline(this.#regimes);
    return regimeDrift(this.#regimeBase, regimes, {
      alpha: this.alpha,
      threshold: this.alertThreshold,
      minWindowSize: this.minWindowSize,
      ...(this.#mix.regimes !== undefined ? { designEffect: this.#mix.regimes } : {}),
    });
  }

  /** Prediction drift of a window given as { label, confidence } samples, or as columns (the monitor's checks). */
  detectPredictionDrift(predictions: readonly PredictionSample[] | PredictionWindow): PredictionDriftResult {
    if (!this.#predictions)
      throw new VigilError('VIGIL_INSUFFICIENT_DATA', 'no prediction baseline; pass predictions to setBaseline');
    const issues: Issue[] = [];
    const columns = !Array.isArray(predictions) && predictions !== null && typeof predictions === 'object';
    if (columns) checkPredictionWindow(predictions as PredictionWindow, 'predictions', issues);
    else checkPredictions(predictions as readonly PredictionSample[], 'predictions', issues);
    const n = columns ? (predictions as PredictionWindow).labels.length : (predictions as PredictionSample[]).length;
    if (issues.length === 0 && n < this.minWindowSize)
      issues.push({
        path: 'predictions',
        message: `has ${n} predictions; the minimum window is ${this.minWindowSize}`,
        value: n,
      });
    throwIfIssues('prediction window', issues);
    this.#predictionBase ??= predictionBaseline(this.#predictions);
    return predictionDrift(this.#predictionBase, predictions, {
      alpha: this.alpha,
      threshold: this.alertThreshold,
      designEffects: this.#mix,
    });
  }
}

function checkPredictionWindow(p: PredictionWindow, path: string, issues: Issue[]): void {
  const { labels, confidences } = p;
  if (!Array.isArray(labels) || !(confidences instanceof Float64Array) || labels.length !== confidences.length) {
    issues.push({
      path,
      message: 'must be { labels: number[], confidences: Float64Array } of equal lengths',
      value: { labels: describeValue(labels), confidences: describeValue(confidences) },
    });
    return;
  }
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    const confidence = confidences[i] as number;
    if (typeof label !== 'number' || !Number.isFinite(label)) {
      issues.push({
        path: `${path}.labels[${i}]`,
        message: `must be a finite number, got ${describeValue(label)}`,
        value: label,
      });
      return;
    }
    if (!(confidence >= 0 && confidence <= 1)) {
      issues.push({
        path: `${path}.confidences[${i}]`,
        message: `must be a number in [0, 1], got ${describeValue(confidence)}`,
        value: confidence,
      });
      return;
    }
  }
}

function checkPredictions(p: readonly PredictionSample[], path: string, issues: Issue[]): void {
  if (!Array.isArray(p) || p.length === 0) {
    issues.push({ path, message: 'must be a non-empty array of { label, confidence }', value: p });
    return;
  }
  p.forEach((x, i) => {
    if (typeof x?.label !== 'number' || !Number.isFinite(x.label))
      issues.push({
        path: `${path}[${i}].label`,
        message: `must be a finite number, got ${describeValue(x?.label)}`,
        value: x?.label,
      });
    if (typeof x?.confidence !== 'number' || !(x.confidence >= 0 && x.confidence <= 1))
      issues.push({
        path: `${path}[${i}].confidence`,
        message: `must be a number in [0, 1], got ${describeValue(x?.confidence)}`,
        value: x?.confidence,
      });
  });
}
