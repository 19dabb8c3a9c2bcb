import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * An onRequest hook for write routes (runs before the body is parsed): `Authorization: Bearer <token>`, compared in constant time
 * (both sides hashed to 32 bytes first, so neither content nor length leaks through timing).
 * With no token configured, every write is refused: a server is never open for writes by omission.
 */
export function bearerAuth(token: string | undefined) {
  const expected = token ? digest(token) : undefined;
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    const ok = expected !== undefined && given.length > 0 && timingSafeEqual(digest(given), expected);
    if (!ok) {
      await reply.code(401).header('www-authenticate', 'Bearer').send({
        error: {
          code: 'VIGIL_UNAUTHORIZED',
          message: expected ? 'a valid bearer token is required for write endpoints' : 'writes are disabled: no API token is configured (server.token or VIGIL_API_TOKEN)',
        },
      });
    }
  };
}
