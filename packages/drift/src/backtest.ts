import { type Issue, VigilError, describeValue, throwIfIssues } from '@vigil/core';
import { DriftDetector } from './DriftDetector.js';
import type { Correction } from './stats/correction.js';
import { applyTransform, type Transform } from './stats/transforms.js';

/** One dated observation of named features (time-ordered), with an optional regime. */
export interface HistoryRow {
  readonly date: string;
  readonly features: Readonly<Record<string, number>>;
  readonly regime?: string;
}

/** A KS feature-drift detector as DriftDetector runs it. */
export interface KsBacktestDetector {
  readonly kind: 'ks';
  readonly features: readonly string[];
  readonly transforms?: Readonly<Record<string, Transform>>;
  readonly windowSize: number;
  readonly alertThreshold: number;
  readonly alpha?: number;
  readonly correction?: Correction;
  /** Calibrate thresholds by replay inside each baseline to this false-alarm rate; recalibrated every `every` days (default 20). */
  readonly calibration?: { readonly targetFalseAlarmRate: number; readonly every?: number } | null;
}

/** A two-sided (or one-sided) CUSUM on one feature, standardised by the baseline. */
export interface CusumBacktestDetector {
  readonly kind: 'cusum';
  readonly feature: string;
  readonly transform?: Transform;
  readonly k: number;
  readonly h: number;
  readonly direction?: 'up' | 'down' | 'both';
  /** 'level' watches the value itself; 'abs' its absolute deviation from the baseline mean (a scale shift). */
  readonly statistic?: 'level' | 'abs';
}

/** Alarms when any of its detectors alarms. */
export interface AnyBacktestDetector {
  readonly kind: 'any';
  readonly detectors: readonly (KsBacktestDetector | CusumBacktestDetector)[];
}

export type BacktestDetector = KsBacktestDetector | CusumBacktestDetector | AnyBacktestDetector;

const featuresOf = (d: BacktestDetector): string[] => (d.kind === 'ks' ? [...d.features] : d.kind === 'cusum' ? [d.feature] : d.detectors.flatMap(featuresOf));
const historyNeeded = (d: BacktestDetector, B: number): number =>
  d.kind === 'ks' ? d.windowSize + B + 1 : d.kind === 'cusum' ? B + 2 : Math.max(...d.detectors.map((x) => historyNeeded(x, B)));

export interface Episode {
  readonly name: string;
  readonly start: string;
  readonly end: string;
}

export interface BacktestOptions {
  readonly rows: readonly HistoryRow[];
  readonly detector: BacktestDetector;
  /** Days of history in the (rolling) baseline that precedes each window. */
  readonly baselineSize: number;
  readonly episodes?: readonly Episode[];
  /** An episode counts as caught when the first alarm is at most this many trading days after its start (default 5). */
  readonly horizon?: number;
  /** Days before an episode's start and after its end that are neither calm nor episode (default 20). */
  readonly calmMargin?: number;
  /** Only report alarms from this date on (the first baseline needs history before it). */
  readonly from?: string;
  readonly to?: string;
}

export interface EpisodeOutcome {
  readonly name: string;
  readonly start: string;
  readonly firstAlarm: string | null;
  /** Trading days from the episode's first day to the first alarm on or after it (null: none before its end). */
  readonly delay: number | null;
  readonly caught: boolean;
}

export interface BacktestResult {
  readonly alarms: string[];
  readonly days: number;
  readonly calmDays: number;
  /** Share of calm days with an alarm. */
  readonly falseAlarmRate: number;
  /** Share of calm days followed by an alarm within `horizon` days: the hit rate luck alone gives. */
  readonly chanceLevel: number;
  readonly episodes: EpisodeOutcome[];
  readonly caught: number;
  readonly horizon: number;
  readonly calibration?: { readonly meanInSampleRate: number; readonly recalibrations: number };
}

function validate(o: BacktestOptions): void {
  const issues: Issue[] = [];
  if (!Array.isArray(o.rows) || o.rows.length === 0) issues.push({ path: 'rows', message: 'must be a non-empty array of dated rows', value: o.rows });
  const names = featuresOf(o.detector);
  o.rows?.forEach((r, i) => {
    if (i > 0 && !(r.date > (o.rows[i - 1] as HistoryRow).date)) issues.push({ path: `rows[${i}].date`, message: `must be after rows[${i - 1}].date (strictly increasing), got ${describeValue(r.date)}`, value: r.date });
    for (const n of names) {
      const v = r.features?.[n];
      if (typeof v !== 'number' || !Number.isFinite(v)) issues.push({ path: `rows[${i}].features.${n}`, message: `must be a finite number, got ${describeValue(v)}`, value: v });
    }
  });
  if (!(Number.isInteger(o.baselineSize) && o.baselineSize >= 10)) issues.push({ path: 'baselineSize', message: `must be an integer >= 10, got ${describeValue(o.baselineSize)}`, value: o.baselineSize });
  throwIfIssues('backtest input', issues);
}

/** Alarm flags per day, for each row index from `first` on. */
function ksAlarms(o: BacktestOptions, d: KsBacktestDetector, first: number): { alarms: boolean[]; inSample: number[] } {
  const { rows, baselineSize: B } = o;
  const w = d.windowSize;
  const cols = new Map(d.features.map((n) => [n, Float64Array.from(rows, (r) => r.features[n] as number)]));
  const alarms: boolean[] = [];
  const inSample: number[] = [];
  let calibration: ReturnType<DriftDetector['calibrate']> | undefined;
  let sinceCal = Number.POSITIVE_INFINITY;
  for (let t = first; t < rows.length; t++) {
    const det = new DriftDetector({ windowSize: w, alertThreshold: d.alertThreshold, alpha: d.alpha ?? 0.05, correction: d.correction ?? 'holm', transforms: d.transforms ?? {}, minWindowSize: 2 });
    // baseline: the B days before the window (one extra day so differencing transforms keep B values)
    const b0 = t - w + 1 - B - 1;
    const baseline = Object.fromEntries(d.features.map((n) => [n, (cols.get(n) as Float64Array).subarray(b0, t - w + 1)]));
    det.setBaseline({ features: baseline });
    if (d.calibration) {
      if (sinceCal >= (d.calibration.every ?? 20)) {
        calibration = det.calibrate(d.calibration.targetFalseAlarmRate);
        inSample.push(calibration.inSampleRate);
        sinceCal = 0;
      } else det.setCalibration(calibration);
      sinceCal++;
    }
    const window = Object.fromEntries(d.features.map((n) => [n, (cols.get(n) as Float64Array).subarray(t - w + 1 - (det.transformOf(n) === 'none' ? 0 : 1), t + 1)]));
    alarms.push(det.detectFeatureDrift(window).driftDetected);
  }
  return { alarms, inSample };
}

const meanSd = (x: Float64Array, start: number, end: number, f: (v: number) => number): [number, number] => {
  let mean = 0;
  for (let j = start; j < end; j++) mean += f(x[j] as number);
  mean /= end - start;
  let v = 0;
  for (let j = start; j < end; j++) v += (f(x[j] as number) - mean) ** 2;
  return [mean, Math.sqrt(v / Math.max(1, end - start - 1)) || 1];
};

/** Today's value x[end] standardised by the baseline x[start, end): the value, or its absolute deviation. */
function cusumScore(x: Float64Array, start: number, end: number, statistic: 'level' | 'abs'): number {
  const [m, sd] = meanSd(x, start, end, (v) => v);
  if (statistic === 'level') return ((x[end] as number) - m) / sd;
  const [am, asd] = meanSd(x, start, end, (v) => Math.abs(v - m));
  return (Math.abs((x[end] as number) - m) - am) / asd;
}

function cusumAlarms(o: BacktestOptions, d: CusumBacktestDetector, first: number): boolean[] {
  const raw = Float64Array.from(o.rows, (r) => r.features[d.feature] as number);
  const t = d.transform ?? 'none';
  const lost = t === 'none' ? 0 : 1;
  const x = applyTransform(raw, t, d.feature, []);
  const alarms: boolean[] = [];
  let up = 0;
  let down = 0;
  for (let i = first; i < o.rows.length; i++) {
    // baseline: the B values before today, rolling
    const end = i - lost;
    const start = Math.max(0, end - o.baselineSize);
    const z = cusumScore(x, start, end, d.statistic ?? 'level');
    up = d.direction === 'down' ? 0 : Math.max(0, up + z - d.k);
    down = d.direction === 'up' ? 0 : Math.max(0, down - z - d.k);
    const alarm = up > d.h || down > d.h;
    if (alarm) up = down = 0;
    alarms.push(alarm);
  }
  return alarms;
}

/**
 * Runs a detector over a dated history with a rolling baseline and reports every alarm date; with
 * episodes, the detection delay per episode, the false-alarm rate on calm days and the chance
 * level of a hit within the same horizon.
 */
export function backtestDrift(o: BacktestOptions): BacktestResult {
  validate(o);
  const d = o.detector;
  const horizon = o.horizon ?? 5;
  const margin = o.calmMargin ?? 20;
  const need = historyNeeded(d, o.baselineSize);
  let first = need;
  if (o.from) first = Math.max(first, o.rows.findIndex((r) => r.date >= (o.from as string)));
  let last = o.rows.length - 1;
  if (o.to) last = o.rows.findLastIndex((r) => r.date <= (o.to as string));
  if (first > last || first < 0) throw new VigilError('VIGIL_INSUFFICIENT_DATA', `history too short: ${o.rows.length} rows, ${need} needed before the first check`);
  const rows = o.rows.slice(0, last + 1);
  const opts = { ...o, rows };
  let inSample: number[] = [];
  let flags: boolean[];
  const run = (x: KsBacktestDetector | CusumBacktestDetector): boolean[] => {
    if (x.kind === 'cusum') return cusumAlarms(opts, x, first);
    const r = ksAlarms(opts, x, first);
    inSample = inSample.concat(r.inSample);
    return r.alarms;
  };
  if (d.kind === 'any') {
    const all = d.detectors.map(run);
    flags = (all[0] ?? []).map((_, i) => all.some((a) => a[i]));
  } else flags = run(d);
  const dates = rows.slice(first).map((r) => r.date);
  const alarms = dates.filter((_, i) => flags[i]);
  const episodes = o.episodes ?? [];
  const idxOf = (date: string) => dates.findIndex((x) => x >= date);
  const excluded = new Uint8Array(dates.length);
  const outcomes = episodes.map((e): EpisodeOutcome => {
    const s = idxOf(e.start);
    let eEnd = dates.findLastIndex((x) => x <= e.end);
    if (s < 0) return { name: e.name, start: e.start, firstAlarm: null, delay: null, caught: false };
    excluded.fill(1, Math.max(0, s - margin), Math.min(dates.length, eEnd + margin + 1));
    if (eEnd < s) eEnd = s;
    let at = -1;
    for (let i = s; i <= eEnd; i++) if (flags[i]) {
      at = i;
      break;
    }
    return { name: e.name, start: dates[s] as string, firstAlarm: at < 0 ? null : (dates[at] as string), delay: at < 0 ? null : at - s, caught: at >= 0 && at - s <= horizon };
  });
  let calm = 0;
  let calmAlarms = 0;
  let followed = 0;
  for (let i = 0; i < dates.length; i++) {
    if (excluded[i]) continue;
    calm++;
    if (flags[i]) calmAlarms++;
    for (let j = i; j <= Math.min(dates.length - 1, i + horizon); j++) if (flags[j]) {
      followed++;
      break;
    }
  }
  return {
    alarms,
    days: dates.length,
    calmDays: calm,
    falseAlarmRate: calm ? calmAlarms / calm : 0,
    chanceLevel: calm ? followed / calm : 0,
    episodes: outcomes,
    caught: outcomes.filter((x) => x.caught).length,
    horizon,
    ...(inSample.length ? { calibration: { meanInSampleRate: inSample.reduce((s, v) => s + v, 0) / inSample.length, recalibrations: inSample.length } } : {}),
  };
}
