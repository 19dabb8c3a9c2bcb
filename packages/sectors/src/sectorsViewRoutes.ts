import { type QueryString, dayRange, daySchema, intParam, textSchema } from '@vigil/core';
// route schemas carry OpenAPI tags and summaries (types from @fastify/swagger, which the server registers)
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { ROLLING_BY, type RollingBy, type SectorRolling } from './SectorRolling.js';

const strOrNull = { type: ['string', 'null'] } as const;
const rollingResponse = {
  type: 'object',
  properties: {
    model: strOrNull,
    by: { type: 'string' },
    window: { type: 'integer' },
    from: strOrNull,
    to: strOrNull,
    steps: { type: ['integer', 'null'] },
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
            from: daySchema,
            to: daySchema,
            steps: {
              type: 'string',
              description:
                'without from: chart only the last N trading days with outcomes, up to to (1-10000; the dashboard asks 250)',
            },
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
        ...dayRange(q),
        ...(q.steps !== undefined && q.steps !== '' ? { steps: intParam(q, 'steps', 0, 1, 10_000) } : {}),
      });
    },
  );
}
