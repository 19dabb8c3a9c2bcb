import type { VigilHost } from '@vigil/host';
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';

const record = {
  type: 'object',
  required: ['id', 'timestamp', 'symbol', 'regime', 'features', 'predictedLabel', 'confidence', 'modelVersion'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200 },
    timestamp: { type: 'string', minLength: 1, maxLength: 40 },
    symbol: { type: 'string', minLength: 1, maxLength: 100 },
    regime: { type: 'string', minLength: 1, maxLength: 100 },
    features: { type: 'object', additionalProperties: { type: 'number' }, maxProperties: 10_000 },
    predictedLabel: { type: 'integer' },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    modelVersion: { type: 'string', minLength: 1, maxLength: 100 },
  },
  additionalProperties: false,
} as const;

const outcome = {
  type: 'object',
  required: ['id', 'actualLabel'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 }, actualLabel: { type: 'integer' }, resolvedAt: { type: 'string', maxLength: 40 } },
  additionalProperties: false,
} as const;

export function hostRoutes(app: FastifyInstance, host: VigilHost, auth: preHandlerHookHandler, version: string): void {
  app.get('/api/health', { schema: { tags: ['host'], summary: 'liveness and the enabled plugins' } }, async () => ({
    status: host.state === 'started' ? 'ok' : host.state,
    plugins: host.plugins.map((p) => p.id),
    database: host.config.database.type,
    version,
  }));

  app.post('/api/observe', {
    preHandler: auth,
    schema: {
      tags: ['host'], summary: 'log predictions and hand them to every plugin, in one transaction', security: [{ bearer: [] }],
      body: { type: 'object', required: ['records'], properties: { records: { type: 'array', items: record, minItems: 1, maxItems: 100_000 } }, additionalProperties: false },
    },
  }, async (req) => host.observe((req.body as { records: never[] }).records));

  app.post('/api/resolve', {
    preHandler: auth,
    schema: {
      tags: ['host'], summary: 'record the actual labels of earlier predictions', security: [{ bearer: [] }],
      body: { type: 'object', required: ['outcomes'], properties: { outcomes: { type: 'array', items: outcome, minItems: 1, maxItems: 100_000 } }, additionalProperties: false },
    },
  }, async (req) => host.resolve((req.body as { outcomes: never[] }).outcomes));
}
