/**
 * Coded errors. Every error Vigil throws on purpose is a `VigilError` with a stable `code`
 * (like Fastify's `FST_ERR_*` catalogue), so callers and the HTTP layer branch on the code,
 * never on the message.
 */
export const ERROR_CODES = {
  VIGIL_CONFIG_INVALID: 'configuration is invalid',
  VIGIL_INVALID_INPUT: 'input failed validation',
  VIGIL_INVALID_PLUGIN: 'plugin definition is invalid',
  VIGIL_INVALID_CRITERION: 'gate criterion definition is invalid',
  VIGIL_DUPLICATE_CRITERION: 'a gate criterion id is registered twice',
  VIGIL_DUPLICATE_PREDICTION: 'a prediction id is already logged with different content',
  VIGIL_UNKNOWN_PREDICTION: 'an outcome names a prediction that was never observed',
  VIGIL_CONFLICTING_OUTCOME: 'a prediction was already resolved with a different label',
  VIGIL_PLUGIN_WIRING:
    'plugins are wired wrongly (a missing dependency, a duplicate criterion, a required criterion no plugin provides)',
  VIGIL_PLUGIN_DISABLED: 'the plugin that serves this is disabled in the config',
  VIGIL_PLUGIN_START_FAILED: 'a plugin failed to start',
  VIGIL_PLUGIN_STOP_FAILED: 'one or more plugins failed to stop',
  VIGIL_HOOK_FAILED: 'a plugin hook failed; the batch was rolled back',
  VIGIL_HOST_STATE: 'the host is not in a state that allows this call',
  VIGIL_DATABASE: 'a database operation failed',
  VIGIL_NOT_FOUND: 'the requested item does not exist',
  VIGIL_PATH_REFUSED: 'a path escapes the directory it is confined to',
  VIGIL_CONFLICT: 'the operation conflicts with one already in progress',
  VIGIL_INSUFFICIENT_DATA: 'there is too little data for this computation',
} as const;

export type VigilErrorCode = keyof typeof ERROR_CODES;

/** One problem with an input or config value: where it is, what is wrong, what was given. */
export interface Issue {
  readonly path: string;
  readonly message: string;
  readonly value?: unknown;
}

export interface VigilErrorOptions {
  readonly cause?: unknown;
  readonly issues?: readonly Issue[];
  readonly details?: Readonly<Record<string, unknown>>;
}

export class VigilError extends Error {
  override readonly name = 'VigilError';
  readonly code: VigilErrorCode;
  readonly issues: readonly Issue[];
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: VigilErrorCode, message: string, options: VigilErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }

  /** A plain object for logs and JSON responses. */
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, issues: this.issues, details: this.details };
  }
}

export const isVigilError = (e: unknown, code?: VigilErrorCode): e is VigilError =>
  e instanceof VigilError && (code === undefined || e.code === code);

/** Renders a value for an error message: short, unambiguous (NaN, strings quoted). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'undefined (missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value;
}

/** Throws one `VIGIL_INVALID_INPUT` error listing every issue, or returns when there are none. */
export function throwIfIssues(what: string, issues: readonly Issue[], limit = 20): void {
  if (issues.length === 0) return;
  const shown = issues.slice(0, limit).map((i) => `  ${i.path}: ${i.message}`);
  if (issues.length > limit) shown.push(`  ... and ${issues.length - limit} more`);
  throw new VigilError('VIGIL_INVALID_INPUT', `invalid ${what}; nothing was written:\n${shown.join('\n')}`, {
    issues,
  });
}
