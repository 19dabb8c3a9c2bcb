export { seededRandom } from '@vigil/core';

/** Standard normal draws (Box-Muller) from a seeded uniform source. */
export function normalSampler(rand: () => number): () => number {
  return () => {
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}
