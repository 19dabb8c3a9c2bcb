import { VigilError, dialectOf, placeholder, quoteIdent } from '@vigil/core';
import type { DataSource } from 'typeorm';
import { DRIFT_MONITORING_TABLE, type DriftMonitoringRow } from './entities/DriftMonitoring.js';

/** drift_monitoring.drift_type values: the three windowed checks and the streaming CUSUM's alarms. */
export const DRIFT_TYPES = ['feature', 'regime', 'prediction', 'cusum'] as const;
export type DriftType = (typeof DRIFT_TYPES)[number];

/** One recorded check, as the API and the CLI show it. */
export interface DriftEvent {
  readonly id: number;
  /** The model the check is of (`model_version`; null for rows written before checks were per model). */
  readonly model: string | null;
  readonly timestamp: string;
  readonly type: DriftType;
  readonly statistic: number | null;
  readonly detected: boolean;
  readonly details: Record<string, unknown> | null;
}

/** A drift episode: one `drift_monitoring` row of type 'cusum', updated while it lasts. */
export interface DriftEpisode {
  readonly model: string;
  readonly onset: string;
  /** First quiet step (null while open). */
  readonly end: string | null;
  /** Largest CUSUM sum (reference sds) and its step. */
  readonly peak: number;
  readonly peakStep: string;
  /** Detectors and CUSUM statistics that were active during it. */
  readonly reasons: readonly string[];
  readonly statistics: readonly string[];
  /** Why it ended (null while open): 'quiet', or 'retired' when the model stopped predicting. */
  readonly endReason: string | null;
  /**
   * Whether its onset raised a retraining request: only the model live at the onset's data time
   * asks; `standing` says what the model was then ('live', 'shadow', 'retired', or 'unknown'
   * when the gate could not tell, which asks). Episodes recorded before this was decided asked.
   */
  readonly retrainingRequested: boolean;
  readonly standing: string;
}

/** Reads the drift plugin's `drift_monitoring` table: the only reader outside the monitor that writes it. */
export class DriftHistory {
  constructor(private readonly ds: DataSource) {}

  /** The latest `limit` checks (oldest first), of one type or all, of one model or all (each row is one model's), optionally only the alarms. */
  async read(q: { type?: string; limit?: number; detectedOnly?: boolean; model?: string } = {}): Promise<DriftEvent[]> {
    if (q.type !== undefined && !(DRIFT_TYPES as readonly string[]).includes(q.type)) {
      throw new VigilError(
        'VIGIL_INVALID_INPUT',
        `querystring.type: must be one of ${DRIFT_TYPES.join(', ')}, got ${JSON.stringify(q.type)}`,
        {
          issues: [{ path: 'querystring.type', message: `must be one of ${DRIFT_TYPES.join(', ')}`, value: q.type }],
        },
      );
    }
    const ph = placeholder(dialectOf(this.ds));
    const params: unknown[] = [];
    const where: string[] = [];
    if (q.type !== undefined) where.push(`drift_type = ${ph(params.push(q.type))}`);
    if (q.detectedOnly) where.push('drift_detected = 1');
    if (q.model !== undefined) where.push(`model_version = ${ph(params.push(q.model))}`);
    const limit = q.limit === undefined ? '' : ` LIMIT ${ph(params.push(q.limit))}`;
    const rows = (await this.ds.query(
      `SELECT id, model_version, timestamp, drift_type, ks_statistic, drift_detected, details_json FROM ${quoteIdent(DRIFT_MONITORING_TABLE)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC${limit}`,
      params,
    )) as DriftMonitoringRow[];
    return rows.reverse().map((r) => ({
      id: Number(r.id),
      model: r.model_version === null || r.model_version === undefined ? null : String(r.model_version),
      timestamp: String(r.timestamp),
      type: r.drift_type,
      statistic: r.ks_statistic === null ? null : Number(r.ks_statistic),
      detected: Number(r.drift_detected) === 1,
      details: r.details_json ? (JSON.parse(String(r.details_json)) as Record<string, unknown>) : null,
    }));
  }

  /** Drift episodes, oldest onset first, of one model or all. */
  async episodes(model?: string): Promise<DriftEpisode[]> {
    const ph = placeholder(dialectOf(this.ds));
    const params: unknown[] = [];
    const where = ["drift_type = 'cusum'", 'step IS NOT NULL'];
    if (model !== undefined) where.push(`model_version = ${ph(params.push(model))}`);
    const rows = (await this.ds.query(
      `SELECT model_version, step, episode_end, episode_peak_step, ks_statistic, details_json FROM ${quoteIdent(DRIFT_MONITORING_TABLE)} ${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY step, id`,
      params,
    )) as Pick<
      DriftMonitoringRow,
      'model_version' | 'step' | 'episode_end' | 'episode_peak_step' | 'ks_statistic' | 'details_json'
    >[];
    return rows.map((r) => {
      const d = JSON.parse(String(r.details_json)) as {
        reasons?: string[];
        statistics?: string[];
        end_reason?: string;
        retraining?: { requested?: boolean; standing?: string };
      };
      return {
        model: String(r.model_version),
        onset: String(r.step),
        end: r.episode_end === null ? null : String(r.episode_end),
        peak: Number(r.ks_statistic),
        peakStep: String(r.episode_peak_step),
        reasons: d.reasons ?? [],
        statistics: d.statistics ?? [],
        endReason: r.episode_end === null ? null : (d.end_reason ?? 'quiet'),
        retrainingRequested: d.retraining?.requested ?? true,
        standing: d.retraining?.standing ?? 'live',
      };
    });
  }

  /** A model's latest window check of each type (feature, regime, prediction), where it has one. */
  async latestChecks(model: string): Promise<DriftEvent[]> {
    const ph = placeholder(dialectOf(this.ds));
    const out: DriftEvent[] = [];
    for (const type of ['feature', 'regime', 'prediction'] as const) {
      const rows = (await this.ds.query(
        `SELECT id, timestamp, drift_type, ks_statistic, drift_detected, details_json FROM ${quoteIdent(DRIFT_MONITORING_TABLE)} WHERE model_version = ${ph(1)} AND drift_type = ${ph(2)} ORDER BY step DESC LIMIT 1`,
        [model, type],
      )) as DriftMonitoringRow[];
      for (const r of rows)
        out.push({
          id: Number(r.id),
          model,
          timestamp: String(r.timestamp),
          type: r.drift_type,
          statistic: r.ks_statistic === null ? null : Number(r.ks_statistic),
          detected: Number(r.drift_detected) === 1,
          details: r.details_json ? (JSON.parse(String(r.details_json)) as Record<string, unknown>) : null,
        });
    }
    return out;
  }

  /** A model's retraining requests so far: one per drift episode that began while the model was live. */
  async episodeCount(model: string): Promise<number> {
    return (await this.episodes(model)).filter((e) => e.retrainingRequested).length;
  }
}
