import { type PluginRoutes, type QueryString, VigilError, intParam, modelParam } from '@vigil/core';
// route schemas carry OpenAPI tags and summaries (types from @fastify/swagger, which the server registers)
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { ErrorReplayBuffer } from './ErrorReplayBuffer.js';
import { exportLines, exportSet } from './replayExport.js';
import { replayReport } from './replayReport.js';
import { exportSchema, modelsSchema, replayReportSchema } from './replaySchemas.js';

const MODEL_FIELD = 'querystring.model';
const modelQuery = {
  type: 'string',
  description: 'the model version whose buffer to read; required (400 listing the models) when several are buffered',
} as const;

const FORMATS = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;
type Format = keyof typeof FORMATS;

/** `?format=` if given, else the Accept header (text/csv, application/x-ndjson), else JSON. */
function formatOf(q: QueryString, accept: string | undefined): Format {
  const f = q.format;
  if (f !== undefined) {
    if (f === 'csv' || f === 'jsonl' || f === 'json') return f;
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      `querystring.format: must be csv, jsonl or json, got ${JSON.stringify(f)}`,
      {
        issues: [{ path: 'querystring.format', message: 'must be csv, jsonl or json', value: f }],
      },
    );
  }
  if (accept?.includes('text/csv')) return 'csv';
  if (accept?.includes('application/x-ndjson') || accept?.includes('application/jsonl')) return 'jsonl';
  return 'json';
}

/**
 * `GET /api/replay` (= `vigil replay stats --json`) and `GET /api/replay/export`
 * (= `vigil replay export`, without `--sample`: a sample counts as a replay, which a GET must not
 * do), one model at a time (docs/api.md, Replay buffer).
 */
export function replayRoutes(buffer: ErrorReplayBuffer): PluginRoutes {
  return async (app: FastifyInstance) => {
    app.get(
      '',
      {
        schema: {
          tags: ['replay'],
          summary: "one model's error replay buffer: stats and the worst errors",
          querystring: {
            type: 'object',
            properties: {
              model: modelQuery,
              top: { type: 'string', description: 'how many worst errors (0-1000, default 20)' },
            },
          },
          response: { 200: replayReportSchema },
        },
      },
      async (req) => {
        const q = req.query as QueryString;
        return replayReport(buffer, intParam(q, 'top', 20, 0, 1000), { model: modelParam(q), field: MODEL_FIELD });
      },
    );

    app.get(
      '/models',
      {
        schema: {
          tags: ['replay'],
          summary:
            'the models with buffered errors (the values `?model=` takes) and `latest`, the model of the newest buffered error',
          querystring: { type: 'object', properties: {} },
          response: { 200: modelsSchema },
        },
      },
      async () => ({ models: buffer.models(), latest: buffer.latestModel }),
    );

    app.get(
      '/export',
      {
        schema: {
          tags: ['replay'],
          summary:
            "one model's buffered errors, worst first, with the caller's prediction id and modelVersion: CSV, JSON Lines or JSON",
          querystring: {
            type: 'object',
            properties: {
              model: modelQuery,
              format: { type: 'string', description: 'csv, jsonl or json (default: by the Accept header, else json)' },
            },
          },
          response: {
            200: {
              description: 'JSON (format=json), CSV (text/csv) or JSON Lines (application/x-ndjson)',
              content: {
                'application/json': { schema: exportSchema },
                'text/csv': { schema: { type: 'string' } },
                'application/x-ndjson': { schema: { type: 'string' } },
              },
            },
          },
        },
      },
      async (req, reply) => {
        const q = req.query as QueryString;
        const format = formatOf(q, req.headers.accept);
        const set = await exportSet(buffer, undefined, { model: modelParam(q), field: MODEL_FIELD });
        reply.header('content-type', FORMATS[format]);
        if (format === 'json') {
          const rows = [...exportLines(set, 'jsonl')].map((l) => JSON.parse(l) as unknown);
          return { model: set.model, featureNames: set.featureNames, rows };
        }
        let body = '';
        for (const line of exportLines(set, format)) body += `${line}\n`;
        return body;
      },
    );
  };
}
