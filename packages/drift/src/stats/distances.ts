import { type Issue, VigilError, describeValue, throwIfIssues } from '@vigil/core';
import { assertSample } from './validate.js';

/** First Wasserstein distance between two empirical distributions (scipy.stats.wasserstein_distance, unweighted). */
export function wassersteinDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assertSample('a', a);
  assertSample('b', b);
  return wassersteinSorted(Float64Array.from(a).sort(), Float64Array.from(b).sort());
}

/** The same on ascending-sorted samples: one merge, integrating |F_a - F_b| between consecutive values. */
export function wassersteinSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let sum = 0;
  let prev = Math.min(a[0] as number, b[0] as number);
  while (i < n1 || j < n2) {
    const ai = i < n1 ? (a[i] as number) : Number.POSITIVE_INFINITY;
    const bj = j < n2 ? (b[j] as number) : Number.POSITIVE_INFINITY;
    const v = Math.min(ai, bj);
    sum += Math.abs(i / n1 - j / n2) * (v - prev);
    prev = v;
    while (i < n1 && (a[i] as number) <= v) i++;
    while (j < n2 && (b[j] as number) <= v) j++;
  }
  return sum;
}

function checkDistribution(path: string, p: readonly number[], issues: Issue[]): void {
  if (!Array.isArray(p) || p.length === 0)
    issues.push({ path, message: `must be a non-empty array, got ${describeValue(p)}`, value: p });
  else
    p.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        issues.push({
          path: `${path}[${i}]`,
          message: `must be a finite number >= 0, got ${describeValue(v)}`,
          value: v,
        });
    });
}

/** Jensen-Shannon distance in base 2 (scipy.spatial.distance.jensenshannon(p, q, base=2)); inputs are normalised. */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  const issues: Issue[] = [];
  checkDistribution('p', p, issues);
  checkDistribution('q', q, issues);
  if (issues.length === 0 && p.length !== q.length)
    issues.push({ path: 'q', message: `has ${q.length} values but p has ${p.length}`, value: q.length });
  throwIfIssues('distributions', issues);
  const sp = p.reduce((s, v) => s + v, 0);
  const sq = q.reduce((s, v) => s + v, 0);
  if (sp === 0 || sq === 0) throw new VigilError('VIGIL_INVALID_INPUT', 'distributions must not sum to 0');
  let left = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = (p[i] as number) / sp;
    const qi = (q[i] as number) / sq;
    const m = (pi + qi) / 2;
    if (pi > 0) left += pi * Math.log(pi / m);
    if (qi > 0) left += qi * Math.log(qi / m);
  }
  return Math.sqrt(Math.max(0, left / Math.LN2 / 2));
}
