import { z } from 'zod';

const EVENT_PATTERN = /^(\*|[a-z][a-z0-9-]*(\.([a-z][a-zA-Z0-9-]*|\*))*)$/;

export const webhookEndpointSchema = z
  .strictObject({
    /** Names the endpoint in the delivery log (`webhooks_delivery.endpoint_id`). */
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, _ . or -'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    /** Event types to send: exact (`gate.promotion`) or a trailing wildcard (`drift.*`, `*`). */
    events: z
      .array(z.string().regex(EVENT_PATTERN, "must be an event type such as 'drift.episode.onset', 'gate.*' or '*'"))
      .min(1)
      .default(['*']),
    /** The HMAC-SHA256 key, from the environment variable named here (preferred: keeps it out of the config file)... */
    secretEnv: z.string().min(1).optional(),
    /** ...or given inline. */
    secret: z.string().min(16, 'must be at least 16 characters').optional(),
  })
  .refine((e) => (e.secret === undefined) !== (e.secretEnv === undefined), {
    message: 'give exactly one of secret or secretEnv',
  });

export const webhooksOptionsSchema = z.strictObject({
  endpoints: z
    .array(webhookEndpointSchema)
    .default([])
    .refine((a) => new Set(a.map((e) => e.id)).size === a.length, { message: 'endpoint ids must be unique' }),
  /** Attempts per delivery before it is marked failed. */
  maxAttempts: z.number().int().min(1).max(100).default(12),
  /** First retry after this long; each later one waits twice as long (capped at maxBackoffMs), +-20% jitter. */
  initialBackoffMs: z.number().int().min(1).default(1000),
  maxBackoffMs: z
    .number()
    .int()
    .min(1)
    .default(15 * 60_000),
  /** Per-attempt HTTP timeout. */
  timeoutMs: z.number().int().min(1).default(10_000),
});

export type WebhooksOptions = z.output<typeof webhooksOptionsSchema>;
export type WebhookEndpointConfig = z.output<typeof webhookEndpointSchema>;

/** `drift.*` matches `drift.episode.onset`; `*` matches everything. */
export function eventMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** Delay before attempt `attempt + 1` (attempt >= 1 has failed): exponential, capped, jittered. */
export function backoffMs(
  attempt: number,
  o: Pick<WebhooksOptions, 'initialBackoffMs' | 'maxBackoffMs'>,
  random: () => number = Math.random,
): number {
  const base = Math.min(o.maxBackoffMs, o.initialBackoffMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base * (0.8 + 0.4 * random()));
}
