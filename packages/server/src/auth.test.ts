import * as crypto from 'node:crypto';
import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isVigilError } from '@vigil/core';
import { bearerAuth, resolveApiToken } from './auth.js';

// Wrap timingSafeEqual and createHash to see what the check compares (behaviour unchanged).
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual), createHash: vi.fn(real.createHash) };
});

const EXPECTED = 'expected-token-with-forty-characters-abc';

async function call(token: string | undefined, header: string | undefined): Promise<number> {
  const app = Fastify();
  app.post('/w', { onRequest: bearerAuth(token) }, async () => ({ ok: true }));
  const r = await app.inject({
    method: 'POST',
    url: '/w',
    headers: header === undefined ? {} : { authorization: header },
    payload: {},
  });
  await app.close();
  return r.statusCode;
}

describe('bearerAuth', () => {
  afterEach(() => vi.mocked(crypto.timingSafeEqual).mockClear());

  it('accepts exactly the configured token', async () => {
    expect(await call(EXPECTED, `Bearer ${EXPECTED}`)).toBe(200);
    for (const h of [
      `Bearer ${EXPECTED} x`,
      `Bearer${EXPECTED}`,
      `Basic ${EXPECTED}`,
      EXPECTED,
      `Bearer ${EXPECTED.slice(1)}`,
      undefined,
      '',
    ]) {
      expect(await call(EXPECTED, h), String(h)).toBe(401);
    }
  });

  // Issue 16 item 8: the auth scheme is case-insensitive (RFC 7235 section 2.1), and RFC 6750 allows 1*SP after it.
  it('accepts the scheme in any case and one or more spaces before the token', async () => {
    for (const h of [`bearer ${EXPECTED}`, `BEARER ${EXPECTED}`, `BeArEr ${EXPECTED}`, `Bearer  ${EXPECTED}`])
      expect(await call(EXPECTED, h), h).toBe(200);
  });

  it('compares in constant time: both sides hashed to 32 bytes, then timingSafeEqual, whatever the lengths', async () => {
    const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);
    for (const given of [
      'x',
      EXPECTED.slice(0, 39),
      EXPECTED,
      `${EXPECTED}-and-much-longer-than-expected`,
      'é'.repeat(100),
    ]) {
      timingSafeEqual.mockClear();
      const status = await call(EXPECTED, `Bearer ${given}`);
      expect(status, given).toBe(given === EXPECTED ? 200 : 401);
      // called once per request, on two equal-length SHA-256 digests: the given token's and the expected one's
      expect(timingSafeEqual, given).toHaveBeenCalledTimes(1);
      const [a, b] = timingSafeEqual.mock.calls[0] as [Buffer, Buffer];
      expect(a.length).toBe(32);
      expect(b.length).toBe(32);
      const sha = (s: string): Buffer => crypto.createHash('sha256').update(s, 'utf8').digest();
      expect(Buffer.compare(a, sha(given))).toBe(0);
      expect(Buffer.compare(b, sha(EXPECTED))).toBe(0);
    }
  });

  it('refuses every request when no token is configured, without comparing anything', async () => {
    for (const h of ['Bearer ', 'Bearer undefined', `Bearer ${EXPECTED}`, undefined])
      expect(await call(undefined, h)).toBe(401);
    expect(await call('', 'Bearer ')).toBe(401);
    expect(vi.mocked(crypto.timingSafeEqual)).not.toHaveBeenCalled();
  });
});

// Issue 16 item 1: one rule for every source, the secret never echoed.
describe('resolveApiToken', () => {
  it('takes the explicit token, then config, then VIGIL_API_TOKEN, naming where it came from', () => {
    expect(resolveApiToken({ explicit: EXPECTED, config: undefined, env: {} })).toEqual({
      token: EXPECTED,
      source: 'options.token',
    });
    expect(resolveApiToken({ explicit: undefined, config: EXPECTED, env: { VIGIL_API_TOKEN: 'x' } })).toEqual({
      token: EXPECTED,
      source: 'server.token',
    });
    expect(resolveApiToken({ explicit: undefined, config: undefined, env: { VIGIL_API_TOKEN: EXPECTED } })).toEqual({
      token: EXPECTED,
      source: 'VIGIL_API_TOKEN',
    });
    expect(resolveApiToken({ explicit: undefined, config: undefined, env: { VIGIL_API_TOKEN: '' } })).toEqual({
      token: undefined,
      source: undefined,
    });
  });

  it('refuses a short or whitespace token from every source with a message that names the source, not the secret', () => {
    const cases = [
      { explicit: 'short123', explicitSource: '--token', config: undefined, env: {} },
      { explicit: undefined, config: undefined, env: { VIGIL_API_TOKEN: 'short' } },
      { explicit: ' '.repeat(16), config: undefined, env: {} },
      { explicit: undefined, config: 'tiny-secret', env: {} },
    ];
    const sources = ['--token', 'VIGIL_API_TOKEN', 'options.token', 'server.token'];
    cases.forEach((c, i) => {
      let err: unknown;
      try {
        resolveApiToken(c);
      } catch (e) {
        err = e;
      }
      expect(isVigilError(err, 'VIGIL_CONFIG_INVALID'), String(i)).toBe(true);
      const message = (err as Error).message;
      expect(message).toContain(sources[i]);
      expect(message).toMatch(/at least 16/);
      const secret = (c.explicit ?? c.config ?? c.env.VIGIL_API_TOKEN) as string;
      if (secret.trim()) expect(message).not.toContain(secret);
      expect(JSON.stringify(err)).not.toContain(secret.trim() || 'never');
    });
  });
});
