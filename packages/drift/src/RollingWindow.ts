/** A fixed-capacity ring of numbers: O(1) push, values read back oldest first. */
export class RollingWindow {
  readonly #buf: Float64Array;
  #next = 0;
  #size = 0;
  constructor(readonly capacity: number) {
    this.#buf = new Float64Array(capacity);
  }
  get size(): number {
    return this.#size;
  }
  push(v: number): void {
    this.#buf[this.#next] = v;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }
  /** The last `capacity` values of (window contents followed by `extra`), oldest first. */
  valuesWith(extra: ArrayLike<number> = []): Float64Array {
    const keep = Math.min(this.#size, Math.max(0, this.capacity - extra.length));
    const out = new Float64Array(keep + Math.min(extra.length, this.capacity));
    const start = (this.#next - keep + this.capacity) % this.capacity;
    for (let i = 0; i < keep; i++) out[i] = this.#buf[(start + i) % this.capacity] as number;
    const from = Math.max(0, extra.length - this.capacity);
    for (let i = from; i < extra.length; i++) out[keep + i - from] = extra[i] as number;
    return out;
  }
}

/** The same for arbitrary values (regimes, predictions). */
export class RollingList<T> {
  #items: T[] = [];
  constructor(readonly capacity: number) {}
  get size(): number {
    return this.#items.length;
  }
  pushAll(xs: readonly T[]): void {
    this.#items.push(...xs);
    if (this.#items.length > this.capacity) this.#items.splice(0, this.#items.length - this.capacity);
  }
  valuesWith(extra: readonly T[] = []): T[] {
    return [...this.#items, ...extra].slice(-this.capacity);
  }
}
