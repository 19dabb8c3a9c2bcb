import { VigilError } from '@vigil/core';
import { assertSample } from './validate.js';

export interface PsiOptions {
  /** Number of reference-quantile bins (default 10); tied quantiles merge bins. */
  readonly bins?: number;
  /** Floor for a bin's share, so an empty bin gives a finite term (default 1e-4). */
  readonly epsilon?: number;
}

export interface PsiResult {
  readonly statistic: number;
  /** Interior bin edges (ascending); bin i holds values in (edges[i-1], edges[i]]. */
  readonly edges: number[];
  readonly reference: number[];
  readonly current: number[];
}

/** Linear-interpolated quantile of an ascending array (numpy's default). */
export function quantileSorted(x: ArrayLike<number>, q: number): number {
  const pos = (x.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, x.length - 1);
  return (x[lo] as number) + ((x[hi] as number) - (x[lo] as number)) * (pos - lo);
}

function shares(sorted: Float64Array, edges: number[], eps: number): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let b = 0;
  for (const v of sorted) {
    while (b < edges.length && v > (edges[b] as number)) b++;
    counts[b] = (counts[b] as number) + 1;
  }
  return counts.map((c) => Math.max(c / sorted.length, eps));
}

/**
 * Population stability index: sum over reference-quantile bins of (cur - ref) * ln(cur / ref).
 * Empty bins are floored at `epsilon`. Common reading: < 0.1 stable, 0.1-0.25 moderate, > 0.25 shifted.
 */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>, options: PsiOptions = {}): PsiResult {
  assertSample('reference', reference);
  assertSample('current', current);
  const bins = options.bins ?? 10;
  const eps = options.epsilon ?? 1e-4;
  if (!Number.isInteger(bins) || bins < 2)
    throw new VigilError('VIGIL_INVALID_INPUT', `bins must be an integer >= 2, got ${bins}`);
  const ref = Float64Array.from(reference).sort();
  const cur = Float64Array.from(current).sort();
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const e = quantileSorted(ref, i / bins);
    if (edges.length === 0 || e > (edges[edges.length - 1] as number)) edges.push(e);
  }
  const r = shares(ref, edges, eps);
  const c = shares(cur, edges, eps);
  let stat = 0;
  for (let i = 0; i < r.length; i++)
    stat += ((c[i] as number) - (r[i] as number)) * Math.log((c[i] as number) / (r[i] as number));
  return { statistic: stat, edges, reference: r, current: c };
}
