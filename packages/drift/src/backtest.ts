import { type Issue, VigilError, describeValue, throwIfIssues } from '@vigil/core';
import { DriftDetector } from './DriftDetector.js';
import type { Correction } from './stats/correction.js';
import { type EpisodeState, updateEpisode } from './Episode.js';
import { type ClosedStep, PanelDrift, type StepCusumResult } from './PanelDrift.js';
import type { Transform } from './stats/transforms.js';

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

/** Per-step CUSUMs on one feature (the drift monitor's own, on a one-record-per-step series), standardised by the rolling baseline. */
export interface CusumBacktestDetector {
  readonly kind: 'cusum';
  readonly feature: string;
  readonly transform?: Transform;
  readonly k: number;
  readonly h: number;
  /** Direction of a 'level' CUSUM; 'abs' is one-sided (up). */
  readonly direction?: 'up' | 'down' | 'both';
  /** 'level' watches the value itself; 'abs' its absolute deviation from the baseline mean (a scale shift). */
  readonly statistic?: 'level' | 'abs';
  /** Bound of each sum (default 2h) and the level every alarmed sum must fall to for an episode to end (default h / 4). */
  readonly cap?: number;
  readonly release?: number;
  /** Quiet steps that end an episode (default 10). */
  readonly quietSteps?: number;
}

/** Alarms when any of its detectors alarms. */
export interface AnyBacktestDetector {
  readonly kind: 'any';
  readonly detectors: readonly (KsBacktestDetector | CusumBacktestDetector)[];
}

export type BacktestDetector = KsBacktestDetector | CusumBacktestDetector | AnyBacktestDetector;

const featuresOf = (d: BacktestDetector): string[] =>
  d.kind === 'ks' ? [...d.features] : d.kind === 'cusum' ? [d.feature] : d.detectors.flatMap(featuresOf);
const historyNeeded = (d: BacktestDetector, B: number): number =>
  d.kind === 'ks'
    ? d.windowSize + B + 1
    : d.kind === 'cusum'
      ? B + 2
      : Math.max(...d.detectors.map((x) => historyNeeded(x, B)));

export interface Episode {
  readonly name: string;
  readonly start: string;
  readonly end: string;
}

export interface BacktestOptions {
  readonly rows: readonly HistoryRow[];
  readonly detector: BacktestDetector;
  /** Days of history in the (rolling) baseline that precedes each check. */
  readonly baselineSize: number;
  readonly episodes?: readonly Episode[];
  /** An episode is caught when the detector is in drift on one of its first `horizon` + 1 trading days (default 5). */
  readonly horizon?: number;
  /** Days before an episode's start and after its end that are neither calm nor episode (default 20). */
  readonly calmMargin?: number;
  /** Only score from this date on (the first baseline needs history before it). */
  readonly from?: string;
  readonly to?: string;
}

export interface EpisodeOutcome {
  readonly name: string;
  readonly start: string;
  /** caught: in drift within the horizon; missed: not; not scorable: the data cannot say (see `reason`). */
  readonly status: 'caught' | 'missed' | 'not scorable';
  readonly reason?: string;
  /** First day in [start, start + horizon] the detector is in drift (null: none). */
  readonly firstAlarm: string | null;
  /** Trading days from the episode's first day to `firstAlarm` (0 when a drift episode was already open). */
  readonly delay: number | null;
  /** Onset of the drift episode that covers `firstAlarm` (may precede the start). */
  readonly onset: string | null;
  readonly caught: boolean;
  /**
   * The detector's largest score on the episode's first `horizon` + 1 days (a CUSUM's largest sum in reference
   * standard deviations, to compare with h; a KS check's largest D): how near a miss came, how far a catch cleared.
   * null when not scorable.
   */
  readonly peakScore: number | null;
}

export interface BacktestResult {
  /** Onset days of drift episodes: one retraining request each. */
  readonly alarms: string[];
  readonly days: number;
  readonly firstDay: string;
  readonly lastDay: string;
  readonly calmDays: number;
  /** The calm-day rule, in words. */
  readonly calmRule: string;
  /** Share of calm days on which a drift episode starts (a retraining request on a calm day). */
  readonly falseAlarmRate: number;
  /** Share of calm days spent in drift. */
  readonly calmDriftShare: number;
  /** Share of calm days on which the detector is in drift within `horizon` days: the hit rate luck alone gives. */
  readonly chanceLevel: number;
  readonly episodes: EpisodeOutcome[];
  readonly caught: number;
  /** Episodes the data can score (caught + missed). */
  readonly scorable: number;
  readonly horizon: number;
  readonly warnings: string[];
  readonly calibration?: { readonly meanInSampleRate: number; readonly recalibrations: number };
}

function validate(o: BacktestOptions): void {
  const issues: Issue[] = [];
  if (!Array.isArray(o.rows) || o.rows.length === 0)
    issues.push({ path: 'rows', message: 'must be a non-empty array of dated rows', value: o.rows });
  const names = featuresOf(o.detector);
  o.rows?.forEach((r, i) => {
    if (i > 0 && !(r.date > (o.rows[i - 1] as HistoryRow).date))
      issues.push({
        path: `rows[${i}].date`,
        message: `must be after rows[${i - 1}].date (strictly increasing), got ${describeValue(r.date)}`,
        value: r.date,
      });
    for (const n of names) {
      const v = r.features?.[n];
      if (typeof v !== 'number' || !Number.isFinite(v))
        issues.push({
          path: `rows[${i}].features.${n}`,
          message: `must be a finite number, got ${describeValue(v)}`,
          value: v,
        });
    }
  });
  if (!(Number.isInteger(o.baselineSize) && o.baselineSize >= 10))
    issues.push({
      path: 'baselineSize',
      message: `must be an integer >= 10, got ${describeValue(o.baselineSize)}`,
      value: o.baselineSize,
    });
  if (o.horizon !== undefined && !(Number.isInteger(o.horizon) && o.horizon >= 0))
    issues.push({
      path: 'horizon',
      message: `must be an integer >= 0, got ${describeValue(o.horizon)}`,
      value: o.horizon,
    });
  throwIfIssues('backtest input', issues);
}

/** Per day from `first` on: which detectors are active, whether any is sustained, and the score. */
interface DayState {
  active: boolean;
  alarmed: string[];
  elevated: string[];
  score: number;
}

/** KS alarm flags per day, for each row index from `first` on. */
function ksDays(o: BacktestOptions, d: KsBacktestDetector, first: number): { days: DayState[]; inSample: number[] } {
  const { rows, baselineSize: B } = o;
  const w = d.windowSize;
  const cols = new Map(d.features.map((n) => [n, Float64Array.from(rows, (r) => r.features[n] as number)]));
  const days: DayState[] = [];
  const inSample: number[] = [];
  let calibration: ReturnType<DriftDetector['calibrate']> | undefined;
  let sinceCal = Number.POSITIVE_INFINITY;
  for (let t = first; t < rows.length; t++) {
    const det = new DriftDetector({
      windowSize: w,
      alertThreshold: d.alertThreshold,
      alpha: d.alpha ?? 0.05,
      correction: d.correction ?? 'holm',
      transforms: d.transforms ?? {},
      minWindowSize: 2,
    });
    // baseline: the B days before the window (one extra day so differencing transforms keep B values)
    const b0 = t - w + 1 - B - 1;
    det.setBaseline({
      features: Object.fromEntries(d.features.map((n) => [n, (cols.get(n) as Float64Array).subarray(b0, t - w + 1)])),
    });
    if (d.calibration) {
      if (sinceCal >= (d.calibration.every ?? 20)) {
        calibration = det.calibrate(d.calibration.targetFalseAlarmRate);
        inSample.push(calibration.inSampleRate);
        sinceCal = 0;
      } else det.setCalibration(calibration);
      sinceCal++;
    }
    const window = Object.fromEntries(
      d.features.map((n) => [
        n,
        (cols.get(n) as Float64Array).subarray(t - w + 1 - (det.transformOf(n) === 'none' ? 0 : 1), t + 1),
      ]),
    );
    const r = det.detectFeatureDrift(window);
    days.push({ active: r.driftDetected, alarmed: [], elevated: [], score: r.maxDrift });
  }
  return { days, inSample };
}

/** The drift monitor's per-step CUSUM (PanelDrift) run over the series, one record per day. */
function cusumDays(o: BacktestOptions, d: CusumBacktestDetector, first: number): DayState[] {
  const engine = new PanelDrift({
    features: [d.feature],
    transforms: { [d.feature]: d.transform ?? 'none' },
    stepMinutes: null,
    referenceSteps: o.baselineSize,
    minStepRecords: 1,
    keepValues: 0,
    cusum: {
      statistics: [d.statistic ?? 'level'],
      k: d.k,
      h: d.h,
      direction: d.direction ?? 'both',
      predictions: false,
      ...(d.cap !== undefined ? { cap: d.cap } : {}),
      ...(d.release !== undefined ? { release: d.release } : {}),
    },
  });
  const byDay = new Map<string, DayState>();
  const key = (k: string) => `${d.feature}/${k}`;
  const onClose = (s: ClosedStep, c: StepCusumResult) =>
    byDay.set(s.step, {
      active: c.alarms.length > 0,
      alarmed: c.alarms.map(key),
      elevated: c.elevated.map(key),
      score: c.max,
    });
  engine.ingest(
    o.rows.map((r) => ({
      timestamp: `${r.date}T00:00:00.000Z`,
      symbol: 'series',
      regime: r.regime ?? '',
      features: r.features,
      predictedLabel: 0,
      confidence: 1,
    })),
    onClose,
  );
  engine.flush(onClose);
  return o.rows
    .slice(first)
    .map((r) => byDay.get(r.date.slice(0, 10)) ?? { active: false, alarmed: [], elevated: [], score: 0 });
}

/**
 * Runs a detector over a dated history with a rolling baseline, as drift episodes (onset,
 * hysteresis, end; one retraining request per onset), and scores it against known stress
 * episodes at a fixed horizon: caught when in drift on one of an episode's first `horizon` + 1
 * days. Episodes the checked range cannot score are reported "not scorable", never as misses.
 */
export function backtestDrift(o: BacktestOptions): BacktestResult {
  validate(o);
  const d = o.detector;
  const horizon = o.horizon ?? 5;
  const margin = o.calmMargin ?? 20;
  const need = historyNeeded(d, o.baselineSize);
  let first = need;
  if (o.from)
    first = Math.max(
      first,
      o.rows.findIndex((r) => r.date >= (o.from as string)),
    );
  let last = o.rows.length - 1;
  if (o.to) last = o.rows.findLastIndex((r) => r.date <= (o.to as string));
  if (first > last || first < 0)
    throw new VigilError(
      'VIGIL_INSUFFICIENT_DATA',
      `history too short: ${o.rows.length} rows, ${need} needed before the first check`,
    );
  const rows = o.rows.slice(0, last + 1);
  const opts = { ...o, rows };
  let inSample: number[] = [];
  const run = (x: KsBacktestDetector | CusumBacktestDetector): DayState[] => {
    if (x.kind === 'cusum') return cusumDays(opts, x, first);
    const r = ksDays(opts, x, first);
    inSample = inSample.concat(r.inSample);
    return r.days;
  };
  const all = d.kind === 'any' ? d.detectors.map(run) : [run(d)];
  const cusums = d.kind === 'any' ? d.detectors.filter((x) => x.kind === 'cusum') : d.kind === 'cusum' ? [d] : [];
  const quietSteps = Math.max(1, ...cusums.map((x) => (x as CusumBacktestDetector).quietSteps ?? 10));
  const dates = rows.slice(first).map((r) => r.date);
  // episodes of drift over the checked days
  const inDrift = new Uint8Array(dates.length);
  const onsetOf: (string | null)[] = [];
  const score = new Float64Array(dates.length);
  const alarms: string[] = [];
  let open: EpisodeState | null = null;
  for (let i = 0; i < dates.length; i++) {
    const day = all.map((a) => a[i] as DayState);
    const active = day.some((x) => x.active) ? ['drift'] : [];
    score[i] = Math.max(...day.map((x) => x.score));
    const u = updateEpisode(
      open,
      { step: dates[i] as string, timestamp: dates[i] as string },
      active,
      { alarmed: day.flatMap((x) => x.alarmed), elevated: day.flatMap((x) => x.elevated) },
      score[i] as number,
      quietSteps,
    );
    open = u.open;
    if (u.change?.kind === 'onset') alarms.push(dates[i] as string);
    inDrift[i] = open ? 1 : 0;
    onsetOf.push(open ? open.onset : null);
  }
  const warnings: string[] = [];
  const excluded = new Uint8Array(dates.length);
  const firstDay = dates[0] as string;
  const lastDay = dates.at(-1) as string;
  const outcomes = (o.episodes ?? []).map((e): EpisodeOutcome => {
    const s = dates.findIndex((x) => x >= e.start);
    // Days that are not calm: the episode's trading days and `margin` either side, counted on the whole history
    // (the baseline's days before the first check included), so an episode that ended just before the first
    // checked day excludes only the days within `margin` of its end, one long before it none, and one that runs
    // past the last checked day every day from `margin` before its start.
    const a = rows.findIndex((r) => r.date >= e.start);
    const z = rows.findLastIndex((r) => r.date <= e.end);
    if (a >= 0 && z >= 0) {
      const b = Math.max(a, z);
      const lo = Math.max(0, a - margin - first);
      const hi = Math.min(dates.length, b + margin + 1 - first);
      if (lo < hi) excluded.fill(1, lo, hi);
    }
    const notScorable = (reason: string): EpisodeOutcome => {
      warnings.push(`episode '${e.name}' (${e.start}) is not scorable: ${reason}`);
      return {
        name: e.name,
        start: e.start,
        status: 'not scorable',
        reason,
        firstAlarm: null,
        delay: null,
        onset: null,
        caught: false,
        peakScore: null,
      };
    };
    if (e.start < firstDay)
      return notScorable(
        `it starts before the first checked day ${firstDay} (the rolling baseline needs ${need} days of history first)`,
      );
    if (s < 0) return notScorable(`it starts after the last checked day ${lastDay}`);
    if (s + horizon > dates.length - 1)
      return notScorable(
        `the data ends ${dates.length - 1 - s} trading days after its start, before the ${horizon}-day horizon`,
      );
    let at = -1;
    let peakScore = 0;
    for (let i = s; i <= s + horizon; i++) {
      if (at < 0 && inDrift[i]) at = i;
      peakScore = Math.max(peakScore, score[i] as number);
    }
    const caught = at >= 0;
    return {
      name: e.name,
      start: dates[s] as string,
      status: caught ? 'caught' : 'missed',
      firstAlarm: caught ? (dates[at] as string) : null,
      delay: caught ? at - s : null,
      onset: caught ? (onsetOf[at] as string) : null,
      caught,
      peakScore,
    };
  });
  let calm = 0;
  let calmOnsets = 0;
  let calmDrift = 0;
  let followed = 0;
  const onsets = new Set(alarms);
  for (let i = 0; i < dates.length; i++) {
    if (excluded[i]) continue;
    calm++;
    if (onsets.has(dates[i] as string)) calmOnsets++;
    if (inDrift[i]) calmDrift++;
    for (let j = i; j <= Math.min(dates.length - 1, i + horizon); j++)
      if (inDrift[j]) {
        followed++;
        break;
      }
  }
  return {
    alarms,
    days: dates.length,
    firstDay,
    lastDay,
    calmDays: calm,
    calmRule: `a calm day is a checked day outside every listed episode and ${margin} trading days either side of it`,
    falseAlarmRate: calm ? calmOnsets / calm : 0,
    calmDriftShare: calm ? calmDrift / calm : 0,
    chanceLevel: calm ? followed / calm : 0,
    episodes: outcomes,
    caught: outcomes.filter((x) => x.caught).length,
    scorable: outcomes.filter((x) => x.status !== 'not scorable').length,
    horizon,
    warnings,
    ...(inSample.length
      ? {
          calibration: {
            meanInSampleRate: inSample.reduce((s, v) => s + v, 0) / inSample.length,
            recalibrations: inSample.length,
          },
        }
      : {}),
  };
}
