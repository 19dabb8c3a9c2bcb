import { createHash, timingSafeEqual } from 'node:crypto';
import { VigilError, apiTokenProblem } from '@vigil/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** `<scheme> 1*SP <token>`; the scheme is case-insensitive (RFC 7235 section 2.1, RFC 6750 section 2.1). */
const BEARER = /^bearer +([^ ]+)$/i;

export interface TokenSources {
  /** A token handed over directly (`--token`, `buildServer({ token })`). */
  readonly explicit: string | undefined;
  /** How to name the explicit source in errors (default `options.token`). */
  readonly explicitSource?: string;
  /** `server.token` from the config. */
  readonly config: string | undefined;
  /** The environment (VIGIL_API_TOKEN; an empty value counts as unset). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * The API token in force and where it came from: the explicit one, else config `server.token`,
 * else VIGIL_API_TOKEN. Whatever the source, it must pass the one token rule (`apiTokenProblem`);
 * a bad one is refused naming the source, never the secret.
 */
export function resolveApiToken(s: TokenSources): { token: string | undefined; source: string | undefined } {
  const candidates: [string | undefined, string][] = [
    [s.explicit, s.explicitSource ?? 'options.token'],
    [s.config, 'server.token'],
    [s.env.VIGIL_API_TOKEN === '' ? undefined : s.env.VIGIL_API_TOKEN, 'VIGIL_API_TOKEN'],
  ];
  const found = candidates.find(([t]) => t !== undefined);
  if (!found) return { token: undefined, source: undefined };
  const [token, source] = found as [string, string];
  const problem = apiTokenProblem(token);
  if (problem)
    throw new VigilError('VIGIL_CONFIG_INVALID', `the API token from ${source} ${problem}`, {
      issues: [{ path: source, message: problem }],
    });
  return { token, source };
}

/**
 * An onRequest hook for write routes (runs before the body is parsed): `Authorization: Bearer <token>`, compared in constant time
 * (both sides hashed to 32 bytes first, so neither content nor length leaks through timing).
 * With no token configured, every write is refused: a server is never open for writes by omission.
 */
export function bearerAuth(token: string | undefined) {
  const expected = token ? digest(token) : undefined;
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const given = BEARER.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const ok = expected !== undefined && given.length > 0 && timingSafeEqual(digest(given), expected);
    if (!ok) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({
          error: {
            code: 'VIGIL_UNAUTHORIZED',
            message: expected
              ? 'a valid bearer token is required for write endpoints'
              : 'writes are disabled: no API token is configured (server.token or VIGIL_API_TOKEN)',
          },
        });
    }
  };
}
