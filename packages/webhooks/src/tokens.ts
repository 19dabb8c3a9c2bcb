import { defineToken } from '@vigil/core';
import type { WebhookDispatcher } from './WebhookDispatcher.js';
import type { DeliveryLog } from './deliveryLog.js';

export const webhookDispatcherToken = defineToken<WebhookDispatcher>('webhooks.dispatcher');
export const webhookDeliveryLogToken = defineToken<DeliveryLog>('webhooks.deliveryLog');
