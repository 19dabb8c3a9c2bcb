/**
 * A binary min-heap with a position index, so any element can be removed by key in O(log n).
 * `less(a, b)` orders the heap; the root is the least element. Keys must be unique.
 */
export class IndexedHeap<T> {
  readonly #items: T[] = [];
  readonly #pos = new Map<number, number>();

  constructor(
    private readonly less: (a: T, b: T) => boolean,
    private readonly keyOf: (item: T) => number,
  ) {}

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  has(key: number): boolean {
    return this.#pos.has(key);
  }

  /** The array behind the heap (index 0 is the root); read-only use, e.g. ascending walks. */
  get items(): readonly T[] {
    return this.#items;
  }

  push(item: T): void {
    const key = this.keyOf(item);
    if (this.#pos.has(key)) throw new Error(`IndexedHeap: key ${key} is already present`);
    this.#items.push(item);
    this.#pos.set(key, this.#items.length - 1);
    this.#up(this.#items.length - 1);
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.#removeAt(0);
    return top;
  }

  /** Removes the element with this key; false when absent. */
  remove(key: number): boolean {
    const i = this.#pos.get(key);
    if (i === undefined) return false;
    this.#removeAt(i);
    return true;
  }

  clear(): void {
    this.#items.length = 0;
    this.#pos.clear();
  }

  /** Builds the heap from scratch in O(n) (Floyd). */
  rebuild(items: readonly T[]): void {
    this.clear();
    for (const it of items) {
      const key = this.keyOf(it);
      if (this.#pos.has(key)) throw new Error(`IndexedHeap: key ${key} is duplicated`);
      this.#pos.set(key, this.#items.length);
      this.#items.push(it);
    }
    for (let i = (this.#items.length >> 1) - 1; i >= 0; i--) this.#down(i);
  }

  #removeAt(i: number): void {
    const items = this.#items;
    const last = items.pop() as T;
    this.#pos.delete(this.keyOf(i === items.length ? last : (items[i] as T)));
    if (i === items.length) return;
    items[i] = last;
    this.#pos.set(this.keyOf(last), i);
    this.#down(i);
    this.#up(i);
  }

  #swap(i: number, j: number): void {
    const items = this.#items;
    const a = items[i] as T;
    const b = items[j] as T;
    items[i] = b;
    items[j] = a;
    this.#pos.set(this.keyOf(b), i);
    this.#pos.set(this.keyOf(a), j);
  }

  #up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.#items[i] as T, this.#items[p] as T)) return;
      this.#swap(i, p);
      i = p;
    }
  }

  #down(i: number): void {
    const n = this.#items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(this.#items[l] as T, this.#items[m] as T)) m = l;
      if (r < n && this.less(this.#items[r] as T, this.#items[m] as T)) m = r;
      if (m === i) return;
      this.#swap(i, m);
      i = m;
    }
  }
}

/**
 * Walks a heap's elements in ascending order without modifying it: O(log k) per step for the
 * k-th element (a frontier heap over positions), so a batch can look at the few smallest
 * committed entries while the heap itself stays untouched until the transaction commits.
 */
export class AscendingWalk<T> {
  readonly #frontier: number[] = [];
  #current: T | undefined;

  constructor(
    private readonly heap: IndexedHeap<T>,
    private readonly less: (a: T, b: T) => boolean,
  ) {
    if (heap.size > 0) this.#frontier.push(0);
    this.#advance();
  }

  /** The current (smallest not yet skipped) element. */
  get current(): T | undefined {
    return this.#current;
  }

  /** Moves past the current element. */
  next(): void {
    this.#advance();
  }

  #advance(): void {
    const f = this.#frontier;
    const items = this.heap.items;
    if (f.length === 0) {
      this.#current = undefined;
      return;
    }
    const at = (k: number) => items[f[k] as number] as T;
    const top = f[0] as number;
    const last = f.pop() as number;
    if (f.length > 0) {
      f[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < f.length && this.less(at(l), at(m))) m = l;
        if (r < f.length && this.less(at(r), at(m))) m = r;
        if (m === i) break;
        [f[i], f[m]] = [f[m] as number, f[i] as number];
        i = m;
      }
    }
    for (const c of [2 * top + 1, 2 * top + 2]) {
      if (c >= items.length) continue;
      f.push(c);
      let i = f.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.less(at(i), at(p))) break;
        [f[i], f[p]] = [f[p] as number, f[i] as number];
        i = p;
      }
    }
    this.#current = items[top];
  }
}
