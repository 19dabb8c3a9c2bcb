import { type BatchValidator, VigilError, isVigilError } from '@vigil/core';
import { Ajv, type ErrorObject } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

/** The most records (or outcomes) one request may carry; above it the answer is 413. */
export const MAX_BATCH = 100_000;

/** A batch is checked and committed in slices of this many items, yielding to the event loop between them. */
export const BATCH_CHUNK = 2_000;

/** Lets timers, I/O and other requests run before the caller continues. */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// The same options as the server's own validator (buildServer.ts).
const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, allErrors: false, useDefaults: true });

const validationError = (errors: readonly ErrorObject[]): Error =>
  Object.assign(
    new Error(errors.map((e) => `body${e.instancePath.replace(/\//g, '.')} ${e.message ?? 'is invalid'}`).join('; ')),
    {
      validation: errors,
      validationContext: 'body',
      statusCode: 400,
      code: 'FST_ERR_VALIDATION',
    },
  );

/**
 * A fastify `validatorCompiler` for a batch body `{ [key]: [item, ...] }` whose JSON schema (kept
 * whole for the OpenAPI document) has `items` under `key`: the body's shape is checked at once,
 * the count against `MAX_BATCH` (413 above it, before any item is looked at), then the items one
 * slice at a time with the event loop free between slices, so a 100,000-item batch never holds
 * the server for the length of its validation.
 */
export function batchBodyValidator(key: string): FastifySchemaCompiler<FastifySchema> {
  return ({ schema }) => {
    const body = schema as { properties: Record<string, { items: object }> };
    const shallow = ajv.compile({ ...body, properties: { ...body.properties, [key]: { type: 'array', minItems: 1 } } });
    const item = ajv.compile(body.properties[key]?.items ?? {});
    // fastify awaits a validator that returns a promise (as for ajv's $async schemas)
    return (async (data: unknown): Promise<unknown> => {
      if (!shallow(data)) throw validationError(shallow.errors ?? []);
      const items = (data as Record<string, unknown[]>)[key] as unknown[];
      if (items.length > MAX_BATCH) {
        throw Object.assign(
          new Error(
            `body.${key} has ${items.length} items; at most ${MAX_BATCH} are accepted per request: split the batch`,
          ),
          { statusCode: 413, code: 'VIGIL_BATCH_TOO_LARGE' },
        );
      }
      for (let i = 0; i < items.length; i++) {
        if (!item(items[i]))
          throw validationError(
            (item.errors ?? []).map((e) => ({ ...e, instancePath: `/${key}/${i}${e.instancePath}` })),
          );
        if ((i + 1) % BATCH_CHUNK === 0) await yieldToLoop();
      }
      return data;
    }) as never;
  };
}

const INDEXED = /\b(records|outcomes)\[(\d+)\]/g;

/** A host error about one slice, re-numbered to the whole batch and saying what was committed before it. */
function sliceError(e: unknown, offset: number, slices: number): unknown {
  if (!isVigilError(e)) {
    if (offset === 0) return e;
    return new VigilError(
      'VIGIL_DATABASE',
      `writing the batch failed after ${offset} item(s) were committed in ${slices} transaction(s) of up to ${BATCH_CHUNK}; re-send the whole batch (committed items are no-ops)`,
      { cause: e, details: { committed: offset } },
    );
  }
  const renumber = (s: string): string =>
    s.replace(INDEXED, (_m, what: string, i: string) => `${what}[${Number(i) + offset}]`);
  const committed =
    offset === 0
      ? ''
      : `; ${offset} item(s) before it were committed in ${slices} transaction(s) of up to ${BATCH_CHUNK}, and re-sending the whole batch is safe (committed items are no-ops)`;
  return new VigilError(
    e.code,
    `${renumber(e.message).replace(/nothing was written/g, offset === 0 ? 'nothing was written' : 'nothing of its slice was written')}${committed}`,
    {
      cause: e,
      issues: e.issues.map((i) => ({ ...i, path: renumber(i.path) })),
      details: { ...e.details, committed: offset },
    },
  );
}

/**
 * Checks a whole batch with `validator` (one slice at a time, yielding between slices), so a bad
 * item anywhere refuses the batch before anything is written; then hands it to `write` in slices
 * of `BATCH_CHUNK`, each its own transaction, yielding between them. If a slice fails, the slices
 * before it stay committed and the error says how many items that was; because the host treats a
 * re-sent item as a no-op, re-sending the batch completes it.
 */
export async function writeInSlices<R extends object>(
  items: readonly unknown[],
  validator: BatchValidator<unknown>,
  write: (slice: unknown[]) => Promise<R>,
): Promise<R> {
  for (let i = 0; i < items.length; i++) {
    validator.add(items[i], i);
    if ((i + 1) % BATCH_CHUNK === 0) await yieldToLoop();
  }
  validator.done();
  let total: Record<string, number> | undefined;
  for (let offset = 0, slices = 0; offset < items.length; offset += BATCH_CHUNK, slices++) {
    if (offset > 0) await yieldToLoop();
    let r: R;
    try {
      r = await write(items.slice(offset, offset + BATCH_CHUNK));
    } catch (e) {
      throw sliceError(e, offset, slices);
    }
    const counts = r as Record<string, number>;
    if (!total) total = { ...counts };
    else for (const k of Object.keys(counts)) total[k] = (total[k] ?? 0) + (counts[k] as number);
  }
  return total as unknown as R;
}
