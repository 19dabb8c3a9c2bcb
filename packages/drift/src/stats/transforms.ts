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
    const prev = x[i - 1] as number;
    const cur = x[i] as number;
    if (t === 'diff') out[i - 1] = cur - prev;
    else if (t === 'pct_change') {
      if (prev === 0) {
        issues.push({ path: `${path}[${i - 1}]`, message: `pct_change needs non-zero values, got ${describeValue(prev)}`, value: prev });
        return out;
      }
      out[i - 1] = cur / prev - 1;
    } else {
      if (!(prev > 0 && cur > 0)) {
        issues.push({ path: `${path}[${prev > 0 ? i : i - 1}]`, message: `log_return needs positive values, got ${describeValue(prev > 0 ? cur : prev)}`, value: prev > 0 ? cur : prev });
        return out;
      }
      out[i - 1] = Math.log(cur / prev);
    }
  }
  return out;
}
