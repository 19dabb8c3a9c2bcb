import { type QueryString, VigilError, intParam, textSchema } from '@vigil/core';
// route schemas carry OpenAPI tags and summaries (types from @fastify/swagger, which the server registers)
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { ROLLING_BY, type RollingBy, type SectorRolling } from './SectorRolling.js';

const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a UTC day, YYYY-MM-DD' } as const;

/** A day parameter that is a real calendar day; `from` after `to` is refused naming both. */
function days(q: QueryString): { from?: string; to?: string } {
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

const strOrNull = { type: ['string', 'null'] } as const;
const rollingResponse = {
  type: 'object',
  properties: {
    model: strOrNull,
    by: { type: 'string' },
    window: { type: 'integer' },
    from: strOrNull,
    to: strOrNull,
    series: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          resolved: { type: 'number' },
          points: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                step: { type: 'string' },
                resolved: { type: 'number' },
                correct: { type: 'number' },
                accuracy: { type: 'number' },
                ci: { type: 'array', items: { type: 'number' } },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** The sectors view's accuracy chart: `GET /api/sectors/rolling`. */
export function sectorsViewRoutes(app: FastifyInstance, rolling: SectorRolling): void {
  app.get(
    '/rolling',
    {
      schema: {
        tags: ['sectors'],
        summary: 'rolling accuracy with Wilson 95% intervals over trading days, by sector, regime (one model) or model',
        querystring: {
          type: 'object',
          properties: {
            model: textSchema(200),
            by: { type: 'string', enum: [...ROLLING_BY] },
            window: { type: 'string', description: 'trading days each point pools (1-500, default 20)' },
            from: day,
            to: day,
          },
        },
        response: { 200: rollingResponse },
      },
    },
    async (req) => {
      const q = req.query as QueryString;
      return rolling.read({
        ...(q.model !== undefined ? { model: q.model } : {}),
        by: (q.by ?? 'sector') as RollingBy,
        window: intParam(q, 'window', 20, 1, 500),
        ...days(q),
      });
    },
  );
}
