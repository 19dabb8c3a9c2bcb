import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { VigilError } from '@vigil/core';
import { type FastifyInstance, errorCodes } from 'fastify';
import secureJson from 'secure-json-parse';

/** Deepest nesting a request body may have; the API's own bodies need 6. */
export const MAX_BODY_DEPTH = 32;

/** Bodies up to this size are parsed inline; larger ones on a worker thread, so parsing never stalls the server. */
export const INLINE_PARSE_BYTES = 1 << 20;

/** A large body's arrays come back from the parsing thread in slices of this many items. */
export const PARSE_SLICE = 2_000;

export type BodyProblem = { readonly path: string; readonly message: string };

// The functions below run both here and on the parsing thread (their source is sent there), so
// each is self-contained: no module-level names, no nested function declarations.

/**
 * The first problem with a parsed JSON body that a schema cannot see, found without recursion
 * (so a hostile body cannot blow the stack): nesting deeper than `maxDepth`, or a string or key
 * that is not well-formed Unicode (a lone surrogate, which the database would silently store as
 * U+FFFD, so a value would not be kept verbatim and a hashed row would no longer match its hash).
 */
export function bodyProblem(value: unknown, maxDepth = 32): BodyProblem | undefined {
  // in a `u` regex a surrogate pair is one code point, so \p{Cs} matches only lone surrogates
  const lone = /\p{Cs}/u;
  const message = 'is not well-formed Unicode (lone surrogate)';
  if (typeof value === 'string') return lone.test(value) ? { path: 'body', message } : undefined;
  type Node = { value: unknown; depth: number; parent: Node | undefined; key: string };
  const stack: Node[] = [{ value, depth: 0, parent: undefined, key: '' }];
  let problem: { node: Node | undefined; last: string | undefined; message: string } | undefined;
  while (stack.length > 0 && !problem) {
    const n = stack.pop() as Node;
    const v = n.value;
    if (v === null || typeof v !== 'object') continue;
    const depth = n.depth + 1;
    if (depth > maxDepth) {
      problem = { node: n.parent, last: n.key, message: `is nested deeper than ${maxDepth} levels` };
      break;
    }
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    for (const [key, child] of entries) {
      if (lone.test(key)) {
        problem = { node: n, last: undefined, message: 'has a key that is not well-formed Unicode (lone surrogate)' };
        break;
      }
      if (typeof child === 'string') {
        if (lone.test(child)) {
          problem = { node: n, last: key, message };
          break;
        }
      } else if (child !== null && typeof child === 'object') stack.push({ value: child, depth, parent: n, key });
    }
  }
  if (!problem) return undefined;
  const keys: string[] = problem.last === undefined ? [] : [problem.last];
  for (let at = problem.node; at?.parent; at = at.parent) keys.push(at.key);
  return { path: ['body', ...keys.reverse()].join('.'), message: problem.message };
}

/**
 * Where a body that is not valid UTF-8 first goes wrong, as a field path: the first invalid byte
 * sequence is found by hand (overlong forms, surrogates and code points past U+10FFFF included,
 * as TextDecoder's fatal mode refuses them), replaced by a marker, and the body parsed again to
 * find the string or key that holds it. Outside any string (or if the rest is not JSON), `body`.
 */
export function invalidUtf8Problem(bytes: Uint8Array): BodyProblem {
  let at = -1;
  for (let i = 0; i < bytes.length && at < 0; ) {
    const c = bytes[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0) {
      at = i;
      break;
    }
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = bytes[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) {
        at = i;
        break;
      }
      cp = (cp << 6) | (d & 0x3f);
    }
    if (at >= 0) break;
    if (cp < [0, 0x80, 0x800, 0x10000][n]! || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) at = i;
    else i += n + 1;
  }
  const where = at < 0 ? '' : ` (byte 0x${(bytes[at] as number).toString(16).padStart(2, '0')} at offset ${at})`;
  const message = `is not valid UTF-8${where}`;
  if (at < 0) return { path: 'body', message };
  const marker = '\ue000vigil:invalid-utf8\ue000';
  const decoder = new TextDecoder('utf-8');
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes.subarray(0, at)) + marker + decoder.decode(bytes.subarray(at + 1)));
  } catch {
    return { path: 'body', message };
  }
  const stack: { value: unknown; path: string }[] = [{ value, path: 'body' }];
  while (stack.length > 0) {
    const n = stack.pop() as { value: unknown; path: string };
    if (typeof n.value === 'string') {
      if (n.value.includes(marker)) return { path: n.path, message };
      continue;
    }
    if (n.value === null || typeof n.value !== 'object') continue;
    const entries = Object.entries(n.value as object);
    for (let k = entries.length - 1; k >= 0; k--) {
      const [key, child] = entries[k] as [string, unknown];
      if (key.includes(marker)) return { path: n.path, message: `has a key that ${message}` };
      stack.push({ value: child, path: `${n.path}.${key}` });
    }
  }
  return { path: 'body', message };
}

const invalidBody = (p: BodyProblem): VigilError =>
  new VigilError('VIGIL_INVALID_INPUT', `${p.path}: ${p.message}`, { issues: [{ ...p, value: undefined }] });
const poisoning = { protoAction: 'error', constructorAction: 'error' } as const;

/** A small body, parsed here: strict UTF-8, fastify's JSON rules (prototype poisoning refused), `bodyProblem`. */
export function parseJsonInline(bytes: Uint8Array): unknown {
  if (bytes.length === 0) throw new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidBody(invalidUtf8Problem(bytes));
  }
  let value: unknown;
  try {
    value = secureJson.parse(text, undefined, poisoning);
  } catch {
    throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
  }
  const problem = bodyProblem(value, MAX_BODY_DEPTH);
  if (problem) throw invalidBody(problem);
  return value;
}

const secureJsonPath = createRequire(import.meta.url).resolve('secure-json-parse');

/** The parsing thread: the same checks as `parseJsonInline`, then the body posted back with its long arrays in slices. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const secureJson = require(workerData.secureJsonPath);
${bodyProblem.toString()}
${invalidUtf8Problem.toString()}
parentPort.once('message', (bytes) => {
  let text;
  try { text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); }
  catch { parentPort.postMessage({ kind: 'problem', problem: invalidUtf8Problem(bytes) }); return; }
  let value;
  try { value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }); }
  catch { parentPort.postMessage({ kind: 'json' }); return; }
  text = undefined;
  const problem = bodyProblem(value, workerData.maxDepth);
  if (problem) { parentPort.postMessage({ kind: 'problem', problem }); return; }
  // one slice per request from the parent: messages that queue up are all delivered in one task
  const slices = [];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      const items = value[key];
      if (!Array.isArray(items) || items.length <= workerData.slice) continue;
      for (let i = 0; i < items.length; i += workerData.slice) slices.push({ kind: 'items', key, items: items.slice(i, i + workerData.slice) });
      value[key] = [];
    }
  }
  parentPort.postMessage({ kind: 'head', value });
  parentPort.on('message', () => parentPort.postMessage(slices.shift() || { kind: 'end' }));
});`;

type WorkerMessage =
  | { kind: 'problem'; problem: BodyProblem }
  | { kind: 'json' }
  | { kind: 'head'; value: unknown }
  | { kind: 'items'; key: string; items: unknown[] }
  | { kind: 'end' };

/**
 * A large body, parsed on a worker thread: this thread only receives the result, slice by slice
 * (each message its own task), so requests such as /api/health are answered while it arrives.
 */
export function parseJsonOffThread(bytes: Uint8Array): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { secureJsonPath, maxDepth: MAX_BODY_DEPTH, slice: PARSE_SLICE },
    });
    let head: Record<string, unknown[]> | undefined;
    let settled = false;
    const finish = (err: unknown, value?: unknown): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (err) reject(err);
      else resolve(value);
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'problem') finish(invalidBody(m.problem));
      else if (m.kind === 'json') finish(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY());
      else if (m.kind === 'end') finish(null, head);
      else {
        if (m.kind === 'head') head = m.value as Record<string, unknown[]>;
        else for (const item of m.items) (head as Record<string, unknown[]>)[m.key]?.push(item);
        // ask for the next slice only once this task is done, so each arrives in a task of its own
        setImmediate(() => worker.postMessage('next'));
      }
    });
    worker.on('error', (e) => finish(e));
    worker.on('exit', (code) => finish(new Error(`the JSON parsing thread exited with code ${code}`)));
    // hand the bytes over without a copy when they own their whole buffer (a large body always does)
    const whole =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    worker.postMessage(bytes, whole ? [bytes.buffer as ArrayBuffer] : []);
  });
}

/**
 * The JSON body parser for the Vigil routes (scoped to their plugin context): bytes must be valid
 * UTF-8 (invalid bytes would be stored as U+FFFD, so distinct ids could collide), prototype and
 * constructor poisoning is refused as by fastify's own parser, and `bodyProblem` runs before any
 * code that walks a body recursively (schema checks, hashing, canonical JSON). Bodies over
 * `INLINE_PARSE_BYTES` are parsed on a worker thread.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, async (_req: unknown, body: Buffer) =>
    body.length > INLINE_PARSE_BYTES ? parseJsonOffThread(body) : parseJsonInline(body),
  );
}
