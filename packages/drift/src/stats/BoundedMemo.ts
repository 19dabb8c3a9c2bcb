/**
 * Results of a pure computation by key, bounded: a full table is emptied, and the next calls compute again. A
 * remembered result is the one the computation would give, so callers stay exact. Values must not be undefined.
 */
export class BoundedMemo<K, V> {
  readonly #table = new Map<K, V>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** The remembered result for `key`, else `compute()`'s, remembered. */
  get(key: K, compute: () => V): V {
    const hit = this.#table.get(key);
    if (hit !== undefined) return hit;
    const v = compute();
    if (this.#table.size >= this.#limit) this.#table.clear();
    this.#table.set(key, v);
    return v;
  }
}
