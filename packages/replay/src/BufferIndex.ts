import { AscendingWalk, IndexedHeap } from './IndexedHeap.js';

/** What the in-memory index keeps of one buffered row. */
export interface IndexEntry {
  readonly id: number;
  readonly score: number;
  readonly symbol: string;
  /** Whole days since 1970-01-01 (UTC) of the row's `date`. */
  readonly day: number;
  readonly regime: string | null;
}

/**
 * The buffer's total order, worst-kept first: lower error score ranks lower; on equal scores the
 * later arrival (higher id) ranks lower, so ties keep the entry that came first.
 */
export const ranksBelow = (a: IndexEntry, b: IndexEntry): boolean =>
  a.score < b.score || (a.score === b.score && a.id > b.id);

export interface IndexRules {
  readonly maxSize: number;
  /** Two errors of one symbol fewer than this many days apart are one mistake; 0 turns it off. */
  readonly symbolWindowDays: number;
  /** Per-regime caps on how many entries a regime may hold. */
  readonly regimeQuotas: Readonly<Record<string, number>>;
}

const byId = (e: IndexEntry) => e.id;
const newHeap = () => new IndexedHeap<IndexEntry>(ranksBelow, byId);

type DayMap = Map<string, Map<number, Set<number>>>;

function dayAdd(m: DayMap, e: IndexEntry): void {
  let days = m.get(e.symbol);
  if (!days) {
    days = new Map();
    m.set(e.symbol, days);
  }
  let ids = days.get(e.day);
  if (!ids) {
    ids = new Set();
    days.set(e.day, ids);
  }
  ids.add(e.id);
}

function dayRemove(m: DayMap, e: IndexEntry): void {
  const days = m.get(e.symbol);
  const ids = days?.get(e.day);
  if (!days || !ids) return;
  ids.delete(e.id);
  if (ids.size === 0) days.delete(e.day);
  if (days.size === 0) m.delete(e.symbol);
}

/** A heap per quota'd regime plus the global heap and the per-symbol day map. */
class Structures {
  readonly global = newHeap();
  readonly regimes = new Map<string, IndexedHeap<IndexEntry>>();
  readonly days: DayMap = new Map();

  constructor(readonly rules: IndexRules) {
    for (const r of Object.keys(rules.regimeQuotas)) this.regimes.set(r, newHeap());
  }

  add(e: IndexEntry): void {
    this.global.push(e);
    if (e.regime !== null) this.regimes.get(e.regime)?.push(e);
    if (this.rules.symbolWindowDays > 0) dayAdd(this.days, e);
  }

  remove(e: IndexEntry): void {
    this.global.remove(e.id);
    if (e.regime !== null) this.regimes.get(e.regime)?.remove(e.id);
    if (this.rules.symbolWindowDays > 0) dayRemove(this.days, e);
  }

  /** Ids of entries of `symbol` whose day is within the window around `day`. */
  near(symbol: string, day: number): number[] {
    const days = this.days.get(symbol);
    if (!days) return [];
    const w = this.rules.symbolWindowDays;
    const out: number[] = [];
    if (days.size < 2 * w) {
      for (const [d, ids] of days) if (Math.abs(d - day) < w) out.push(...ids);
    } else {
      for (let d = day - w + 1; d < day + w; d++) {
        const ids = days.get(d);
        if (ids) out.push(...ids);
      }
    }
    return out;
  }
}

/** The committed state: what the table holds, kept in step with it after every commit. */
export class BufferIndex {
  readonly entries = new Map<number, IndexEntry>();
  #s: Structures;
  /** The id the next admitted entry takes. */
  nextId = 1;

  constructor(readonly rules: IndexRules) {
    this.#s = new Structures(rules);
  }

  get size(): number {
    return this.entries.size;
  }

  /** @internal the committed structures, for plans. */
  get structures(): Structures {
    return this.#s;
  }

  /** Replaces everything (start-up, clear). O(n). */
  reset(entries: readonly IndexEntry[], nextId: number): void {
    this.entries.clear();
    this.#s = new Structures(this.rules);
    for (const e of entries) this.entries.set(e.id, e);
    this.#s.global.rebuild(entries);
    for (const [r, heap] of this.#s.regimes) heap.rebuild(entries.filter((e) => e.regime === r));
    if (this.rules.symbolWindowDays > 0) for (const e of entries) dayAdd(this.#s.days, e);
    let next = nextId;
    for (const id of this.entries.keys()) if (id >= next) next = id + 1;
    this.nextId = next;
  }

  /** Applies a committed plan. O((removed + added) log n). */
  apply(plan: BufferPlan): void {
    for (const id of plan.removedCommitted) {
      const e = this.entries.get(id);
      if (!e) continue;
      this.#s.remove(e);
      this.entries.delete(id);
    }
    for (const e of plan.added.values()) {
      this.#s.add(e);
      this.entries.set(e.id, e);
    }
    this.nextId = Math.max(this.nextId, plan.nextId);
  }

  /** Entries in descending rank (best first), e.g. to trim an over-full table. */
  sortedDesc(): IndexEntry[] {
    return [...this.entries.values()].sort((a, b) => (ranksBelow(a, b) ? 1 : ranksBelow(b, a) ? -1 : 0));
  }

  plan(): BufferPlan {
    return new BufferPlan(this);
  }
}

export type RejectReason = 'symbol-window' | 'regime-quota' | 'below-top-n';

/**
 * One batch's decisions, made over the committed index plus an overlay of what the batch has
 * added and removed so far. The committed heaps are only read (ascending walks), never changed:
 * `BufferIndex.apply(plan)` runs after the transaction commits, so a rollback leaves memory as it was.
 */
export class BufferPlan {
  /** Committed ids this batch deletes. */
  readonly removedCommitted = new Set<number>();
  /** Entries this batch inserts (and still keeps). */
  readonly added = new Map<number, IndexEntry>();
  nextId: number;
  readonly #base: BufferIndex;
  readonly #overlay: Structures;
  readonly #walks = new Map<string | null, AscendingWalk<IndexEntry>>();
  readonly #removedByRegime = new Map<string, number>();

  constructor(base: BufferIndex) {
    this.#base = base;
    this.#overlay = new Structures(base.rules);
    this.nextId = base.nextId;
  }

  get size(): number {
    return this.#base.size - this.removedCommitted.size + this.added.size;
  }

  #regimeCount(regime: string): number {
    const committed = this.#base.structures.regimes.get(regime);
    const overlay = this.#overlay.regimes.get(regime);
    return (committed?.size ?? 0) - (this.#removedByRegime.get(regime) ?? 0) + (overlay?.size ?? 0);
  }

  /** The lowest-ranked live entry, over everything (`null`) or one quota'd regime. */
  #min(regime: string | null): IndexEntry | undefined {
    const committedHeap = regime === null ? this.#base.structures.global : this.#base.structures.regimes.get(regime);
    const overlayHeap = regime === null ? this.#overlay.global : this.#overlay.regimes.get(regime);
    let walk = this.#walks.get(regime);
    if (!walk && committedHeap) {
      walk = new AscendingWalk(committedHeap, ranksBelow);
      this.#walks.set(regime, walk);
    }
    while (walk?.current && this.removedCommitted.has(walk.current.id)) walk.next();
    const a = walk?.current;
    const b = overlayHeap?.peek();
    if (!a) return b;
    if (!b) return a;
    return ranksBelow(a, b) ? a : b;
  }

  #get(id: number): IndexEntry | undefined {
    return this.added.get(id) ?? (this.removedCommitted.has(id) ? undefined : this.#base.entries.get(id));
  }

  #remove(e: IndexEntry): void {
    if (this.added.delete(e.id)) this.#overlay.remove(e);
    else {
      this.removedCommitted.add(e.id);
      if (e.regime !== null) this.#removedByRegime.set(e.regime, (this.#removedByRegime.get(e.regime) ?? 0) + 1);
    }
  }

  /**
   * Offers one error (score > 0). It enters when it outranks every entry of its symbol inside
   * the window (which it then replaces), fits its regime's quota (evicting the regime's lowest
   * if full) and the top `maxSize` (evicting the lowest overall if full).
   */
  offer(candidate: Omit<IndexEntry, 'id'>): { id: number } | { reason: RejectReason } {
    const e: IndexEntry = { ...candidate, id: this.nextId };
    const { rules } = this.#base;
    const conflicts: IndexEntry[] = [];
    if (rules.symbolWindowDays > 0) {
      for (const id of [...this.#base.structures.near(e.symbol, e.day), ...this.#overlay.near(e.symbol, e.day)]) {
        const c = this.#get(id);
        if (!c) continue;
        if (!ranksBelow(c, e)) return { reason: 'symbol-window' };
        conflicts.push(c);
      }
    }
    const victims: IndexEntry[] = [];
    const quota = e.regime === null ? undefined : rules.regimeQuotas[e.regime];
    if (quota !== undefined && e.regime !== null) {
      const inRegime = conflicts.filter((c) => c.regime === e.regime).length;
      if (this.#regimeCount(e.regime) - inRegime >= quota) {
        const m = this.#min(e.regime);
        if (!m || !ranksBelow(m, e)) return { reason: 'regime-quota' };
        victims.push(m);
      }
    }
    if (this.size - conflicts.length - victims.length >= rules.maxSize) {
      const m = this.#min(null);
      if (!m || !ranksBelow(m, e)) return { reason: 'below-top-n' };
      victims.push(m);
    }
    for (const v of [...conflicts, ...victims]) this.#remove(v);
    this.added.set(e.id, e);
    this.#overlay.add(e);
    this.nextId++;
    return { id: e.id };
  }

  /** Removes the lowest-ranked entries until at most `size` remain (when maxSize shrank). */
  trimTo(size: number): void {
    while (this.size > size) {
      const m = this.#min(null);
      if (!m) return;
      this.#remove(m);
    }
  }
}
