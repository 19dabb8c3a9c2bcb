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
 * The proportion of lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm(m,n)
 * (scipy's inside method, computed directly as 1 - p after Viehmann 2021). A cell's value is the
 * chance a uniform path to it has left the band: 1 outside, 0 at the origin, else
 * (i * left + j * below) / (i + j).
 *
 * scipy sweeps column by column, so each cell waits on the one below it (a serial chain of a
 * multiply, an add and a division per cell). This sweeps anti-diagonals i + j = s: the cells of
 * a diagonal depend only on the previous diagonal, so they are independent (pipelined, 1/s
 * shared, no division), and only the band's cells are visited. And it stops halfway: the
 * rotation (i, j) -> (m - i, n - j) maps the band onto itself, so the rest of a path through a
 * cell c of the middle diagonal leaves the band with the chance the sweep already gave the
 * mirrored cell. With w_c the chance a uniform path passes c (hypergeometric, by ratios from its
 * mode), p = sum_c w_c * (1 - (1 - a_c)(1 - b_c)): positive terms only, so tiny p-values keep
 * their relative precision. Agrees with the full column sweep to ~1e-15 relative.
 */
export function outerProbInsideMethod(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const w = mg + n / g;
  const total = m + n;
  const mid = total >> 1;
  // cell (i, s - i) of diagonal s lives at index i + 1; the slots just outside the band hold 1
  let prev = new Float64Array(m + 3);
  let cur = new Float64Array(m + 3);
  prev[0] = 1;
  prev[2] = 1;
  let midLo = 0;
  let midHi = 0;
  for (let s = 1; s <= total - mid; s++) {
    // inside the band: |mg * j - ng * i| < h with j = s - i, i.e. |mg * s - w * i| < h
    let lo = Math.floor((mg * s - h) / w) + 1;
    let hi = Math.ceil((mg * s + h) / w) - 1;
    if (lo < s - n) lo = s - n;
    if (lo < 0) lo = 0;
    if (hi > m) hi = m;
    if (hi > s) hi = s;
    if (hi < lo) return 1; // no path stays inside
    const inv = 1 / s;
    for (let i = lo; i <= hi; i++) cur[i + 1] = (i * (prev[i] as number) + (s - i) * (prev[i + 1] as number)) * inv;
    cur[lo] = 1;
    cur[hi + 2] = 1;
    const t = prev;
    prev = cur;
    cur = t;
    if (s === mid) {
      midLo = lo;
      midHi = hi;
    }
  }
  // prev: diagonal total - mid (the mirror of diagonal mid); diagonal mid is cur when total is odd
  const a = total % 2 ? cur : prev;
  const b = prev;
  const iLo = Math.max(0, mid - n);
  const iHi = Math.min(m, mid);
  const weight = new Float64Array(iHi - iLo + 1);
  let mode = Math.floor(((mid + 1) * (m + 1)) / (total + 2));
  if (mode < iLo) mode = iLo;
  if (mode > iHi) mode = iHi;
  weight[mode - iLo] = 1;
  for (let i = mode; i < iHi; i++) {
    const next = (weight[i - iLo] as number) * ((mid - i) / (i + 1)) * ((m - i) / (total - mid - m + i + 1));
    if (next === 0) break;
    weight[i + 1 - iLo] = next;
  }
  for (let i = mode; i > iLo; i--) {
    const next = (weight[i - iLo] as number) * (i / (mid - i + 1)) * ((total - mid - m + i) / (m - i + 1));
    if (next === 0) break;
    weight[i - 1 - iLo] = next;
  }
  let sum = 0;
  let p = 0;
  for (let i = iLo; i <= iHi; i++) {
    const wi = weight[i - iLo] as number;
    sum += wi;
    if (i < midLo || i > midHi) p += wi;
    else {
      const ai = a[i + 1] as number;
      const bi = b[m - i + 1] as number;
      p += wi * (ai + bi - ai * bi);
    }
  }
  return p / sum;
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
export function attemptExact(
  n1: number,
  n2: number,
  g: number,
  d: number,
  alternative: KsAlternative,
): { d: number; p: number } | undefined {
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
