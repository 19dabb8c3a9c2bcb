import { type Issue, describeValue } from '@vigil/core';

/** Feature samples: time-ordered rows (one number per feature), or named time-ordered columns. */
export type FeatureInput = readonly (readonly number[])[] | Readonly<Record<string, ArrayLike<number>>>;

/**
 * Turns rows or named columns into named columns, pushing every problem: feature count differing
 * from `names`, unknown or missing names, NaN or infinite values.
 */
export function toColumns(
  input: FeatureInput,
  names: readonly string[] | undefined,
  path: string,
  issues: Issue[],
): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  if (Array.isArray(input)) {
    const rows = input as readonly (readonly number[])[];
    const width = names?.length ?? rows[0]?.length ?? 0;
    const cols = names ?? Array.from({ length: width }, (_, i) => `f${i}`);
    for (const c of cols) out.set(c, new Float64Array(rows.length));
    rows.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== width) {
        issues.push({
          path: `${path}[${r}]`,
          message: `must hold ${width} feature values (${cols.join(', ')}), got ${Array.isArray(row) ? row.length : describeValue(row)}`,
          value: Array.isArray(row) ? row.length : row,
        });
        return;
      }
      row.forEach((v, f) => {
        if (typeof v !== 'number' || !Number.isFinite(v))
          issues.push({
            path: `${path}[${r}][${f}]`,
            message: `must be a finite number, got ${describeValue(v)}`,
            value: v,
          });
        else (out.get(cols[f] as string) as Float64Array)[r] = v;
      });
    });
    return out;
  }
  if (typeof input !== 'object' || input === null) {
    issues.push({
      path,
      message: `must be rows of numbers or named columns, got ${describeValue(input)}`,
      value: input,
    });
    return out;
  }
  const given = Object.keys(input);
  if (names) {
    for (const g of given)
      if (!names.includes(g))
        issues.push({
          path: `${path}.${g}`,
          message: `is not a baseline feature; known features: ${names.join(', ')}`,
          value: g,
        });
    for (const n of names)
      if (!given.includes(n))
        issues.push({
          path: `${path}.${n}`,
          message: 'is missing (every baseline feature must be given)',
          value: undefined,
        });
  }
  for (const name of names ?? given) {
    const col = (input as Record<string, ArrayLike<number>>)[name];
    if (col === undefined) continue;
    if (typeof col !== 'object' || col === null || typeof col.length !== 'number') {
      issues.push({
        path: `${path}.${name}`,
        message: `must be an array of numbers, got ${describeValue(col)}`,
        value: col,
      });
      continue;
    }
    let arr: Float64Array;
    if (col instanceof Float64Array) {
      // typed input: one copy, then a finiteness scan (x - x is 0 only for finite x)
      arr = col.slice();
      for (let i = 0; i < arr.length; i++) {
        const v = arr[i] as number;
        if (v - v !== 0)
          issues.push({
            path: `${path}.${name}[${i}]`,
            message: `must be a finite number, got ${describeValue(v)}`,
            value: v,
          });
      }
    } else {
      arr = new Float64Array(col.length);
      for (let i = 0; i < col.length; i++) {
        const v = col[i];
        if (typeof v !== 'number' || !Number.isFinite(v))
          issues.push({
            path: `${path}.${name}[${i}]`,
            message: `must be a finite number, got ${describeValue(v)}`,
            value: v,
          });
        else arr[i] = v;
      }
    }
    out.set(name, arr);
  }
  return out;
}
