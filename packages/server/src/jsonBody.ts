import { VigilError } from '@vigil/core';
import type { FastifyInstance } from 'fastify';

/** Deepest nesting a request body may have; the API's own bodies need 6. */
export const MAX_BODY_DEPTH = 32;

/** The nesting depth of a parsed JSON value, found without recursion (so a hostile body cannot blow the stack), stopping past `limit`. */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    const depth = d + 1;
    if (depth > max) max = depth;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth]);
  }
  return max;
}

/**
 * fastify's JSON parser (prototype and constructor poisoning refused) plus a nesting limit, so
 * no downstream code that walks a body recursively (schema checks, hashing, canonical JSON) can
 * be driven into a stack overflow. Scoped to the Vigil routes' plugin context.
 */
export function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    parse(req, body as string, (err: Error | null, value?: unknown) => {
      if (err) return done(err, undefined);
      if (jsonDepth(value, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
        const message = `is nested deeper than ${MAX_BODY_DEPTH} levels`;
        return done(new VigilError('VIGIL_INVALID_INPUT', `body: ${message}`, { issues: [{ path: 'body', message, value: undefined }] }), undefined);
      }
      done(null, value);
    });
  });
}
