import { basename, isAbsolute, relative } from 'node:path';
import { withoutAbsolutePaths } from '@vigil/core';
import type { ReportView } from './reportView.js';

/**
 * A model path as the API shows it: relative to the gate's root when it lies below it (the form
 * the gate accepts back, e.g. `models/candidates/m5.json`), so the open read endpoints do not
 * publish the server's directory layout. An absolute path outside the root (a row written by a
 * gate with another root) shows only its file name, as `…/m5.json`.
 */
export function pathBelow(root: string): (p: string) => string {
  return (p) => {
    if (!isAbsolute(p)) return p;
    const r = relative(root, p);
    return r !== '' && !r.startsWith('..') && !isAbsolute(r) ? r : `…/${basename(p)}`;
  };
}

/** A report whose free text (notes, e.g. a logged refusal, and check messages) shows no absolute path. */
export const withoutPathsInText = (r: ReportView): ReportView => ({
  ...r,
  notes: r.notes === null ? null : withoutAbsolutePaths(r.notes),
  checks: r.checks.map((c) => ({ ...c, message: withoutAbsolutePaths(c.message) })),
});
