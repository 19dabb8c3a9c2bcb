import { VigilError, csvDocument } from '@vigil/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The routes that take CSV, and the body key its rows go under (the JSON body's shape). */
const CSV_ROUTES: Readonly<Record<string, string>> = { '/api/observe': 'records', '/api/resolve': 'outcomes' };

/**
 * `text/csv` bodies for observe and resolve: a header line, then one record (or outcome) per
 * row, columns as `vigil observe --format csv` reads them (core's `csvDocument`, the one
 * implementation). The rows become `{ records }` / `{ outcomes }` and then meet the same schema,
 * checks and batch limits as a JSON body. Any other route answers 415 for CSV.
 */
export function installCsvParser(app: FastifyInstance): void {
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, async (req: FastifyRequest, body: string) => {
    const url = req.routeOptions?.url ?? '';
    const key = Object.entries(CSV_ROUTES).find(([path]) => url.endsWith(path))?.[1];
    if (!key)
      throw Object.assign(
        new Error(`text/csv is accepted only by ${Object.keys(CSV_ROUTES).join(' and ')}; send application/json`),
        { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' },
      );
    if (body.includes('\u0000'))
      throw new VigilError('VIGIL_INVALID_INPUT', 'body: CSV must not contain NUL characters', {
        issues: [{ path: 'body', message: 'contains NUL', value: null }],
      });
    return { [key]: csvDocument(body) };
  });
}
