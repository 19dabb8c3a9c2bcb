/** One prioritized draw: positions into the score array, their probabilities and IS weights. */
export interface PrioritizedDraw {
  readonly indices: number[];
  /** P(i) = p_i^alpha / sum_k p_k^alpha for each drawn position. */
  readonly probabilities: number[];
  /** w_i = (N * P(i))^-beta / max_j w_j, the max over the whole buffer (Schaul et al. 2016, eq. 1 and Alg. 1). */
  readonly weights: number[];
}

/** P(i) for every position: proportional to score^alpha (zero and negative scores get 0). */
export function priorityProbabilities(scores: ArrayLike<number>, alpha: number): Float64Array {
  const p = new Float64Array(scores.length);
  let total = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    const v = s > 0 ? s ** alpha : 0;
    p[i] = v;
    total += v;
  }
  if (total > 0) for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) / total;
  return p;
}

/**
 * Prioritized experience replay's proportional variant: `n` draws with replacement, position i
 * with probability P(i) = score_i^alpha / sum score^alpha, and importance-sampling weights
 * w_i = (N * P(i))^-beta normalised by the largest weight any buffered item could get, so
 * weights only scale updates down. O(N + n log N).
 */
export function prioritizedSample(
  scores: ArrayLike<number>,
  n: number,
  alpha: number,
  beta: number,
  rand: () => number,
): PrioritizedDraw {
  const probs = priorityProbabilities(scores, alpha);
  const N = probs.length;
  const cum = new Float64Array(N);
  let acc = 0;
  let minP = Number.POSITIVE_INFINITY;
  let live = 0;
  for (let i = 0; i < N; i++) {
    const p = probs[i] as number;
    acc += p;
    cum[i] = acc;
    if (p > 0) {
      live++;
      if (p < minP) minP = p;
    }
  }
  const indices: number[] = [];
  const probabilities: number[] = [];
  const weights: number[] = [];
  if (live === 0 || n <= 0) return { indices, probabilities, weights };
  // IS weights are taken over the N items that can be drawn (score > 0).
  const maxW = (live * minP) ** -beta;
  for (let k = 0; k < n; k++) {
    const u = rand() * acc;
    let lo = 0;
    let hi = N - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cum[mid] as number) > u) hi = mid;
      else lo = mid + 1;
    }
    // Skip zero-probability positions that share a cumulative value with their predecessor.
    while ((probs[lo] as number) === 0 && lo < N - 1) lo++;
    const p = probs[lo] as number;
    indices.push(lo);
    probabilities.push(p);
    weights.push((live * p) ** -beta / maxW);
  }
  return { indices, probabilities, weights };
}
