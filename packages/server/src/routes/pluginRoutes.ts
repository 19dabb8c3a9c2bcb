import fastifyStatic from '@fastify/static';
import { VigilError } from '@vigil/core';
import type { VigilHost } from '@vigil/host';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';

/**
 * Mounts what the enabled plugins contribute: each one's routes, encapsulated under
 * `/api/<plugin-id>`, and its dashboard view (`GET /api/views`, scripts under `/plugins/<id>/`).
 * An installed but disabled plugin's paths answer 404 `VIGIL_PLUGIN_DISABLED` naming it. The
 * server names no plugin: it loops over what the host initialised.
 */
export async function pluginRoutes(
  app: FastifyInstance,
  host: VigilHost,
  writeAuth: onRequestHookHandler,
  dashboard: boolean,
): Promise<void> {
  for (const { plugin, instance } of host.initialized) {
    if (instance.routes)
      await app.register(async (scope) => instance.routes?.(scope, { writeAuth }), { prefix: `/api/${plugin.id}` });
  }
  const enabled = new Set(host.plugins.map((p) => p.id));
  for (const p of host.installed.filter((x) => !enabled.has(x.id))) {
    const refuse = async (): Promise<never> => {
      throw new VigilError(
        'VIGIL_PLUGIN_DISABLED',
        `plugin '${p.id}' is disabled in the config (plugins.${p.id}.enabled: false); enable it to use its routes (api/${p.id})`,
        { details: { plugin: p.id } },
      );
    };
    app.all(`/api/${p.id}`, { schema: { hide: true } }, refuse);
    app.all(`/api/${p.id}/*`, { schema: { hide: true } }, refuse);
  }

  const views = host.views();
  app.get(
    '/api/views',
    {
      schema: {
        tags: ['host'],
        summary: "the enabled plugins' dashboard views, in tab order",
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              required: ['pluginId', 'title', 'label', 'route', 'script'],
              properties: {
                pluginId: { type: 'string' },
                title: { type: 'string' },
                label: { type: 'string' },
                route: { type: 'string' },
                script: { type: 'string', description: 'relative to the dashboard: plugins/<id>/<file>' },
              },
            },
          },
        },
      },
    },
    async () =>
      views.map((v) => ({
        pluginId: v.pluginId,
        title: v.title,
        label: v.label ?? v.title,
        route: v.route,
        script: `plugins/${v.pluginId}/${v.script}`,
      })),
  );
  if (!dashboard) return;
  for (const v of views) {
    await app.register(fastifyStatic, {
      root: v.dir,
      prefix: `/plugins/${v.pluginId}/`,
      decorateReply: false,
      index: false,
    });
  }
}
