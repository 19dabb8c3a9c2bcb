import { dayParam, dayRange, daySchema, textSchema } from '@vigil/core';
import { distributionSchema, seriesSchema } from './driftRouteSchemas.js';
// route schemas carry OpenAPI tags and summaries (types from @fastify/swagger, which the server registers)
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { DriftDistribution } from './DriftDistribution.js';
import type { DriftSeries } from './DriftSeries.js';

/** The drift view's reads: per-feature checks, regime mix and episodes over time; one check's distributions. */
export function driftViewRoutes(app: FastifyInstance, v: { series: DriftSeries; distribution: DriftDistribution }) {
  app.get(
    '/series',
    {
      schema: {
        tags: ['drift'],
        summary:
          "one model's drift over time: each feature's window KS D with its threshold, the regime mix, the episodes",
        querystring: {
          type: 'object',
          properties: { model: textSchema(100), from: daySchema, to: daySchema },
        },
        response: { 200: seriesSchema },
      },
    },
    async (req) => {
      const q = req.query as { model?: string; from?: string; to?: string };
      return v.series.read({ ...(q.model !== undefined ? { model: q.model } : {}), ...dayRange(q) });
    },
  );

  app.get(
    '/distribution',
    {
      schema: {
        tags: ['drift'],
        summary:
          "a feature's baseline vs window distribution (ECDFs) at a window check, with the KS D and where it lies",
        querystring: {
          type: 'object',
          properties: { model: textSchema(100), feature: textSchema(200), step: daySchema },
        },
        response: { 200: distributionSchema },
      },
    },
    async (req) => {
      const q = req.query as { model?: string; feature?: string; step?: string };
      dayParam(q, 'step');
      return v.distribution.read(q);
    },
  );
}
