import { type Issue, VigilError, chi2Sf, describeValue, throwIfIssues } from '@vigil/core';

export interface ChiSquareResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly dof: number;
}

function checkCounts(path: string, xs: readonly number[], issues: Issue[], positive: boolean): void {
  if (!Array.isArray(xs) || xs.length === 0) {
    issues.push({ path, message: `must be a non-empty array of numbers, got ${describeValue(xs)}`, value: xs });
    return;
  }
  xs.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (positive && v === 0)) {
      issues.push({
        path: `${path}[${i}]`,
        message: `must be a finite number ${positive ? '> 0' : '>= 0'}, got ${describeValue(v)}`,
        value: v,
      });
    }
  });
}

/** Pearson's goodness-of-fit test (scipy.stats.chisquare, ddof 0): sums must agree within 1e-8 relative. */
export function chiSquare(observed: readonly number[], expected: readonly number[]): ChiSquareResult {
  const issues: Issue[] = [];
  checkCounts('observed', observed, issues, false);
  checkCounts('expected', expected, issues, true);
  if (issues.length === 0 && observed.length !== expected.length) {
    issues.push({
      path: 'expected',
      message: `has ${expected.length} values but observed has ${observed.length}`,
      value: expected.length,
    });
  }
  throwIfIssues('chi-square input', issues);
  const so = observed.reduce((s, v) => s + v, 0);
  const se = expected.reduce((s, v) => s + v, 0);
  if (Math.abs(so - se) > 1e-8 * Math.max(so, se)) {
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      `observed and expected must have the same sum (within 1e-8 relative): ${so} vs ${se}`,
    );
  }
  let stat = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i] as number;
    const d = (observed[i] as number) - e;
    stat += (d * d) / e;
  }
  const dof = observed.length - 1;
  return { statistic: stat, pValue: dof > 0 ? chi2Sf(stat, dof) : 1, dof };
}

/**
 * Chi-square test of independence on a contingency table without continuity correction
 * (scipy.stats.chi2_contingency(table, correction=False)). Rows or columns that sum to zero
 * are refused, since their expected frequencies are zero.
 */
export function chi2Contingency(
  table: readonly (readonly number[])[],
): ChiSquareResult & { readonly expected: number[][] } {
  const issues: Issue[] = [];
  if (!Array.isArray(table) || table.length === 0)
    issues.push({ path: 'table', message: 'must be a non-empty array of rows', value: table });
  else {
    const cols = table[0]?.length ?? 0;
    table.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== cols || cols === 0)
        issues.push({ path: `table[${r}]`, message: `must have ${cols} counts`, value: row });
      else checkCounts(`table[${r}]`, row as number[], issues, false);
    });
  }
  throwIfIssues('contingency table', issues);
  const { statistic, expected, dof } = contingencyStatistic(table);
  if (dof === 0) return { statistic: 0, pValue: 1, dof, expected };
  return { statistic, pValue: chi2Sf(statistic, dof), dof, expected };
}

/**
 * Pearson's statistic of a contingency table of finite counts >= 0, unchecked and without its p-value: for callers
 * that built the table themselves (a bisection over tables) and read only the statistic. Zero margins are refused.
 */
export function contingencyStatistic(table: readonly (readonly number[])[]): {
  readonly statistic: number;
  readonly expected: number[][];
  readonly dof: number;
} {
  const rows = table.length;
  const cols = (table[0] as readonly number[]).length;
  const rowSums = table.map((r) => r.reduce((s, v) => s + v, 0));
  const colSums = Array.from({ length: cols }, (_, c) => table.reduce((s, r) => s + (r[c] as number), 0));
  const total = rowSums.reduce((s, v) => s + v, 0);
  if (rowSums.includes(0) || colSums.includes(0)) {
    const zero = [
      ...rowSums.map((v, i) => (v === 0 ? `row ${i}` : '')),
      ...colSums.map((v, i) => (v === 0 ? `column ${i}` : '')),
    ].filter(Boolean);
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      `contingency table has zero expected frequencies (${zero.join(', ')} sum to 0)`,
    );
  }
  const expected = rowSums.map((rs) => colSums.map((cs) => (rs * cs) / total));
  let stat = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const e = (expected[r] as number[])[c] as number;
      const d = ((table[r] as readonly number[])[c] as number) - e;
      stat += (d * d) / e;
    }
  }
  return { statistic: stat, expected, dof: (rows - 1) * (cols - 1) };
}
