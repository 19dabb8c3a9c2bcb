import { describe, expect, it } from 'vitest';
import { BufferIndex, type IndexEntry, type IndexRules, ranksBelow } from './BufferIndex.js';
import { mulberry32 } from './random.js';

/** The rules applied the slow, obvious way: a plain array, one offer at a time. */
class NaiveBuffer {
  list: IndexEntry[] = [];
  next = 1;
  constructor(readonly rules: IndexRules) {}
  #min(xs: IndexEntry[]): IndexEntry | undefined {
    return xs.reduce<IndexEntry | undefined>((m, x) => (!m || ranksBelow(x, m) ? x : m), undefined);
  }
  offer(c: Omit<IndexEntry, 'id'>): boolean {
    const e = { ...c, id: this.next };
    const w = this.rules.symbolWindowDays;
    const conflicts = w > 0 ? this.list.filter((x) => x.symbol === e.symbol && Math.abs(x.day - e.day) < w) : [];
    if (conflicts.some((x) => !ranksBelow(x, e))) return false;
    const victims: IndexEntry[] = [];
    const q = e.regime === null ? undefined : this.rules.regimeQuotas[e.regime];
    if (q !== undefined) {
      const inRegime = this.list.filter((x) => x.regime === e.regime);
      if (inRegime.length - conflicts.filter((x) => x.regime === e.regime).length >= q) {
        const m = this.#min(inRegime);
        if (!m || !ranksBelow(m, e)) return false;
        victims.push(m);
      }
    }
    if (this.list.length - conflicts.length - victims.length >= this.rules.maxSize) {
      const m = this.#min(this.list);
      if (!m || !ranksBelow(m, e)) return false;
      victims.push(m);
    }
    const gone = new Set([...conflicts, ...victims]);
    this.list = [...this.list.filter((x) => !gone.has(x)), e];
    this.next++;
    return true;
  }
}

const key = (xs: Iterable<IndexEntry>) => [...xs].map((e) => e.id).sort((a, b) => a - b);

function run(rules: IndexRules, seed: number, offers: number) {
  const rand = mulberry32(seed);
  const index = new BufferIndex(rules);
  const naive = new NaiveBuffer(rules);
  const symbols = ['A', 'B', 'C', 'D', 'E'];
  const regimes = ['normal', 'crash', 'recovery', null];
  let done = 0;
  while (done < offers) {
    const plan = index.plan();
    const saved = { list: naive.list, next: naive.next };
    const size = 1 + Math.floor(rand() * 40);
    for (let k = 0; k < size; k++, done++) {
      const c = {
        score: Math.round(rand() * 20) / 20 + 0.05,
        symbol: symbols[Math.floor(rand() * symbols.length)] as string,
        day: Math.floor(rand() * 60),
        regime: regimes[Math.floor(rand() * regimes.length)] as string | null,
        model: 'm1',
      };
      const r = plan.offer(c);
      expect('id' in r).toBe(naive.offer(c));
    }
    // a plan abandoned (rolled back) must leave the index as it was
    if (rand() < 0.1) {
      naive.list = saved.list;
      naive.next = saved.next;
      expect(key(index.entries.values())).toEqual(key(naive.list));
      continue;
    }
    index.apply(plan);
    expect(key(index.entries.values())).toEqual(key(naive.list));
    naive.next = index.nextId;
  }
  return index;
}

describe('BufferIndex', () => {
  it('keeps exactly the top maxSize by (score desc, arrival asc) across batches', () => {
    for (const seed of [1, 2, 3, 4]) run({ maxSize: 50, symbolWindowDays: 0, regimeQuotas: {} }, seed, 3000);
  });

  it('keeps the worst error per symbol within the window, as the one-at-a-time reference does', () => {
    for (const seed of [5, 6, 7]) {
      const index = run({ maxSize: 40, symbolWindowDays: 4, regimeQuotas: {} }, seed, 3000);
      const entries = [...index.entries.values()];
      for (const a of entries)
        for (const b of entries)
          if (a !== b && a.symbol === b.symbol) expect(Math.abs(a.day - b.day)).toBeGreaterThanOrEqual(4);
    }
  });

  it('respects per-regime quotas together with the window and the global cap', () => {
    for (const seed of [8, 9, 10]) {
      const index = run({ maxSize: 60, symbolWindowDays: 2, regimeQuotas: { crash: 5, recovery: 0 } }, seed, 3000);
      const entries = [...index.entries.values()];
      expect(entries.filter((e) => e.regime === 'crash').length).toBeLessThanOrEqual(5);
      expect(entries.filter((e) => e.regime === 'recovery')).toEqual([]);
    }
  });

  it('trims to a smaller size by dropping the lowest-ranked entries', () => {
    const index = new BufferIndex({ maxSize: 10, symbolWindowDays: 0, regimeQuotas: {} });
    index.reset(
      Array.from({ length: 10 }, (_, i) => ({
        id: i + 1,
        score: i % 3,
        symbol: 'X',
        day: 0,
        regime: null,
        model: 'm1',
      })),
      1,
    );
    expect(index.nextId).toBe(11);
    const plan = index.plan();
    plan.trimTo(4);
    index.apply(plan);
    // scores by id: 1:0 2:1 3:2 4:0 5:1 6:2 7:0 8:1 9:2 10:0 -> keep the three 2s and the earliest 1
    expect(key(index.entries.values())).toEqual([2, 3, 6, 9]);
  });
});

describe('BufferIndex per model', () => {
  it("two models interleaved keep exactly what each keeps alone: one model's errors never evict another's", () => {
    const rules: IndexRules = { maxSize: 25, symbolWindowDays: 3, regimeQuotas: { crash: 6 } };
    for (const seed of [1, 2, 3]) {
      const rand = mulberry32(seed);
      const both = new BufferIndex(rules);
      const alone = { a: new BufferIndex(rules), b: new BufferIndex(rules) };
      for (let batch = 0; batch < 40; batch++) {
        const plans = { both: both.plan(), a: alone.a.plan(), b: alone.b.plan() };
        for (let k = 0; k < 1 + Math.floor(rand() * 20); k++) {
          const model = rand() < 0.7 ? 'a' : 'b';
          const c = {
            score: Math.round(rand() * 20) / 20 + 0.05,
            symbol: ['A', 'B', 'C'][Math.floor(rand() * 3)] as string,
            day: Math.floor(rand() * 30),
            regime: rand() < 0.3 ? 'crash' : 'normal',
            model,
          };
          expect('id' in plans.both.offer(c)).toBe('id' in plans[model as 'a' | 'b'].offer(c));
        }
        both.apply(plans.both);
        alone.a.apply(plans.a);
        alone.b.apply(plans.b);
      }
      const content = (xs: Iterable<IndexEntry>) =>
        [...xs].map((e) => `${e.model}|${e.score}|${e.symbol}|${e.day}|${e.regime}`).sort();
      for (const m of ['a', 'b'] as const) {
        expect(content(both.sortedDesc(m))).toEqual(content(alone[m].entries.values()));
        expect(both.sizeOf(m)).toBe(alone[m].size);
      }
      expect(both.models()).toEqual(['a', 'b']);
    }
  });
});
