import { VigilError, dataSourceToken, dialectOf, placeholder } from '@vigil/core';
import { driftOptionsSchema } from '@vigil/drift';
import type { VigilHost } from '@vigil/host';
import type { FastifyInstance } from 'fastify';
import { type Q, intParam } from './query.js';

/** drift_monitoring.drift_type values: the three windowed checks and the streaming CUSUM's alarms. */
const DRIFT_TYPES = ['feature', 'regime', 'prediction', 'cusum'];

/** Drift checks over time from drift_monitoring (docs/api.md, Drift). */
export function driftRoutes(app: FastifyInstance, host: VigilHost): void {
  const c = host.container;
  app.get('/api/drift', { schema: { tags: ['drift'], summary: 'drift checks over time (drift_monitoring), oldest first' } }, async (req) => {
    const q = req.query as Q;
    const limit = intParam(q, 'limit', 500, 1, 10_000);
    const type = q.type;
    if (type !== undefined && !DRIFT_TYPES.includes(type)) {
      throw new VigilError('VIGIL_INVALID_INPUT', `querystring.type: must be one of ${DRIFT_TYPES.join(', ')}, got ${JSON.stringify(type)}`, { issues: [{ path: 'querystring.type', message: `must be one of ${DRIFT_TYPES.join(', ')}`, value: type }] });
    }
    const ds = c.resolve(dataSourceToken);
    const ph = placeholder(dialectOf(ds));
    const columns = 'id, timestamp, drift_type, ks_statistic, drift_detected, details_json';
    const rows: Record<string, unknown>[] = type
      ? await ds.query(`SELECT ${columns} FROM drift_monitoring WHERE drift_type = ${ph(1)} ORDER BY id DESC LIMIT ${ph(2)}`, [type, limit])
      : await ds.query(`SELECT ${columns} FROM drift_monitoring ORDER BY id DESC LIMIT ${ph(1)}`, [limit]);
    const parsed = driftOptionsSchema.safeParse(host.config.plugins.drift?.options ?? {});
    const options = parsed.success ? parsed.data : undefined;
    const t = options?.alertThreshold ?? 0.15;
    return {
      events: rows.reverse().map((r) => ({
        id: Number(r.id),
        timestamp: String(r.timestamp),
        type: String(r.drift_type),
        statistic: r.ks_statistic === null ? null : Number(r.ks_statistic),
        detected: Number(r.drift_detected) === 1,
        details: r.details_json ? JSON.parse(String(r.details_json)) : null,
      })),
      // The line a statistic is judged against, where there is one. Feature checks judge each
      // feature against its own calibrated threshold (in details.features), so the max-D headline
      // has none when calibration is on. Regime and prediction alerts need a distance above
      // alertThreshold (and a significant test). CUSUM rows are alarms only, their statistic in
      // baseline standard deviations against h.
      thresholds: { feature: options?.calibration ? null : t, regime: t, prediction: t, cusum: options?.cusum ? options.cusum.h : null },
    };
  });
}
