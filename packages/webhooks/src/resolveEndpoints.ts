import { VigilError } from '@vigil/core';
import type { ResolvedEndpoint } from './WebhookDispatcher.js';
import type { WebhooksOptions } from './config.js';

/** Reads each endpoint's secret (inline or from its environment variable); a missing one names the config path. */
export function resolveEndpoints(o: WebhooksOptions, env: NodeJS.ProcessEnv = process.env): ResolvedEndpoint[] {
  return o.endpoints.map((e, i) => {
    const secret = e.secret ?? env[e.secretEnv ?? ''];
    if (!secret || secret.length < 16) {
      throw new VigilError(
        'VIGIL_INVALID_INPUT',
        `plugins.webhooks.options.endpoints[${i}].secretEnv: environment variable ${e.secretEnv} is ${secret ? 'shorter than 16 characters' : 'not set'}; set it to the endpoint's signing secret`,
        {
          issues: [
            {
              path: `plugins.webhooks.options.endpoints[${i}].secretEnv`,
              message: secret ? 'secret shorter than 16 characters' : 'not set',
              value: e.secretEnv,
            },
          ],
        },
      );
    }
    return { id: e.id, url: e.url, events: e.events, secret };
  });
}
