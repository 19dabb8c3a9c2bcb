import { isAbsolute, relative } from 'node:path';

/**
 * A model path as the API shows it: relative to the gate's root when it lies below it (the form
 * the gate accepts back, e.g. `models/candidates/m5.json`), so the open read endpoints do not
 * publish the server's directory layout; anything else as stored.
 */
export function pathBelow(root: string): (p: string) => string {
  return (p) => {
    if (!isAbsolute(p)) return p;
    const r = relative(root, p);
    return r !== '' && !r.startsWith('..') && !isAbsolute(r) ? r : p;
  };
}
