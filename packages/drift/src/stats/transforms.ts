import { type Issue, describeValue } from '@vigil/core';

/** How a feature's series is made closer to stationary before a two-sample test. */
export type Transform = 'none' | 'diff' | 'pct_change' | 'log_return';
export const TRANSFORMS: readonly Transform[] = ['none', 'diff', 'pct_change', 'log_return'];

/**
 * Applies a transform to a time-ordered series (the result must be treated as read-only).
 * Differencing transforms lose the first value;
 * pct_change needs non-zero and log_return positive previous values (problems go to `issues`).
 */
export function applyTransform(x: ArrayLike<number>, t: Transform, path: string, issues: Issue[]): Float64Array {
  // 'none' hands back a Float64Array as is (callers never write to it); other inputs are copied
  if (t === 'none') return x instanceof Float64Array ? x : Float64Array.from(x);
  const out = new Float64Array(Math.max(0, x.length - 1));
  for (let i = 1; i < x.length; i++) {
    const v = transformValue(x[i - 1] as number, x[i] as number, t);
    if (typeof v === 'string') {
      const bad = t === 'log_return' && (x[i - 1] as number) > 0 ? i : i - 1;
      issues.push({ path: `${path}[${bad}]`, message: v, value: x[bad] });
      return out;
    }
    out[i - 1] = v;
  }
  return out;
}

/** One step of a transform: the value for `cur` given the same series' previous value, or why it has none. */
export function transformValue(prev: number, cur: number, t: Transform): number | string {
  if (t === 'none') return cur;
  if (t === 'diff') return cur - prev;
  if (t === 'pct_change')
    return prev === 0 ? `pct_change needs non-zero values, got ${describeValue(prev)}` : cur / prev - 1;
  if (!(prev > 0 && cur > 0)) return `log_return needs positive values, got ${describeValue(prev > 0 ? cur : prev)}`;
  return Math.log(cur / prev);
}

/** Whether a transform needs the series' previous value (and so loses the first one). */
export const needsPrevious = (t: Transform): boolean => t !== 'none';
