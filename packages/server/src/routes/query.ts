import { VigilError } from '@vigil/core';

export type Q = Record<string, string | undefined>;

/** A bounded integer query parameter, refused with a 400 that names it. */
export function intParam(q: Q, name: string, def: number, min: number, max: number): number {
  const raw = q[name];
  if (raw === undefined || raw === '') return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new VigilError('VIGIL_INVALID_INPUT', `querystring.${name}: must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`, {
      issues: [{ path: `querystring.${name}`, message: `must be an integer in [${min}, ${max}]`, value: raw }],
    });
  }
  return v;
}

export const interval = (i: { lower: number; upper: number } | undefined, total: number): [number, number] | null => (i && total > 0 ? [i.lower, i.upper] : null);
