import { mcnemar } from '@vigil/replay';

export interface PairedRecord {
  readonly accuracyA: number;
  readonly accuracyB: number;
  /** Rows only A got right, and rows only B got right. */
  readonly onlyA: number;
  readonly onlyB: number;
  /** One-sided exact McNemar p that A is better than B on these rows. */
  readonly pBetter: number;
}

/** Two models' records on the same rows (true = right), and whether A is significantly better. */
export function mcnemarBetter(a: readonly boolean[], b: readonly boolean[]): PairedRecord {
  let onlyA = 0;
  let onlyB = 0;
  let rightA = 0;
  let rightB = 0;
  a.forEach((x, i) => {
    const y = b[i] as boolean;
    if (x) rightA++;
    if (y) rightB++;
    if (x && !y) onlyA++;
    if (y && !x) onlyB++;
  });
  const n = Math.max(1, a.length);
  return { accuracyA: rightA / n, accuracyB: rightB / n, onlyA, onlyB, pBetter: mcnemar(onlyA, onlyB).pBetter };
}
