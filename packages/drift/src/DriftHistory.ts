import { VigilError, dialectOf, placeholder, quoteIdent } from '@vigil/core';
import type { DataSource } from 'typeorm';
import { DRIFT_MONITORING_TABLE, type DriftMonitoringRow } from './entities/DriftMonitoring.js';

/** drift_monitoring.drift_type values: the three windowed checks and the streaming CUSUM's alarms. */
export const DRIFT_TYPES = ['feature', 'regime', 'prediction', 'cusum'] as const;
export type DriftType = (typeof DRIFT_TYPES)[number];

/** One recorded check, as the API and the CLI show it. */
export interface DriftEvent {
  readonly id: number;
  readonly timestamp: string;
  readonly type: DriftType;
  readonly statistic: number | null;
  readonly detected: boolean;
  readonly details: Record<string, unknown> | null;
}

/** Reads the drift plugin's `drift_monitoring` table: the only reader outside the monitor that writes it. */
export class DriftHistory {
  constructor(private readonly ds: DataSource) {}

  /** The latest `limit` checks (oldest first), of one type or all, optionally only the alarms. */
  async read(q: { type?: string; limit?: number; detectedOnly?: boolean } = {}): Promise<DriftEvent[]> {
    if (q.type !== undefined && !(DRIFT_TYPES as readonly string[]).includes(q.type)) {
      throw new VigilError('VIGIL_INVALID_INPUT', `querystring.type: must be one of ${DRIFT_TYPES.join(', ')}, got ${JSON.stringify(q.type)}`, {
        issues: [{ path: 'querystring.type', message: `must be one of ${DRIFT_TYPES.join(', ')}`, value: q.type }],
      });
    }
    const ph = placeholder(dialectOf(this.ds));
    const params: unknown[] = [];
    const where: string[] = [];
    if (q.type !== undefined) where.push(`drift_type = ${ph(params.push(q.type))}`);
    if (q.detectedOnly) where.push('drift_detected = 1');
    const limit = q.limit === undefined ? '' : ` LIMIT ${ph(params.push(q.limit))}`;
    const rows = (await this.ds.query(
      `SELECT id, timestamp, drift_type, ks_statistic, drift_detected, details_json FROM ${quoteIdent(DRIFT_MONITORING_TABLE)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC${limit}`,
      params,
    )) as DriftMonitoringRow[];
    return rows.reverse().map((r) => ({
      id: Number(r.id),
      timestamp: String(r.timestamp),
      type: r.drift_type,
      statistic: r.ks_statistic === null ? null : Number(r.ks_statistic),
      detected: Number(r.drift_detected) === 1,
      details: r.details_json ? (JSON.parse(String(r.details_json)) as Record<string, unknown>) : null,
    }));
  }
}
