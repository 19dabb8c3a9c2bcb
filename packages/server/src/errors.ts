import { RENAMED_FIELDS, type VigilErrorCode, isVigilError, withoutAbsolutePaths } from '@vigil/core';

/** Kept here for the server's callers; the one implementation lives in core (plugin routes use it too). */
export { withoutAbsolutePaths };
import type { FastifyError, FastifyInstance } from 'fastify';

const STATUS: Partial<Record<VigilErrorCode, number>> = {
  VIGIL_INVALID_INPUT: 400,
  VIGIL_CONFIG_INVALID: 400,
  VIGIL_INSUFFICIENT_DATA: 422,
  VIGIL_UNKNOWN_PREDICTION: 404,
  VIGIL_NOT_FOUND: 404,
  VIGIL_PLUGIN_DISABLED: 404,
  VIGIL_PATH_REFUSED: 403,
  VIGIL_CONFLICTING_OUTCOME: 409,
  VIGIL_DUPLICATE_PREDICTION: 409,
  VIGIL_CONFLICT: 409,
  VIGIL_DUPLICATE_CRITERION: 500,
  VIGIL_HOST_STATE: 503,
};

const LOCATIONS = /^(body|querystring|params|headers)(\.|$)/;

/**
 * An issue path as the API reports it: where in the request the field is, dotted
 * (`records[0].confidence` from the host becomes `body.records.0.confidence`, like a schema failure).
 */
export function requestPath(path: string, method: string): string {
  const dotted = path.replace(/\[(\d+)\]/g, '.$1');
  if (LOCATIONS.test(dotted) || method === 'GET' || method === 'HEAD') return dotted;
  return dotted === '' ? 'body' : `body.${dotted}`;
}

/** The old name and the new one when a schema failure is a field sent under its old name (see RENAMED_FIELDS). */
function renamedField(
  body: unknown,
  instancePath: string,
  p: { missingProperty?: string; additionalProperty?: string } | undefined,
): [string, string] | undefined {
  if (p?.additionalProperty !== undefined) {
    const now = RENAMED_FIELDS[p.additionalProperty];
    return now === undefined ? undefined : [p.additionalProperty, now];
  }
  if (p?.missingProperty === undefined) return undefined;
  let o: unknown = body;
  for (const k of instancePath.split('/').slice(1)) o = (o as Record<string, unknown> | undefined)?.[k];
  if (typeof o !== 'object' || o === null) return undefined;
  const old = Object.keys(o).find((k) => RENAMED_FIELDS[k] === p.missingProperty);
  return old === undefined ? undefined : [old, p.missingProperty];
}

/** Maps coded errors to statuses and schema failures to 400s that name the field; never leaks a stack. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isVigilError(err)) {
      const status = STATUS[err.code] ?? 500;
      if (status >= 500) req.log.error({ err }, 'request failed');
      const message = withoutAbsolutePaths(err.message);
      const issues = err.issues.map(({ path, message }) => ({
        path: requestPath(path, req.method),
        message: withoutAbsolutePaths(message),
      }));
      // a refusal of a write that names no field is about the request body as a whole
      if (issues.length === 0 && status < 500 && req.method !== 'GET' && req.method !== 'HEAD')
        issues.push({ path: 'body', message });
      return reply.code(status).send({ error: { code: err.code, message, issues } });
    }
    if (err.validation) {
      const issues = err.validation.map((v) => {
        const at = `${err.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`;
        const p = (v.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
        // a field sent under an old name (`predicted`): say its new name rather than "missing predictedLabel"
        const renamed = renamedField(req.body, v.instancePath, p);
        if (renamed)
          return { path: `${at}.${renamed[0]}`, message: `is not a field: it was renamed to '${renamed[1]}'` };
        // name the field: the one missing, or the one not allowed
        const field = p.missingProperty ?? p.additionalProperty;
        return {
          path: `${at}${field ? `.${field}` : ''}`,
          message: p.additionalProperty ? 'is not a known field' : (v.message ?? 'is invalid'),
        };
      });
      return reply.code(400).send({
        error: {
          code: 'VIGIL_INVALID_INPUT',
          message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
          issues,
        },
      });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.code(500).send({ error: { code: 'VIGIL_INTERNAL', message: 'internal error; see the server log' } });
    }
    // fastify's own refusals (unparsable JSON, empty body, unsupported content type, body too large,
    // prototype poisoning) are about the body as a whole
    return reply.code(status).send({
      error: {
        code: err.code ?? 'VIGIL_BAD_REQUEST',
        message: err.message,
        issues: [{ path: 'body', message: err.message }],
      },
    });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'VIGIL_NOT_FOUND', message: `no route ${req.method} ${req.url}` } }),
  );
}
