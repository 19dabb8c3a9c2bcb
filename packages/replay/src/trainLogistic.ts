/** A fitted binary logistic regression (labels 0/1), features standardised internally. */
export interface LogisticModel {
  readonly coefficients: readonly number[];
  readonly intercept: number;
  readonly means: readonly number[];
  readonly scales: readonly number[];
  /** Iterations Newton's method ran. */
  readonly iterations: number;
  /** P(label = 1 | x). */
  predictProba(x: readonly number[]): number;
  predict(x: readonly number[]): 0 | 1;
}

export interface LogisticOptions {
  /** Per-row weights (default 1). */
  readonly weights?: readonly number[];
  /** Maximum Newton iterations (default 50). */
  readonly epochs?: number;
  /** L2 penalty on the coefficients (not the intercept), in units of total weight (default 1e-4). */
  readonly l2?: number;
  /** Stop when the largest step is below this (default 1e-8). */
  readonly tolerance?: number;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Solves A x = b for symmetric positive-definite A by Cholesky (A is small: features + 1). */
function solveSpd(A: number[][], b: number[]): number[] {
  const n = b.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (A[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) s -= ((L[i] as number[])[k] as number) * ((L[j] as number[])[k] as number);
      if (i === j) (L[i] as number[])[i] = Math.sqrt(Math.max(s, 1e-12));
      else (L[i] as number[])[j] = s / ((L[j] as number[])[j] as number);
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= ((L[i] as number[])[k] as number) * (y[k] as number);
    y[i] = s / ((L[i] as number[])[i] as number);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= ((L[k] as number[])[i] as number) * (x[k] as number);
    x[i] = s / ((L[i] as number[])[i] as number);
  }
  return x;
}

/**
 * Weighted, L2-regularised logistic regression fitted by Newton's method (IRLS): deterministic,
 * no learning rate to tune, converges in a handful of iterations for a few dozen features.
 */
export function trainLogistic(
  X: readonly (readonly number[])[],
  y: readonly number[],
  o: LogisticOptions = {},
): LogisticModel {
  const n = X.length;
  if (n === 0 || n !== y.length)
    throw new RangeError(`trainLogistic: need as many labels as rows (${n} rows, ${y.length} labels), at least one`);
  const d = (X[0] as readonly number[]).length;
  const w = o.weights ?? new Array<number>(n).fill(1);
  if (w.length !== n) throw new RangeError(`trainLogistic: ${w.length} weights for ${n} rows`);
  for (const v of y) if (v !== 0 && v !== 1) throw new RangeError(`trainLogistic: labels must be 0 or 1, got ${v}`);
  const totalW = w.reduce((a, b) => a + b, 0);
  const means = new Array<number>(d).fill(0);
  const scales = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++)
      means[j] = (means[j] as number) + ((w[i] as number) * ((X[i] as number[])[j] as number)) / totalW;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++)
      scales[j] =
        (scales[j] as number) +
        ((w[i] as number) * (((X[i] as number[])[j] as number) - (means[j] as number)) ** 2) / totalW;
  for (let j = 0; j < d; j++) scales[j] = Math.sqrt(scales[j] as number) || 1;
  const Z = X.map((row) => [1, ...row.map((v, j) => (v - (means[j] as number)) / (scales[j] as number))]);
  const l2 = (o.l2 ?? 1e-4) * totalW;
  const beta = new Array<number>(d + 1).fill(0);
  const maxIter = o.epochs ?? 50;
  const tol = o.tolerance ?? 1e-8;
  let iterations = 0;
  for (; iterations < maxIter; ) {
    iterations++;
    const H = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    const g = new Array<number>(d + 1).fill(0);
    for (let i = 0; i < n; i++) {
      const z = Z[i] as number[];
      let eta = 0;
      for (let j = 0; j <= d; j++) eta += (beta[j] as number) * (z[j] as number);
      const p = sigmoid(eta);
      const wi = w[i] as number;
      const r = wi * ((y[i] as number) - p);
      const v = wi * Math.max(p * (1 - p), 1e-10);
      for (let j = 0; j <= d; j++) {
        g[j] = (g[j] as number) + r * (z[j] as number);
        const Hj = H[j] as number[];
        for (let k = 0; k <= j; k++) Hj[k] = (Hj[k] as number) + v * (z[j] as number) * (z[k] as number);
      }
    }
    for (let j = 0; j <= d; j++)
      for (let k = j + 1; k <= d; k++) (H[j] as number[])[k] = (H[k] as number[])[j] as number;
    for (let j = 1; j <= d; j++) {
      g[j] = (g[j] as number) - l2 * (beta[j] as number);
      (H[j] as number[])[j] = ((H[j] as number[])[j] as number) + l2;
    }
    const step = solveSpd(H, g);
    let maxStep = 0;
    for (let j = 0; j <= d; j++) {
      beta[j] = (beta[j] as number) + (step[j] as number);
      maxStep = Math.max(maxStep, Math.abs(step[j] as number));
    }
    if (maxStep < tol) break;
  }
  const coefficients = beta.slice(1);
  const intercept = beta[0] as number;
  const predictProba = (x: readonly number[]): number => {
    let eta = intercept;
    for (let j = 0; j < d; j++)
      eta += (coefficients[j] as number) * (((x[j] as number) - (means[j] as number)) / (scales[j] as number));
    return sigmoid(eta);
  };
  return {
    coefficients,
    intercept,
    means,
    scales,
    iterations,
    predictProba,
    predict: (x) => (predictProba(x) >= 0.5 ? 1 : 0),
  };
}
