import { isVigilError } from '@vigil/core';
import { EXIT } from './io.js';

const USAGE_CODES = new Set([
  'VIGIL_INVALID_INPUT',
  'VIGIL_CONFIG_INVALID',
  'VIGIL_UNKNOWN_PREDICTION',
  'VIGIL_CONFLICTING_OUTCOME',
  'VIGIL_DUPLICATE_PREDICTION',
  'VIGIL_PATH_REFUSED',
  'VIGIL_NOT_FOUND',
  'VIGIL_INSUFFICIENT_DATA',
]);

/** A file the user named that cannot be read or written: input, not an internal failure. */
const FILE_CODES = new Set(['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EPERM', 'ELOOP', 'ENAMETOOLONG']);

const BUSY = /SQLITE_BUSY|SQLITE_LOCKED|database is locked/;

/** An error that carries another's exit code (e.g. an ingest failure that adds what was committed). */
export interface WrappedError extends Error {
  readonly wrapsExitCode: true;
}

/** The exit code for an error a command threw, following the README's scheme (see `EXIT`). */
export function exitCodeFor(e: unknown): number {
  const err = e as {
    usage?: boolean;
    code?: unknown;
    path?: unknown;
    message?: unknown;
    cause?: unknown;
    wrapsExitCode?: boolean;
  };
  if (err?.wrapsExitCode) return exitCodeFor(err.cause);
  if (err?.usage) return EXIT.usage;
  if (isVigilError(e)) {
    // a conflict is "busy, try again" unless it names a state no retry can fix
    if (e.code === 'VIGIL_CONFLICT') return e.details.retryable === false ? EXIT.usage : EXIT.busy;
    if (USAGE_CODES.has(e.code)) return EXIT.usage;
    // a wrapper (a plugin that failed to start, a hook that failed) takes its cause's class: bad config is input
    return e.cause !== undefined ? exitCodeFor(e.cause) : EXIT.internal;
  }
  if (err?.code === 'SQLITE_BUSY' || err?.code === 'SQLITE_LOCKED' || BUSY.test(String(err?.message ?? '')))
    return EXIT.busy;
  if (typeof err?.code === 'string' && FILE_CODES.has(err.code) && typeof err.path === 'string') return EXIT.usage;
  return EXIT.internal;
}
