import { type PluginRoutes, type QueryString, intParam, modelParam } from '@vigil/core';
// route schemas carry OpenAPI tags and summaries (types from @fastify/swagger, which the server registers)
import type {} from '@fastify/swagger';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { DriftMonitor } from './DriftMonitor.js';
import { driftActionRoutes } from './driftActionRoutes.js';
import type { DriftDistribution } from './DriftDistribution.js';
import type { DriftHistory } from './DriftHistory.js';
import type { DriftSeries } from './DriftSeries.js';
import type { DriftOptions } from './config.js';
import { driftViewRoutes } from './driftViewRoutes.js';
import { eventsSchema } from './driftRouteSchemas.js';

/** `GET /api/drift`: drift checks over time from drift_monitoring (docs/api.md, Drift). */
export function driftRoutes(
  history: DriftHistory,
  options: DriftOptions,
  views?: { series: DriftSeries; distribution: DriftDistribution },
  monitor?: DriftMonitor,
): PluginRoutes {
  return async (app: FastifyInstance, opts: { writeAuth: unknown }) => {
    // the CLI's drift baseline/check/backtest over HTTP: POST /api/drift/baseline, /check, /backtest
    if (monitor) driftActionRoutes(app, monitor, options, opts.writeAuth as onRequestHookHandler);
    // the dashboard's analysis reads: GET /api/drift/series, /api/drift/distribution
    if (views) driftViewRoutes(app, views);
    app.get(
      '',
      {
        schema: {
          tags: ['drift'],
          summary: 'drift checks over time (drift_monitoring), oldest first',
          querystring: {
            type: 'object',
            properties: {
              type: { type: 'string', description: 'feature, regime, prediction or cusum' },
              limit: { type: 'string', description: 'the latest N checks, 1-10000 (default 500)' },
              model: {
                type: 'string',
                description: "one model's checks (each check is one model's, named in its `model`)",
              },
            },
          },
          response: { 200: eventsSchema },
        },
      },
      async (req) => {
        const q = req.query as QueryString;
        const model = modelParam(q);
        const events = await history.read({
          ...(q.type !== undefined ? { type: q.type } : {}),
          // each check is one model's (its `model`); ?model= keeps one model's checks
          ...(model !== undefined ? { model } : {}),
          limit: intParam(q, 'limit', 500, 1, 10_000),
        });
        const t = options.alertThreshold;
        return {
          events,
          // The line a statistic is judged against, where there is one. Feature checks judge each
          // feature against its own calibrated threshold (in details.features), so the max-D headline
          // has none when calibration is on. Regime and prediction alerts need a distance above
          // alertThreshold (and a significant test). CUSUM rows are alarms only, their statistic in
          // baseline standard deviations against h.
          thresholds: {
            feature: options.calibration ? null : t,
            regime: t,
            prediction: t,
            cusum: options.cusum ? options.cusum.h : null,
          },
        };
      },
    );
  };
}
