/**
 * Exact null distribution of the two-sample Kolmogorov-Smirnov statistic by lattice-path
 * counting (Hodges 1958, after Drion/Gnedenko/Korolyuk), following the branches of
 * scipy.stats.ks_2samp: `probOutsideSquare` for n1 == n2 two-sided, the Viehmann (2021)
 * 1 - p recursion of the inside method for n1 != n2 two-sided, and the outside method for
 * the one-sided tests.
 */

/** binom(n, k) as a double, by the product over min(k, n - k) terms (rescaled to avoid early overflow). */
export function binom(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const kk = Math.min(k, n - k);
  let num = 1;
  let den = 1;
  for (let i = 1; i <= kk; i++) {
    num *= n - kk + i;
    den *= i;
    if (Math.abs(num) > 1e50) {
      num /= den;
      den = 1;
    }
  }
  return num / den;
}

/** Pr(D_{n,n} >= h/n): the proportion of paths passing outside the lines x - y = +/-h (n1 == n2). */
export function probOutsideSquare(n: number, h: number): number {
  // 2 * A0 * (1 - A1 * (1 - A2 * (...))), each Ai a ratio of h factors, evaluated Horner-like.
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * The proportion of lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm(m,n),
 * computed directly as 1 - p with a sliding window over one column.
 */
export function outerProbInsideMethod(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const a = new Float64Array(Math.max(lenA, 1)).fill(1);
  for (let j = minj; j < maxj; j++) a[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    const shift = minj - lastminj;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = ((a[jj + shift] as number) * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return a[maxj - minj - 1] as number;
}

/** Pascal's triangle up to the row where binomials overflow a double (row 1030), built once on first use. */
const PASCAL_MAX = 1030;
let pascalTable: Float64Array | undefined;
function pascal(a: number, b: number): number {
  if (a > PASCAL_MAX) return binom(a, b);
  if (!pascalTable) {
    const w = PASCAL_MAX + 1;
    const t = new Float64Array(w * w);
    for (let r = 0; r <= PASCAL_MAX; r++) {
      t[r * w] = 1;
      for (let c = 1; c <= r; c++) t[r * w + c] = (t[(r - 1) * w + c - 1] as number) + (t[(r - 1) * w + c] as number);
    }
    pascalTable = t;
  }
  return b < 0 || b > a ? 0 : (pascalTable[a * (PASCAL_MAX + 1) + b] as number);
}

/** The number of paths from (0,0) to (m,n) reaching m*y <= n*x - h*g somewhere (may overflow to Infinity). */
export function countPathsOutsideMethod(m0: number, n0: number, g: number, h: number): number {
  const binom = pascal;
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  const lxj = n + Math.floor((mg - h) / mg);
  if (lxj <= 0) return binom(m + n, n);
  const xj = new Float64Array(lxj);
  for (let j = 0; j < lxj; j++) xj[j] = Math.floor((h + mg * j + ng - 1) / ng);
  const b = new Float64Array(lxj);
  b[0] = 1;
  for (let j = 1; j < lxj; j++) {
    const xjj = xj[j] as number;
    let bj = binom(xjj + j, j);
    for (let i = 0; i < j; i++) bj -= binom(xjj - (xj[i] as number) + j - i, j - i) * (b[i] as number);
    b[j] = bj;
  }
  let paths = 0;
  for (let j = 0; j < lxj; j++) paths += (b[j] as number) * binom(m - (xj[j] as number) + (n - j), n - j);
  return paths;
}

export type KsAlternative = 'two-sided' | 'less' | 'greater';

/** scipy's `_attempt_exact_2kssamp`: the exact p-value, or `undefined` when it cannot be computed in doubles. */
export function attemptExact(n1: number, n2: number, g: number, d: number, alternative: KsAlternative): { d: number; p: number } | undefined {
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const dq = h / lcm;
  if (h === 0) return { d: dq, p: 1 };
  let p: number;
  if (alternative === 'two-sided') {
    p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInsideMethod(n1, n2, g, h);
  } else if (n1 === n2) {
    p = 1;
    for (let j = 0; j < h; j++) p *= (n1 - j) / (n1 + j + 1);
  } else {
    // When binom(n1 + n2, n1) overflows, scipy's count fails too: give up before counting.
    const all = binom(n1 + n2, n1);
    if (!Number.isFinite(all)) return undefined;
    const paths = countPathsOutsideMethod(n1, n2, g, h);
    if (!Number.isFinite(paths) || paths > all) return undefined;
    p = paths / all;
  }
  if (!(p >= 0 && p <= 1)) return undefined;
  return { d: dq, p };
}

/** numpy's round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y) [x, y] = [y, x % y];
  return x;
}
