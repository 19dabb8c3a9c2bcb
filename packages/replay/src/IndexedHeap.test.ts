import { describe, expect, it } from 'vitest';
import { AscendingWalk, IndexedHeap } from './IndexedHeap.js';
import { mulberry32 } from './random.js';

interface Item {
  id: number;
  v: number;
}
const less = (a: Item, b: Item) => a.v < b.v || (a.v === b.v && a.id < b.id);
const sorted = (xs: Item[]) => [...xs].sort((a, b) => (less(a, b) ? -1 : 1));

describe('IndexedHeap', () => {
  it('matches a sorted array under random push, pop and remove-by-key', () => {
    for (const seed of [1, 2, 3]) {
      const rand = mulberry32(seed);
      const heap = new IndexedHeap<Item>(less, (x) => x.id);
      let ref: Item[] = [];
      let next = 0;
      for (let step = 0; step < 5000; step++) {
        const r = rand();
        if (r < 0.5 || ref.length === 0) {
          const it = { id: next++, v: Math.floor(rand() * 50) };
          heap.push(it);
          ref.push(it);
        } else if (r < 0.75) {
          const expected = sorted(ref)[0];
          expect(heap.pop()).toEqual(expected);
          ref = ref.filter((x) => x !== expected);
        } else {
          const victim = ref[Math.floor(rand() * ref.length)] as Item;
          expect(heap.remove(victim.id)).toBe(true);
          ref = ref.filter((x) => x !== victim);
        }
        expect(heap.size).toBe(ref.length);
        expect(heap.peek()).toEqual(sorted(ref)[0]);
      }
      expect(heap.remove(-1)).toBe(false);
    }
  });

  it('rebuilds in O(n) to a valid heap and refuses duplicate keys', () => {
    const rand = mulberry32(9);
    const items = Array.from({ length: 500 }, (_, id) => ({ id, v: rand() }));
    const heap = new IndexedHeap<Item>(less, (x) => x.id);
    heap.rebuild(items);
    const out: Item[] = [];
    while (heap.size) out.push(heap.pop() as Item);
    expect(out).toEqual(sorted(items));
    heap.push({ id: 1, v: 0 });
    expect(() => heap.push({ id: 1, v: 2 })).toThrow(/already present/);
  });

  it('walks the elements in ascending order without changing the heap', () => {
    const rand = mulberry32(4);
    const heap = new IndexedHeap<Item>(less, (x) => x.id);
    const items = Array.from({ length: 300 }, (_, id) => ({ id, v: Math.floor(rand() * 20) }));
    for (const it of items) heap.push(it);
    const before = [...heap.items];
    const walk = new AscendingWalk(heap, less);
    const seen: Item[] = [];
    while (walk.current) {
      seen.push(walk.current);
      walk.next();
    }
    expect(seen).toEqual(sorted(items));
    expect(heap.items).toEqual(before);
    expect(new AscendingWalk(new IndexedHeap<Item>(less, (x) => x.id), less).current).toBeUndefined();
  });
});
