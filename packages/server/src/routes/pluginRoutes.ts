import type { VigilHost } from '@vigil/host';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { driftRoutes } from './driftRoutes.js';
import { gateRoutes } from './gateRoutes.js';
import { replayRoutes } from './replayRoutes.js';
import { sectorsRoutes } from './sectorsRoutes.js';

/** Routes of the enabled plugins (sectors, drift, replay, gate); a disabled plugin's routes answer 404. */
export function pluginRoutes(app: FastifyInstance, host: VigilHost, writeAuth: onRequestHookHandler): void {
  const enabled = new Set(host.plugins.map((p) => p.id));
  if (enabled.has('sectors')) sectorsRoutes(app, host);
  if (enabled.has('drift')) driftRoutes(app, host);
  if (enabled.has('replay')) replayRoutes(app, host);
  if (enabled.has('gate')) gateRoutes(app, host, writeAuth);
}
