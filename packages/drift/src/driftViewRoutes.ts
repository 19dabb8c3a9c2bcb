import { VigilError, textSchema } from '@vigil/core';
import { distributionSchema, seriesSchema } from './driftRouteSchemas.js';
// route schemas carry OpenAPI tags and summaries (types from @fastify/swagger, which the server registers)
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { DriftDistribution } from './DriftDistribution.js';
import type { DriftSeries } from './DriftSeries.js';
import { distributionResponse, seriesResponse } from './driftViewSchemas.js';

const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a UTC day, YYYY-MM-DD' } as const;

/** A day parameter that is a real date; `from` after `to` is refused naming both. */
function range(q: { from?: string; to?: string }): { from?: string; to?: string } {
  for (const k of ['from', 'to'] as const) {
    const v = q[k];
    const t = v === undefined ? Number.NaN : Date.parse(`${v}T00:00:00Z`);
    if (v !== undefined && (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v))
      throw new VigilError('VIGIL_INVALID_INPUT', `querystring.${k}: not a calendar day, got ${JSON.stringify(v)}`, {
        issues: [{ path: `querystring.${k}`, message: 'must be a calendar day (YYYY-MM-DD)', value: v }],
      });
  }
  if (q.from !== undefined && q.to !== undefined && q.from > q.to)
    throw new VigilError('VIGIL_INVALID_INPUT', `querystring.from: ${q.from} is after querystring.to ${q.to}`, {
      issues: [{ path: 'querystring.from', message: 'must not be after querystring.to', value: q.from }],
    });
  return { ...(q.from !== undefined ? { from: q.from } : {}), ...(q.to !== undefined ? { to: q.to } : {}) };
}

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
          properties: { model: textSchema(100), from: day, to: day },
        },
        response: { 200: seriesSchema },
      },
    },
    async (req) => {
      const q = req.query as { model?: string; from?: string; to?: string };
      return v.series.read({ ...(q.model !== undefined ? { model: q.model } : {}), ...range(q) });
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
          properties: { model: textSchema(100), feature: textSchema(200), step: day },
        },
        response: { 200: distributionSchema },
      },
    },
    async (req) => {
      const q = req.query as { model?: string; feature?: string; step?: string };
      if (q.step !== undefined) range({ to: q.step });
      return v.distribution.read(q);
    },
  );
}
