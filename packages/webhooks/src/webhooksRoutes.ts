import { type PluginRoutes, type QueryString, VigilError, intParam } from '@vigil/core';
// route schemas carry OpenAPI tags and summaries (types from @fastify/swagger, which the server registers)
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { DeliveryLog } from './deliveryLog.js';
import type { DeliveryStatus } from './entities/WebhookDelivery.js';

const STATUSES = ['pending', 'delivered', 'failed'];

/**
 * `GET /api/webhooks/deliveries?status=&endpoint=&limit=`: the delivery log, newest first, each
 * with its attempts. Reads are open, so endpoint URLs (which may embed a token) are not shown:
 * deliveries name their endpoint by id.
 */
export function webhooksRoutes(log: DeliveryLog): PluginRoutes {
  return async (app: FastifyInstance) => {
    app.get(
      '/deliveries',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'webhook deliveries, newest first, with every attempt',
          querystring: {
            type: 'object',
            properties: {
              status: { type: 'string', description: 'pending, delivered or failed' },
              endpoint: { type: 'string', description: "an endpoint's id" },
              limit: { type: 'string', description: 'integer in [1, 1000], default 100' },
            },
            additionalProperties: false,
          },
          response: {
            200: {
              type: 'object',
              required: ['deliveries'],
              properties: {
                deliveries: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      id: { type: 'integer' },
                      eventId: { type: 'string' },
                      eventType: { type: 'string' },
                      endpoint: { type: 'string' },
                      status: { type: 'string', enum: STATUSES },
                      attempts: { type: 'integer' },
                      nextAttemptAt: { type: 'string', nullable: true },
                      lastStatusCode: { type: 'integer', nullable: true },
                      lastError: { type: 'string', nullable: true },
                      createdAt: { type: 'string' },
                      deliveredAt: { type: 'string', nullable: true },
                      payload: { type: 'object', additionalProperties: true },
                      attemptLog: { type: 'array', items: { type: 'object', additionalProperties: true } },
                    },
                  },
                },
              },
            },
          },
        },
      },
      async (req) => {
        const q = req.query as QueryString;
        if (q.status !== undefined && !STATUSES.includes(q.status)) {
          throw new VigilError(
            'VIGIL_INVALID_INPUT',
            `querystring.status: must be one of ${STATUSES.join(', ')}, got ${JSON.stringify(q.status)}`,
            {
              issues: [
                { path: 'querystring.status', message: `must be one of ${STATUSES.join(', ')}`, value: q.status },
              ],
            },
          );
        }
        const rows = await log.list({
          status: q.status as DeliveryStatus | undefined,
          endpoint: q.endpoint || undefined,
          limit: intParam(q, 'limit', 100, 1, 1000),
        });
        return {
          deliveries: rows.map((d) => ({
            id: d.id,
            eventId: d.event_id,
            eventType: d.event_type,
            endpoint: d.endpoint_id,
            status: d.status,
            attempts: d.attempts,
            nextAttemptAt: d.status === 'pending' ? d.next_attempt_at : null,
            lastStatusCode: d.last_status_code,
            lastError: d.last_error,
            createdAt: d.created_at,
            deliveredAt: d.delivered_at,
            payload: JSON.parse(d.payload_json) as unknown,
            attemptLog: d.attemptLog.map((a) => ({
              attempt: a.attempt,
              at: a.attempted_at,
              statusCode: a.status_code,
              error: a.error,
              durationMs: a.duration_ms,
            })),
          })),
        };
      },
    );
  };
}
