import { type PluginRoutes, type QueryString, intParam, modelParam } from '@vigil/core';
// route schemas carry OpenAPI tags and summaries (types from @fastify/swagger, which the server registers)
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { SectorsOptions } from './config.js';
import type { SectorTracker } from './SectorTracker.js';
import { sectorsReport } from './sectorsReport.js';
import { modelQuery, modelsSchema, sectorsReportSchema, symbolsSchema } from './sectorsSchemas.js';

const MODEL_FIELD = 'querystring.model';

/**
 * `GET /api/sectors[/:sector/symbols]`: accuracy by GICS sector and symbol for one model
 * (docs/api.md, Sectors). `GET /api/sectors` is `vigil sectors report --json`: the same document
 * from the same function, with the same options as query parameters.
 */
export function sectorsRoutes(tracker: SectorTracker, options: SectorsOptions): PluginRoutes {
  return async (app: FastifyInstance) => {
    app.get(
      '',
      {
        schema: {
          tags: ['sectors'],
          summary: "one model's accuracy by GICS sector with Wilson intervals, by regime; the weakest sectors",
          querystring: {
            type: 'object',
            properties: {
              model: modelQuery,
              weakest: { type: 'string', description: 'how many weakest sectors to list (default 3)' },
              minResolved: {
                type: 'string',
                description: 'resolved predictions a sector needs to be ranked (default: the plugin option)',
              },
              symbols: {
                type: 'string',
                description: "also return the symbol table: 'true' (or empty) for every symbol, or a sector's name",
              },
            },
          },
          response: { 200: sectorsReportSchema },
        },
      },
      async (req) => {
        const q = req.query as QueryString;
        const symbols =
          q.symbols === undefined ? undefined : q.symbols === '' || q.symbols === 'true' ? true : q.symbols;
        return sectorsReport(tracker, options, {
          model: modelParam(q),
          modelField: MODEL_FIELD,
          weakest: intParam(q, 'weakest', 3, 0, 1000),
          minResolved: q.minResolved === undefined ? undefined : intParam(q, 'minResolved', 1, 1, 1_000_000_000),
          ...(symbols === undefined ? {} : { symbols }),
        });
      },
    );

    app.get(
      '/models',
      {
        schema: {
          tags: ['sectors'],
          summary:
            'the models with tracked predictions (the values `?model=` takes) and `latest`, the model of the newest tracked prediction',
          querystring: { type: 'object', properties: {} },
          response: { 200: modelsSchema },
        },
      },
      async () => ({ models: tracker.models(), latest: tracker.latestModel }),
    );

    app.get(
      '/:sector/symbols',
      {
        schema: {
          tags: ['sectors'],
          summary: "a sector's symbols for one model, with their accuracy and best regime",
          querystring: { type: 'object', properties: { model: modelQuery } },
          params: { type: 'object', properties: { sector: { type: 'string', description: 'a GICS sector name' } } },
          response: { 200: symbolsSchema },
        },
      },
      async (req) => {
        const sector = (req.params as { sector: string }).sector;
        const report = sectorsReport(tracker, options, {
          model: modelParam(req.query as QueryString),
          modelField: MODEL_FIELD,
          weakest: 0,
          symbols: sector,
        });
        return { sector, model: report.model, models: report.models, symbols: report.symbols ?? [] };
      },
    );
  };
}
