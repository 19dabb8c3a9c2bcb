import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backoffMs, eventMatches } from './config.js';
import { signPayload, verifySignature } from './signature.js';

describe('signature', () => {
  const body = '{"id":"e1","type":"gate.decision"}';
  it('signs "<t>.<body>" with HMAC-SHA256, as a receiver recomputes it with node:crypto', () => {
    const h = signPayload('k'.repeat(16), body, 1_700_000_000);
    expect(h).toBe(
      `t=1700000000,v1=${createHmac('sha256', 'k'.repeat(16)).update(`1700000000.${body}`).digest('hex')}`,
    );
  });
  it('verifies within the tolerance only, and refuses another key or body', () => {
    const h = signPayload('secret-secret-secret', body, 1000);
    expect(verifySignature('secret-secret-secret', body, h, 1200)).toBe(true);
    expect(verifySignature('secret-secret-secret', body, h, 1301)).toBe(false);
    expect(verifySignature('other-secret-secret', body, h, 1000)).toBe(false);
    expect(verifySignature('secret-secret-secret', `${body} `, h, 1000)).toBe(false);
    expect(verifySignature('secret-secret-secret', body, 'garbage', 1000)).toBe(false);
  });
});

describe('delivery rules', () => {
  it('matches exact types and trailing wildcards', () => {
    expect(eventMatches('*', 'drift.episode.onset')).toBe(true);
    expect(eventMatches('drift.*', 'drift.episode.onset')).toBe(true);
    expect(eventMatches('drift.episode.*', 'drift.episode.end')).toBe(true);
    expect(eventMatches('drift.*', 'gate.decision')).toBe(false);
    expect(eventMatches('gate.decision', 'gate.decisions')).toBe(false);
  });
  it('backs off exponentially with +-20% jitter, capped', () => {
    const o = { initialBackoffMs: 1000, maxBackoffMs: 60_000 };
    expect([1, 2, 3, 4].map((a) => backoffMs(a, o, () => 0.5))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(1, o, () => 0)).toBe(800);
    expect(backoffMs(1, o, () => 1)).toBe(1200);
    expect(backoffMs(20, o, () => 0.5)).toBe(60_000);
  });
});
