import { VigilError } from '@vigil/core';
import type { FastifyInstance } from 'fastify';

/** Deepest nesting a request body may have; the API's own bodies need 6. */
export const MAX_BODY_DEPTH = 32;

export type BodyProblem = { readonly path: string; readonly message: string };

/** In a `u` regex a surrogate pair is one code point, so \p{Cs} matches only lone surrogates. */
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

interface Node {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Node | undefined;
  readonly key: string;
}

const pathOf = (n: Node | undefined, last?: string): string => {
  const keys: string[] = last === undefined ? [] : [last];
  for (let at = n; at?.parent; at = at.parent) keys.push(at.key);
  return ['body', ...keys.reverse()].join('.');
};

/**
 * The first problem with a parsed JSON body that a schema cannot see, found without recursion
 * (so a hostile body cannot blow the stack): nesting deeper than `maxDepth`, or a string or key
 * that is not well-formed Unicode (a lone surrogate, which the database would silently store as
 * U+FFFD, so a value would not be kept verbatim and a hashed row would no longer match its hash).
 */
export function bodyProblem(value: unknown, maxDepth = MAX_BODY_DEPTH): BodyProblem | undefined {
  if (typeof value === 'string') return wellFormed(value) ? undefined : { path: 'body', message: 'is not well-formed Unicode (lone surrogate)' };
  const stack: Node[] = [{ value, depth: 0, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    const v = n.value;
    if (v === null || typeof v !== 'object') continue;
    const depth = n.depth + 1;
    if (depth > maxDepth) return { path: pathOf(n.parent, n.key), message: `is nested deeper than ${maxDepth} levels` };
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    for (const [key, child] of entries) {
      if (!wellFormed(key)) return { path: pathOf(n), message: `has a key that is not well-formed Unicode (lone surrogate)` };
      if (typeof child === 'string') {
        if (!wellFormed(child)) return { path: pathOf(n, key), message: 'is not well-formed Unicode (lone surrogate)' };
      } else if (child !== null && typeof child === 'object') stack.push({ value: child, depth, parent: n, key });
    }
  }
  return undefined;
}

/**
 * fastify's JSON parser (prototype and constructor poisoning refused) plus `bodyProblem`, so no
 * downstream code that walks a body recursively (schema checks, hashing, canonical JSON) can be
 * driven into a stack overflow and no malformed string reaches the database. Scoped to the Vigil
 * routes' plugin context.
 */
export function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    parse(req, body as string, (err: Error | null, value?: unknown) => {
      if (err) return done(err, undefined);
      const problem = bodyProblem(value);
      if (problem) return done(new VigilError('VIGIL_INVALID_INPUT', `${problem.path}: ${problem.message}`, { issues: [{ ...problem, value: undefined }] }), undefined);
      done(null, value);
    });
  });
}
