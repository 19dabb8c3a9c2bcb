import type { PluginRoutes } from '@vigil/core';
import type { DeliveryStatus } from './entities/WebhookDelivery.js';
import type { DeliveryLog } from './deliveryLog.js';

/** `GET /api/webhooks/deliveries?status=&endpoint=&limit=`: the delivery log with each attempt. */
export const webhooksRoutes =
  (log: DeliveryLog): PluginRoutes =>
  async (app) => {
    app.get('/deliveries', async (req: { query: Record<string, string | undefined> }) => {
      const q = req.query;
      const limit = q.limit === undefined ? undefined : Number(q.limit);
      return { deliveries: await log.list({ status: q.status as DeliveryStatus | undefined, endpoint: q.endpoint, limit }) };
    });
  };
