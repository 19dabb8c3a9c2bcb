import { outcomeValidator, predictionValidator, textSchema as text } from '@vigil/core';
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

export function hostRoutes(app: FastifyInstance, host: VigilHost, auth: onRequestHookHandler, version: string): void {
  app.get('/api/health', { schema: { tags: ['host'], summary: 'liveness and the enabled plugins' } }, async () => ({
    status: host.state === 'started' ? 'ok' : host.state,
    plugins: host.plugins.map((p) => p.id),
    database: host.config.database.type,
    version,
  }));

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
      },
    },
    async (req) =>
      writeInSlices((req.body as { outcomes: unknown[] }).outcomes, outcomeValidator(host.config), (slice) =>
        host.resolve(slice as never[]),
      ),
  );
}
