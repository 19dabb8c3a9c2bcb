import {
  clockToken,
  liveModelsToken,
  outcomeValidator,
  parseIsoDate,
  predictionValidator,
  textSchema as text,
  VigilError,
} from '@vigil/core';
import type { VigilHost } from '@vigil/host';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { MAX_BATCH, batchBodyValidator, writeInSlices } from '../batchRoute.js';

const record = {
  type: 'object',
  required: ['id', 'timestamp', 'symbol', 'regime', 'features', 'predictedLabel', 'confidence', 'modelVersion'],
  properties: {
    id: text(200),
    timestamp: text(40),
    symbol: text(100),
    regime: text(100),
    features: { type: 'object', additionalProperties: { type: 'number' }, maxProperties: 10_000 },
    predictedLabel: { type: 'integer' },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    modelVersion: text(100),
  },
  additionalProperties: false,
} as const;

const outcome = {
  type: 'object',
  required: ['id', 'actualLabel'],
  properties: { id: text(200), actualLabel: { type: 'integer' }, resolvedAt: text(40, 0) },
  additionalProperties: false,
} as const;

const count = { type: 'integer', minimum: 0 } as const;
const obj = (properties: Record<string, unknown>) =>
  ({ type: 'object', required: Object.keys(properties), properties, additionalProperties: false }) as const;
/** No query parameters: an unknown one is a 400 naming it. */
export const noQuery = { type: 'object', properties: {}, additionalProperties: false } as const;

export function hostRoutes(app: FastifyInstance, host: VigilHost, auth: onRequestHookHandler, version: string): void {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['host'],
        summary: 'liveness and the enabled plugins',
        querystring: noQuery,
        response: {
          200: obj({
            status: { type: 'string' },
            plugins: { type: 'array', items: { type: 'string' } },
            database: { type: 'string', enum: ['sqlite', 'postgres'] },
            version: { type: 'string' },
          }),
        },
      },
    },
    async () => ({
      status: host.state === 'started' ? 'ok' : host.state,
      plugins: host.plugins.map((p) => p.id),
      database: host.config.database.type,
      version,
    }),
  );

  app.get(
    '/api/models/live',
    {
      schema: {
        tags: ['host'],
        summary:
          'which modelVersion is live and which are shadows at a data time (default now), as the gate records them; the dashboard and the report default to the live one',
        querystring: {
          type: 'object',
          properties: { asOf: { type: 'string', description: 'ISO data time (default now)' } },
          additionalProperties: false,
        },
        response: {
          200: obj({
            asOf: { type: 'string' },
            source: {
              type: 'string',
              description: "the plugin that answers (the gate), or 'none': every model is live",
            },
            live: { type: 'string', nullable: true, description: 'null: nothing promoted by then, or unknown' },
            shadows: { type: 'array', items: { type: 'string' } },
          }),
        },
      },
    },
    async (req) => {
      const raw = (req.query as { asOf?: string }).asOf;
      const asOf = raw === undefined ? host.container.resolve(clockToken).now().toISOString() : parseIsoDate(raw);
      if (asOf === undefined)
        throw new VigilError(
          'VIGIL_INVALID_INPUT',
          `querystring.asOf: must be an ISO 8601 date, got ${JSON.stringify(raw)}`,
          {
            issues: [{ path: 'querystring.asOf', message: 'must be an ISO 8601 date', value: raw }],
          },
        );
      return host.container.resolve(liveModelsToken).at(asOf);
    },
  );

  app.post(
    '/api/observe',
    {
      onRequest: auth,
      validatorCompiler: batchBodyValidator('records'),
      schema: {
        tags: ['host'],
        summary: 'log predictions and hand them to every plugin (in transactions of up to 2,000 records)',
        security: [{ bearer: [] }],
        consumes: ['application/json', 'text/csv'],
        body: {
          type: 'object',
          required: ['records'],
          properties: { records: { type: 'array', items: record, minItems: 1, maxItems: MAX_BATCH } },
          additionalProperties: false,
        },
        response: { 200: obj({ accepted: count, duplicates: count }) },
      },
    },
    async (req) =>
      writeInSlices((req.body as { records: unknown[] }).records, predictionValidator(host.config), (slice) =>
        host.observe(slice as never[]),
      ),
  );

  app.post(
    '/api/resolve',
    {
      onRequest: auth,
      validatorCompiler: batchBodyValidator('outcomes'),
      schema: {
        tags: ['host'],
        summary: 'record the actual labels of earlier predictions',
        security: [{ bearer: [] }],
        consumes: ['application/json', 'text/csv'],
        body: {
          type: 'object',
          required: ['outcomes'],
          properties: { outcomes: { type: 'array', items: outcome, minItems: 1, maxItems: MAX_BATCH } },
          additionalProperties: false,
        },
        response: { 200: obj({ resolved: count, unchanged: count }) },
      },
    },
    async (req) =>
      writeInSlices((req.body as { outcomes: unknown[] }).outcomes, outcomeValidator(host.config), (slice) =>
        host.resolve(slice as never[]),
      ),
  );

  app.post(
    '/api/prune',
    {
      onRequest: auth,
      schema: {
        tags: ['host'],
        summary:
          "delete resolved predictions past the retention policy (the body's, else config `retention`); aggregates, replay buffer, drift checks and gate history are kept",
        security: [{ bearer: [] }],
        body: {
          type: 'object',
          properties: {
            days: { type: 'number', description: 'keep resolved predictions observed in the last N days' },
            rowsPerModel: { type: 'integer', description: "keep each model version's N newest predictions" },
            dryRun: { type: 'boolean', description: 'only count what would be deleted' },
          },
          additionalProperties: false,
        },
        querystring: noQuery,
        response: {
          200: obj({
            deleted: count,
            byAge: count,
            byRows: count,
            cutoff: { type: 'string', nullable: true },
            dryRun: { type: 'boolean' },
          }),
        },
      },
    },
    async (req) => {
      const b = (req.body ?? {}) as { days?: number; rowsPerModel?: number; dryRun?: boolean };
      const given = b.days !== undefined || b.rowsPerModel !== undefined;
      const r = await host.prune(given ? { days: b.days, rowsPerModel: b.rowsPerModel } : undefined, {
        dryRun: b.dryRun ?? false,
      });
      return { ...r, dryRun: b.dryRun ?? false };
    },
  );
}
