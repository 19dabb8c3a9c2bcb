import { VigilError, parseReportQuery } from '@vigil/core';
import type { VigilHost } from '@vigil/host';
import type { FastifyInstance } from 'fastify';
import { buildReport } from '../report/buildReport.js';
import { renderReportHtml } from '../report/renderReportHtml.js';

const open = { type: 'object', additionalProperties: true } as const;
/** The report's JSON shape (core's `VigilReport`); sections' blocks are typed in docs/api.md. */
export const reportSchema = {
  type: 'object',
  required: ['title', 'generatedAt', 'version', 'database', 'query', 'plugins', 'sections'],
  properties: {
    title: { type: 'string' },
    generatedAt: { type: 'string' },
    version: { type: 'string' },
    database: { type: 'string' },
    query: {
      type: 'object',
      properties: {
        model: { type: 'string', nullable: true },
        from: { type: 'string', nullable: true },
        to: { type: 'string', nullable: true },
      },
    },
    plugins: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          enabled: { type: 'boolean' },
          sections: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    sections: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'title', 'status', 'summary', 'blocks'],
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'string', enum: ['ok', 'info', 'warning', 'alert', 'disabled', 'error'] },
          summary: { type: 'string' },
          blocks: { type: 'array', items: open },
        },
      },
    },
  },
} as const;

/** Which format a request asks for: `?format=` wins, then `Accept` (text/html before JSON), else JSON. */
export function reportFormat(format: string | undefined, accept: string | undefined): 'html' | 'json' {
  if (format !== undefined) {
    if (format === 'html' || format === 'json') return format;
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      `querystring.format must be html or json, got ${JSON.stringify(format)}`,
      {
        issues: [{ path: 'querystring.format', message: 'must be html or json', value: format }],
      },
    );
  }
  const types = (accept ?? '').split(',').map((t) => t.split(';')[0]?.trim().toLowerCase());
  const html = types.indexOf('text/html');
  const json = types.indexOf('application/json');
  return html >= 0 && (json < 0 || html < json) ? 'html' : 'json';
}

/** `GET /api/report`: the audit report (JSON, or one self-contained HTML page), by model and date range. */
export function reportRoute(app: FastifyInstance, host: VigilHost, version: string): void {
  app.get(
    '/api/report',
    {
      schema: {
        tags: ['host'],
        summary:
          'the audit report: production and promotion history, drift episodes, accuracy by sector/regime, replay buffer, gate decisions; JSON or one self-contained HTML page',
        querystring: {
          type: 'object',
          properties: {
            model: {
              type: 'string',
              description:
                'only this model version (default: the live model, when the gate names one, else every model; `*`: every model side by side)',
            },
            from: { type: 'string', description: 'predictions with timestamp >= from (ISO 8601)' },
            to: { type: 'string', description: 'predictions with timestamp < to (ISO 8601)' },
            format: { type: 'string', description: 'html or json; default from Accept, else json' },
          },
          additionalProperties: false,
        },
        produces: ['application/json', 'text/html'],
        response: {
          200: {
            description: 'the report',
            content: { 'application/json': { schema: reportSchema }, 'text/html': { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (req, reply) => {
      const q = req.query as { model?: string; from?: string; to?: string; format?: string };
      const format = reportFormat(q.format, req.headers.accept);
      const report = await buildReport(
        host,
        parseReportQuery(q, { model: 'querystring.model', from: 'querystring.from', to: 'querystring.to' }),
        version,
      );
      if (format === 'json') return reply.type('application/json').send(report);
      return reply.type('text/html; charset=utf-8').send(await renderReportHtml(report));
    },
  );
}
