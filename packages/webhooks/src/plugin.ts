import { dataSourceToken, definePlugin, eventBusToken, loggerToken, transactorToken } from '@vigil/core';
import { WebhookDispatcher } from './WebhookDispatcher.js';
import { webhooksOptionsSchema } from './config.js';
import { DeliveryLog } from './deliveryLog.js';
import { WebhookAttemptEntity } from './entities/WebhookAttempt.js';
import { WebhookDeliveryEntity } from './entities/WebhookDelivery.js';
import { WebhooksInit1700000009000 } from './migrations/WebhooksInit1700000009000.js';
import { resolveEndpoints } from './resolveEndpoints.js';
import { webhookDeliveryLogToken, webhookDispatcherToken } from './tokens.js';
import { webhooksRoutes } from './webhooksRoutes.js';

export const webhooksPlugin = definePlugin({
  id: 'webhooks',
  description:
    'Signed webhook deliveries of the events plugins emit (drift episodes, gate decisions and promotions), from a transactional outbox',
  options: webhooksOptionsSchema,
  entities: [WebhookDeliveryEntity, WebhookAttemptEntity],
  migrations: [WebhooksInit1700000009000],
  deps: { dataSource: dataSourceToken, transactor: transactorToken, logger: loggerToken, events: eventBusToken },
  init({ dataSource, transactor, logger, events }, options) {
    const dispatcher = new WebhookDispatcher({
      dataSource,
      transactor,
      logger,
      options,
      endpoints: resolveEndpoints(options),
    });
    const unsubscribe = events.subscribe(dispatcher.enqueue);
    const log = new DeliveryLog(() => dataSource);
    return {
      provides: [
        [webhookDispatcherToken, dispatcher],
        [webhookDeliveryLogToken, log],
      ],
      routes: webhooksRoutes(log),
      start: async () => dispatcher.start(),
      stop: async () => {
        unsubscribe();
        await dispatcher.stop();
      },
    };
  },
});
