import { type Issue, describeValue, throwIfIssues } from '@vigil/core';

/** Refuses an empty sample or one holding NaN or an infinity, naming the first bad index. */
export function assertSample(name: string, x: ArrayLike<number>): void {
  const issues: Issue[] = [];
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number') {
    issues.push({ path: name, message: `must be an array of numbers, got ${describeValue(x)}`, value: x });
  } else if (x.length === 0) issues.push({ path: name, message: 'must not be empty', value: 0 });
  else {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        issues.push({ path: `${name}[${i}]`, message: `must be a finite number, got ${describeValue(v)}`, value: v });
        break;
      }
    }
  }
  throwIfIssues('sample', issues);
}

/** A validated copy of a sample as a Float64Array (one pass for the copy, one cheap finiteness scan). */
export function finiteSample(name: string, x: ArrayLike<number>): Float64Array {
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number' || x.length === 0) {
    assertSample(name, x);
  }
  const out = Float64Array.from(x);
  for (let i = 0; i < out.length; i++) {
    const v = out[i] as number;
    if (v - v !== 0) assertSample(name, x); // throws, naming the first bad index
  }
  return out;
}

/** The sample itself when it is a valid Float64Array (nothing copied, nothing changed), else a validated copy. */
export function finiteFloat64(name: string, x: ArrayLike<number>): Float64Array {
  if (!(x instanceof Float64Array) || x.length === 0) return finiteSample(name, x);
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v - v !== 0) assertSample(name, x);
  }
  return x;
}
