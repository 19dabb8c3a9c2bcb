import { AscendingWalk, IndexedHeap } from './IndexedHeap.js';

/** What the in-memory index keeps of one buffered row. */
export interface IndexEntry {
  readonly id: number;
  /** The model whose error this is: each model has its own top-N, window and quotas. */
  readonly model: string;
  /** In the held-out part (never in a training export); decided by the buffer from the row's `holdoutKey`. */
  readonly heldOut?: boolean;
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
  /** Entries each model may hold (the N worst per model). */
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

/** One model's structures: a heap per quota'd regime plus the model's heap and its per-symbol day map. */
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

/**
 * The committed state: what the table holds, kept in step with it after every commit. Entries
 * are partitioned by model; ids are unique across models (one sequence for the table).
 */
export class BufferIndex {
  readonly entries = new Map<number, IndexEntry>();
  #s = new Map<string, Structures>();
  /** The id the next admitted entry takes. */
  nextId = 1;

  constructor(readonly rules: IndexRules) {}

  get size(): number {
    return this.entries.size;
  }

  /** Entries one model holds. */
  sizeOf(model: string): number {
    return this.#s.get(model)?.global.size ?? 0;
  }

  /** The models with at least one entry, sorted. */
  models(): string[] {
    return [...this.#s.keys()].filter((m) => this.sizeOf(m) > 0).sort();
  }

  /** @internal one model's committed structures, for plans (undefined if it holds nothing). */
  structures(model: string): Structures | undefined {
    return this.#s.get(model);
  }

  #of(model: string): Structures {
    let s = this.#s.get(model);
    if (!s) {
      s = new Structures(this.rules);
      this.#s.set(model, s);
    }
    return s;
  }

  /** Replaces everything (start-up, clear). O(n). */
  reset(entries: readonly IndexEntry[], nextId: number): void {
    this.entries.clear();
    this.#s = new Map();
    const byModel = new Map<string, IndexEntry[]>();
    for (const e of entries) {
      this.entries.set(e.id, e);
      const list = byModel.get(e.model);
      if (list) list.push(e);
      else byModel.set(e.model, [e]);
    }
    for (const [model, list] of byModel) {
      const s = this.#of(model);
      s.global.rebuild(list);
      for (const [r, heap] of s.regimes) heap.rebuild(list.filter((e) => e.regime === r));
      if (this.rules.symbolWindowDays > 0) for (const e of list) dayAdd(s.days, e);
    }
    let next = nextId;
    for (const id of this.entries.keys()) if (id >= next) next = id + 1;
    this.nextId = next;
  }

  /** Applies a committed plan. O((removed + added) log n). */
  apply(plan: BufferPlan): void {
    for (const id of plan.removedCommitted) {
      const e = this.entries.get(id);
      if (!e) continue;
      this.#of(e.model).remove(e);
      this.entries.delete(id);
    }
    for (const e of plan.added.values()) {
      this.#of(e.model).add(e);
      this.entries.set(e.id, e);
    }
    this.nextId = Math.max(this.nextId, plan.nextId);
  }

  /** Entries in descending rank (best first), of one model or all, e.g. to trim an over-full table. */
  sortedDesc(model?: string): IndexEntry[] {
    const list = [...this.entries.values()].filter((e) => model === undefined || e.model === model);
    return list.sort((a, b) => (ranksBelow(a, b) ? 1 : ranksBelow(b, a) ? -1 : 0));
  }

  plan(): BufferPlan {
    return new BufferPlan(this);
  }
}

export type RejectReason = 'symbol-window' | 'regime-quota' | 'below-top-n';

/**
 * One batch's decisions, made over the committed index plus an overlay of what the batch has
 * added and removed so far, model by model. The committed heaps are only read (ascending walks),
 * never changed: `BufferIndex.apply(plan)` runs after the transaction commits, so a rollback
 * leaves memory as it was.
 */
export class BufferPlan {
  /** Committed ids this batch deletes. */
  readonly removedCommitted = new Set<number>();
  /** Entries this batch inserts (and still keeps). */
  readonly added = new Map<number, IndexEntry>();
  nextId: number;
  readonly #base: BufferIndex;
  readonly #overlay = new Map<string, Structures>();
  readonly #walks = new Map<string, AscendingWalk<IndexEntry>>();
  /** Committed entries removed, by model and by model + regime. */
  readonly #removed = new Map<string, number>();

  constructor(base: BufferIndex) {
    this.#base = base;
    this.nextId = base.nextId;
  }

  get size(): number {
    return this.#base.size - this.removedCommitted.size + this.added.size;
  }

  #overlayOf(model: string): Structures {
    let s = this.#overlay.get(model);
    if (!s) {
      s = new Structures(this.#base.rules);
      this.#overlay.set(model, s);
    }
    return s;
  }

  /** Live entries of one model (or of one of its quota'd regimes). */
  #count(model: string, regime: string | null): number {
    const committed = this.#base.structures(model);
    const overlay = this.#overlay.get(model);
    const heap = (s: Structures | undefined) => (regime === null ? s?.global : s?.regimes.get(regime));
    return (heap(committed)?.size ?? 0) - (this.#removed.get(key(model, regime)) ?? 0) + (heap(overlay)?.size ?? 0);
  }

  /** The lowest-ranked live entry of a model, over all its entries (`null`) or one quota'd regime. */
  #min(model: string, regime: string | null): IndexEntry | undefined {
    const committed = this.#base.structures(model);
    const overlay = this.#overlay.get(model);
    const committedHeap = regime === null ? committed?.global : committed?.regimes.get(regime);
    const overlayHeap = regime === null ? overlay?.global : overlay?.regimes.get(regime);
    const k = key(model, regime);
    let walk = this.#walks.get(k);
    if (!walk && committedHeap) {
      walk = new AscendingWalk(committedHeap, ranksBelow);
      this.#walks.set(k, walk);
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
    if (this.added.delete(e.id)) this.#overlayOf(e.model).remove(e);
    else {
      this.removedCommitted.add(e.id);
      for (const k of [key(e.model, null), ...(e.regime === null ? [] : [key(e.model, e.regime)])])
        this.#removed.set(k, (this.#removed.get(k) ?? 0) + 1);
    }
  }

  /**
   * Offers one error (score > 0) to its model's part of the buffer. It enters when it outranks
   * every entry of the model's symbol inside the window (which it then replaces), fits the
   * model's regime quota (evicting the regime's lowest if full) and the model's top `maxSize`
   * (evicting the model's lowest if full). Another model's entries are never compared or evicted.
   */
  offer(
    candidate: Omit<IndexEntry, 'id' | 'heldOut'>,
    heldOut?: (id: number) => boolean,
  ): { id: number } | { reason: RejectReason } {
    const e: IndexEntry = {
      ...candidate,
      id: this.nextId,
      ...(heldOut ? { heldOut: heldOut(this.nextId) } : {}),
    };
    const { rules } = this.#base;
    const conflicts: IndexEntry[] = [];
    if (rules.symbolWindowDays > 0) {
      const near = [
        ...(this.#base.structures(e.model)?.near(e.symbol, e.day) ?? []),
        ...(this.#overlay.get(e.model)?.near(e.symbol, e.day) ?? []),
      ];
      for (const id of near) {
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
      if (this.#count(e.model, e.regime) - inRegime >= quota) {
        const m = this.#min(e.model, e.regime);
        if (!m || !ranksBelow(m, e)) return { reason: 'regime-quota' };
        victims.push(m);
      }
    }
    if (this.#count(e.model, null) - conflicts.length - victims.length >= rules.maxSize) {
      const m = this.#min(e.model, null);
      if (!m || !ranksBelow(m, e)) return { reason: 'below-top-n' };
      victims.push(m);
    }
    for (const v of [...conflicts, ...victims]) this.#remove(v);
    this.added.set(e.id, e);
    this.#overlayOf(e.model).add(e);
    this.nextId++;
    return { id: e.id };
  }

  /** Removes each model's lowest-ranked entries until at most `size` remain per model (when maxSize shrank). */
  trimTo(size: number): void {
    const models = new Set([...this.#base.models(), ...[...this.added.values()].map((e) => e.model)]);
    for (const model of models) {
      while (this.#count(model, null) > size) {
        const m = this.#min(model, null);
        if (!m) break;
        this.#remove(m);
      }
    }
  }
}

const key = (model: string, regime: string | null): string => (regime === null ? model : `${model}\u0000${regime}`);
