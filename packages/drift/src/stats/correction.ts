export type Correction = 'holm' | 'bh' | 'none';

/** Holm-Bonferroni step-down adjusted p-values (controls the family-wise error rate). */
export function holm(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => (p[a] as number) - (p[b] as number));
  const out = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (p[idx] as number)));
    out[idx] = running;
  });
  return out;
}

/** Benjamini-Hochberg step-up adjusted p-values (controls the false discovery rate). */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => (p[a] as number) - (p[b] as number));
  const out = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const idx = order[rank] as number;
    running = Math.min(running, ((p[idx] as number) * m) / (rank + 1));
    out[idx] = Math.min(1, running);
  }
  return out;
}

export function adjustPValues(p: readonly number[], correction: Correction): number[] {
  if (correction === 'holm') return holm(p);
  if (correction === 'bh') return benjaminiHochberg(p);
  return [...p];
}
