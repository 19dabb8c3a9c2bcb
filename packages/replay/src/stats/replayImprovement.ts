import { type McNemarResult, mcnemar } from './mcnemar.js';

/** One buffered sample with the old and the new model's predictions. */
export interface PairedPrediction {
  readonly label: number;
  readonly oldPredicted: number;
  readonly newPredicted: number;
}

export interface ReplayImprovement {
  readonly samples: number;
  /** Samples the old model got wrong (all of them when the old predictions are the buffered ones). */
  readonly oldErrors: number;
  /** Of those, how many the new model still gets wrong. */
  readonly repeatErrors: number;
  /** Share of the old model's errors the new model gets right: 1 - repeatErrors / oldErrors. */
  readonly repeatErrorReduction: number | null;
  readonly oldAccuracy: number | null;
  readonly newAccuracy: number | null;
  /** New minus old accuracy on the same samples (equals the reduction when every sample was an old error). */
  readonly improvement: number | null;
  readonly mcnemar: McNemarResult;
}

export function replayImprovement(pairs: readonly PairedPrediction[]): ReplayImprovement {
  let oldErrors = 0;
  let repeat = 0;
  let oldRight = 0;
  let newRight = 0;
  let b = 0;
  let c = 0;
  for (const p of pairs) {
    const o = p.oldPredicted === p.label;
    const n = p.newPredicted === p.label;
    if (o) oldRight++;
    else oldErrors++;
    if (n) newRight++;
    if (!o && !n) repeat++;
    if (!o && n) b++;
    if (o && !n) c++;
  }
  const N = pairs.length;
  return {
    samples: N,
    oldErrors,
    repeatErrors: repeat,
    repeatErrorReduction: oldErrors === 0 ? null : 1 - repeat / oldErrors,
    oldAccuracy: N === 0 ? null : oldRight / N,
    newAccuracy: N === 0 ? null : newRight / N,
    improvement: N === 0 ? null : (newRight - oldRight) / N,
    mcnemar: mcnemar(b, c),
  };
}
