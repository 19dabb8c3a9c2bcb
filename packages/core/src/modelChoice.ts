import { VigilError } from './errors.js';
import type { QueryString } from './http.js';

/**
 * The model a stored row belongs to when nothing names one: rows written before figures were
 * kept per model that cannot be joined to a logged prediction, and direct API calls that give
 * no `modelVersion`.
 */
export const UNKNOWN_MODEL = 'unknown';

/** `model=*` on a read: every model version side by side (the report, the gate's history and latest decision). */
export const EVERY_MODEL = '*';

/**
 * Which model's figures a read answers for. A model named by the caller is used as given (a
 * model with no rows yet answers with empty figures). Without one: the only model present, or
 * `undefined` when there is none; with several present, a `VIGIL_INVALID_INPUT` (HTTP 400, CLI
 * exit 2) naming the field and listing the models, so figures of two models are never pooled.
 */
export function chooseModel(
  requested: string | undefined,
  present: readonly string[],
  field = 'model',
): string | undefined {
  if (requested !== undefined) return requested;
  if (present.length <= 1) return present[0];
  const models = [...present].sort();
  throw new VigilError(
    'VIGIL_INVALID_INPUT',
    `${field}: the data holds ${models.length} models (${models.join(', ')}); name one, figures of different models are never pooled`,
    {
      issues: [{ path: field, message: `name one of the models present: ${models.join(', ')}`, value: undefined }],
      details: { models },
    },
  );
}

/** `?model=` of a request: absent or a non-empty string (at most 200 characters, no NUL). */
export function modelParam(q: QueryString): string | undefined {
  const raw = q.model;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 200 || raw.includes('\u0000')) {
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      `querystring.model: must be a model version (1-200 characters), got ${JSON.stringify(raw)}`,
      {
        issues: [{ path: 'querystring.model', message: 'must be a model version (1-200 characters)', value: raw }],
      },
    );
  }
  return raw;
}
