export { webhooksPlugin } from './plugin.js';
export { WebhookDispatcher, type ResolvedEndpoint } from './WebhookDispatcher.js';
export { DeliveryLog, type DeliveryQuery, type DeliveryWithAttempts } from './deliveryLog.js';
export {
  backoffMs,
  eventMatches,
  webhooksOptionsSchema,
  type WebhookEndpointConfig,
  type WebhooksOptions,
} from './config.js';
export { SIGNATURE_HEADER, signPayload, verifySignature } from './signature.js';
export { DELIVERY_TABLE, type DeliveryStatus, type WebhookDeliveryRow } from './entities/WebhookDelivery.js';
export { ATTEMPT_TABLE, type WebhookAttemptRow } from './entities/WebhookAttempt.js';
export { webhookDeliveryLogToken, webhookDispatcherToken } from './tokens.js';
