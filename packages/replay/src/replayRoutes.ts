import { type PluginRoutes, type QueryString, intParam } from '@vigil/core';
// route schemas carry OpenAPI tags and summaries (types from @fastify/swagger, which the server registers)
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { ErrorReplayBuffer } from './ErrorReplayBuffer.js';
import { replayReport } from './replayReport.js';

/** `GET /api/replay`: the error replay buffer (docs/api.md, Replay buffer). */
export function replayRoutes(buffer: ErrorReplayBuffer): PluginRoutes {
  return async (app: FastifyInstance) => {
    app.get(
      '',
      { schema: { tags: ['replay'], summary: 'error replay buffer: stats and the worst errors' } },
      async (req) => replayReport(buffer, intParam(req.query as QueryString, 'top', 20, 0, 1000)),
    );
  };
}
