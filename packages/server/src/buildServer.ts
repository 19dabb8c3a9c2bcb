import { createRequire } from 'node:module';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import type { VigilHost } from '@vigil/host';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { bearerAuth, resolveApiToken } from './auth.js';
import { installErrorHandler } from './errors.js';
import { installCsvParser } from './csvBody.js';
import { installJsonParser } from './jsonBody.js';
import { hostRoutes } from './routes/hostRoutes.js';
import { metricsRoute } from './routes/metricsRoute.js';
import { pluginRoutes } from './routes/pluginRoutes.js';
import { reportRoute } from './routes/reportRoute.js';

const require = createRequire(import.meta.url);
const { version } = require('../package.json') as { version: string };

export interface ServerOptions {
  /** A started host; the server never starts or stops it. */
  readonly host: VigilHost;
  /** Bearer token for write endpoints; defaults to config `server.token`, then VIGIL_API_TOKEN. Without one, writes answer 401. */
  readonly token?: string;
  /** How to name `token` in an error (e.g. `--token`; default `options.token`). */
  readonly tokenSource?: string;
  /** Serve the dashboard at `/` (default true). */
  readonly dashboard?: boolean;
  readonly logger?: FastifyServerOptions['logger'];
}

/**
 * Vigil's routes as a fastify plugin, for a trading service that mounts them in its own server
 * (`app.register(vigilRoutes, { host, token, prefix: '/vigil' })`).
 */
export async function vigilRoutes(app: FastifyInstance, o: ServerOptions): Promise<void> {
  // one rule for every source; a bad token stops the server from starting, naming the source, never the token
  const { token } = resolveApiToken({
    explicit: o.token,
    ...(o.tokenSource ? { explicitSource: o.tokenSource } : {}),
    config: o.host.config.server.token,
    env: process.env,
  });
  if (token === undefined)
    o.host.logger.warn(
      'no API token is set (server.token, VIGIL_API_TOKEN or --token): writes are disabled; every write endpoint answers 401',
    );
  const auth = bearerAuth(token);
  installErrorHandler(app);
  // response schemas document the API (OpenAPI); they never reshape an answer: plain JSON.stringify
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installJsonParser(app);
  installCsvParser(app);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Vigil', description: 'Monitoring and promotion gate for ML trading models', version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  hostRoutes(app, o.host, auth, version);
  metricsRoute(app, o.host);
  reportRoute(app, o.host, version);
  await pluginRoutes(app, o.host, auth, o.dashboard ?? true);
  if (o.dashboard ?? true) {
    const { dashboardDir, uplotDir } = (await import('@vigil/dashboard')) as { dashboardDir: string; uplotDir: string };
    await app.register(fastifyStatic, { root: dashboardDir, prefix: '/', index: ['index.html'] });
    await app.register(fastifyStatic, { root: uplotDir, prefix: '/vendor/uplot/', decorateReply: false });
  }
}

/** Builds (does not listen) the HTTP server over a started host, like fastify's build()/listen() split. */
export async function buildServer(o: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: o.logger ?? false,
    bodyLimit: 64 * 1024 * 1024,
    // allErrors off: a body of millions of bad items must cost one error, not millions (ajv's advice for untrusted input)
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, useDefaults: true } },
  });
  await app.register(vigilRoutes, o);
  return app;
}
