import { dialectOf, placeholder, quoteIdent } from '@vigil/core';
import type { DataSource } from 'typeorm';
import { DRIFT_MONITORING_TABLE } from './entities/DriftMonitoring.js';
import { DRIFT_STATE_TABLE } from './entities/DriftState.js';
import type { FeatureCheckDetails } from './featureCheckDetails.js';

/** One window check of one feature: its KS D against the baseline and the threshold it was judged by. */
export interface FeaturePoint {
  readonly id: number;
  readonly step: string;
  readonly timestamp: string;
  readonly statistic: number;
  /** null when the check had no threshold for it ('untestable' or 'insufficient'). */
  readonly threshold: number | null;
  readonly drifted: boolean;
  /** 'tested'; 'untestable' (its calibrated threshold is above 1: it cannot flag); 'insufficient' (no verdict, see the check's reason). */
  readonly status: string;
}

/** One regime check: the window's regime mix against the baseline's. */
export interface RegimePoint {
  readonly id: number;
  readonly step: string;
  readonly timestamp: string;
  readonly mix: Readonly<Record<string, number>>;
  readonly baseline: Readonly<Record<string, number>>;
  readonly statistic: number | null;
  readonly detected: boolean;
}

/** One prediction check: the window's class-mix distance from the baseline's. */
export interface PredictionPoint {
  readonly id: number;
  readonly step: string;
  readonly timestamp: string;
  readonly statistic: number | null;
  readonly detected: boolean;
  readonly confidenceChange: number | null;
  /** The class mix's distance and the distance that decides its flag (alert threshold or the corrected p's line). */
  readonly classDistance: number | null;
  readonly classThreshold: number | null;
  /** The confidence KS D and the D that decides its flag. */
  readonly confidenceD: number | null;
  readonly confidenceThreshold: number | null;
}

/** A drift episode as a span: onset, end (null while open), peak. */
export interface EpisodeSpan {
  readonly id: number;
  readonly onset: string;
  readonly end: string | null;
  readonly status: string;
  readonly peak: number | null;
  readonly peakStep: string | null;
  /** Steps the episode has lasted so far. */
  readonly steps: number | null;
  readonly statistics: readonly string[];
  /** Whether its onset requested retraining (only the live model's do) and the model's standing then. */
  readonly retrainingRequested: boolean;
  readonly standing: string;
}

/** What the drift view charts for one model over a date range (`GET /api/drift/series`). */
export interface DriftSeriesDocument {
  /** The model charted: the one asked for, else the one checked last (null when nothing is recorded). */
  readonly model: string | null;
  /** Models the monitor holds state for, sorted. */
  readonly models: readonly string[];
  readonly from: string | null;
  readonly to: string | null;
  readonly features: readonly { feature: string; points: FeaturePoint[] }[];
  readonly regimes: readonly RegimePoint[];
  readonly predictions: readonly PredictionPoint[];
  readonly episodes: readonly EpisodeSpan[];
  /** Window checks that compared nothing (status 'insufficient'), with the reason: they give no point above. */
  readonly insufficient: readonly { readonly step: string; readonly timestamp: string; readonly reason: string }[];
  /** The distance regime and prediction checks alert above (with a significant test). */
  readonly thresholds: { readonly regime: number; readonly prediction: number };
}

interface Row {
  id: unknown;
  timestamp: unknown;
  drift_type: string;
  ks_statistic: unknown;
  drift_detected: unknown;
  details_json: string | null;
  step: string | null;
  episode_status: string | null;
  episode_end: string | null;
  episode_peak_step: string | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Reads `drift_monitoring` by model and step for the dashboard's drift view: per feature, each
 * window check's KS D with its calibrated threshold; the regime mix of each regime check; the
 * episodes that overlap the range. Uses the (model_version, drift_type, step) index.
 */
export class DriftSeries {
  constructor(
    private readonly ds: DataSource,
    private readonly alertThreshold: number,
  ) {}

  async models(): Promise<string[]> {
    const rows = (await this.ds.query(
      `SELECT model_version FROM ${quoteIdent(DRIFT_STATE_TABLE)} ORDER BY model_version`,
    )) as { model_version: string }[];
    return rows.map((r) => String(r.model_version));
  }

  /** The model of the latest check of any type (the idx on drift_type, timestamp answers it). */
  async latestModel(): Promise<string | null> {
    const rows = (await this.ds.query(
      `SELECT model_version FROM ${quoteIdent(DRIFT_MONITORING_TABLE)} WHERE drift_type = 'feature' AND model_version IS NOT NULL ORDER BY timestamp DESC LIMIT 1`,
    )) as { model_version: string }[];
    return rows[0] ? String(rows[0].model_version) : null;
  }

  async read(q: { model?: string; from?: string; to?: string }): Promise<DriftSeriesDocument> {
    const models = await this.models();
    const model = q.model ?? (await this.latestModel()) ?? models.at(-1) ?? null;
    const from = q.from ?? null;
    const to = q.to ?? null;
    const thresholds = { regime: this.alertThreshold, prediction: this.alertThreshold };
    if (model === null)
      return {
        model,
        models,
        from,
        to,
        features: [],
        regimes: [],
        predictions: [],
        episodes: [],
        insufficient: [],
        thresholds,
      };
    const ph = placeholder(dialectOf(this.ds));
    const cols =
      'id, timestamp, drift_type, ks_statistic, drift_detected, details_json, step, episode_status, episode_end, episode_peak_step';
    const T = quoteIdent(DRIFT_MONITORING_TABLE);
    // checks whose step lies in [from, to] (days inclusive: a bar step of `to` sorts after the bare day)
    const checks = async (type: string): Promise<Row[]> => {
      const params: unknown[] = [model, type];
      const where = [`model_version = ${ph(1)}`, `drift_type = ${ph(2)}`];
      if (from) where.push(`step >= ${ph(params.push(from))}`);
      if (to) where.push(`step < ${ph(params.push(nextDay(to)))}`);
      return (await this.ds.query(
        `SELECT ${cols} FROM ${T} WHERE ${where.join(' AND ')} ORDER BY step, id`,
        params,
      )) as Row[];
    };
    const [featureRows, regimeRows, predictionRows, episodeRows] = await Promise.all([
      checks('feature'),
      checks('regime'),
      checks('prediction'),
      // an episode overlaps the range when it starts before its end and ends (or is open) after its start
      (async () => {
        const params: unknown[] = [model];
        const where = [`model_version = ${ph(1)}`, `drift_type = 'cusum'`, 'step IS NOT NULL'];
        if (to) where.push(`step < ${ph(params.push(nextDay(to)))}`);
        if (from) where.push(`(episode_end IS NULL OR episode_end >= ${ph(params.push(from))})`);
        return (await this.ds.query(
          `SELECT ${cols} FROM ${T} WHERE ${where.join(' AND ')} ORDER BY step, id`,
          params,
        )) as Row[];
      })(),
    ]);

    // checks that compared nothing chart no point; their steps and reasons are listed apart
    const status = (r: Row) => (JSON.parse(String(r.details_json ?? '{}')) as { status?: string }).status;
    const insufficient = featureRows
      .filter((r) => status(r) === 'insufficient')
      .map((r) => ({
        step: String(r.step),
        timestamp: String(r.timestamp),
        reason: String((JSON.parse(String(r.details_json)) as { reason?: string }).reason ?? 'insufficient data'),
      }));
    const byFeature = new Map<string, FeaturePoint[]>();
    for (const r of featureRows) {
      const d = JSON.parse(String(r.details_json ?? '{}')) as FeatureCheckDetails;
      for (const f of d.features ?? []) {
        const list = byFeature.get(f.feature) ?? [];
        list.push({
          id: Number(r.id),
          step: String(r.step),
          timestamp: String(r.timestamp),
          statistic: f.statistic,
          threshold: typeof f.threshold === 'number' ? f.threshold : null,
          drifted: f.drifted === true,
          status: f.status ?? 'tested',
        });
        byFeature.set(f.feature, list);
      }
    }
    const regimes = regimeRows
      .filter((r) => status(r) !== 'insufficient')
      .map((r): RegimePoint => {
        const d = JSON.parse(String(r.details_json ?? '{}')) as {
          window_mix?: Record<string, number>;
          baseline_mix?: Record<string, number>;
        };
        return {
          id: Number(r.id),
          step: String(r.step),
          timestamp: String(r.timestamp),
          mix: d.window_mix ?? {},
          baseline: d.baseline_mix ?? {},
          statistic: num(r.ks_statistic),
          detected: Number(r.drift_detected) === 1,
        };
      });
    const predictions = predictionRows
      .filter((r) => status(r) !== 'insufficient')
      .map((r): PredictionPoint => {
        const d = JSON.parse(String(r.details_json ?? '{}')) as {
          avg_confidence_change?: number;
          class_mix?: { distributionChange?: number; threshold?: number | null };
          confidence?: { statistic?: number; threshold?: number };
        };
        const n = (v: unknown): number | null => (typeof v === 'number' ? v : null);
        return {
          id: Number(r.id),
          step: String(r.step),
          timestamp: String(r.timestamp),
          statistic: num(r.ks_statistic),
          detected: Number(r.drift_detected) === 1,
          confidenceChange: n(d.avg_confidence_change),
          classDistance: n(d.class_mix?.distributionChange),
          classThreshold: n(d.class_mix?.threshold),
          confidenceD: n(d.confidence?.statistic),
          confidenceThreshold: n(d.confidence?.threshold),
        };
      });
    const episodes = episodeRows.map((r): EpisodeSpan => {
      const d = JSON.parse(String(r.details_json ?? '{}')) as {
        statistics?: string[];
        steps?: number;
        retraining?: { requested?: boolean; standing?: string };
      };
      return {
        id: Number(r.id),
        onset: String(r.step),
        end: r.episode_end === null ? null : String(r.episode_end),
        status: String(r.episode_status ?? (r.episode_end === null ? 'open' : 'closed')),
        peak: num(r.ks_statistic),
        peakStep: r.episode_peak_step === null ? null : String(r.episode_peak_step),
        steps: typeof d.steps === 'number' ? d.steps : null,
        statistics: d.statistics ?? [],
        retrainingRequested: d.retraining?.requested ?? true,
        standing: d.retraining?.standing ?? 'live',
      };
    });
    return {
      model,
      models,
      from,
      to,
      features: [...byFeature].map(([feature, points]) => ({ feature, points })),
      regimes,
      predictions,
      episodes,
      insufficient,
      thresholds,
    };
  }
}

/** The day after a `YYYY-MM-DD` day (exclusive upper bound of a day range). */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
