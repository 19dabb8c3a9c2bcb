/** Counts for one cell (a sector or symbol, in one regime). */
export interface Counts {
  /** Predictions tracked, resolved or not. */
  tracked: number;
  /** Predictions whose outcome is known: the only ones accuracy counts. */
  resolved: number;
  correct: number;
}

/** One row of `SELECT model_version, sector, symbol, regime, COUNT(*), ... GROUP BY model_version, sector, symbol, regime`. */
export interface AggregateRow {
  readonly model: string;
  readonly sector: string;
  readonly symbol: string;
  readonly regime: string;
  readonly tracked: number;
  readonly resolved: number;
  readonly correct: number;
}

type Cells = Map<string, Map<string, Counts>>;

function cell(map: Cells, key: string, regime: string): Counts {
  let byRegime = map.get(key);
  if (!byRegime) {
    byRegime = new Map();
    map.set(key, byRegime);
  }
  let c = byRegime.get(regime);
  if (!c) {
    c = { tracked: 0, resolved: 0, correct: 0 };
    byRegime.set(regime, c);
  }
  return c;
}

/**
 * Counts per sector x regime and per symbol x regime (and the symbol's sector), kept in step
 * with `sector_performance` so reads cost O(cells), never a table scan. Reads return copies.
 */
export class SectorAggregates {
  readonly #bySector: Cells = new Map();
  readonly #bySymbol: Cells = new Map();
  readonly #symbolSectors = new Map<string, Set<string>>();

  /** Adds `tracked` new predictions, `resolved` of them already scored, `correct` of those right. */
  add(sector: string, symbol: string, regime: string, tracked: number, resolved: number, correct: number): void {
    for (const c of [cell(this.#bySector, sector, regime), cell(this.#bySymbol, symbol, regime)]) {
      c.tracked += tracked;
      c.resolved += resolved;
      c.correct += correct;
    }
    const s = this.#symbolSectors.get(symbol);
    if (s) s.add(sector);
    else this.#symbolSectors.set(symbol, new Set([sector]));
  }

  /** Replaces every count with a GROUP BY's rows. */
  replace(rows: readonly AggregateRow[]): void {
    this.#bySector.clear();
    this.#bySymbol.clear();
    this.#symbolSectors.clear();
    for (const r of rows) this.add(r.sector, r.symbol, r.regime, r.tracked, r.resolved, r.correct);
  }

  sectors(): string[] {
    return [...this.#bySector.keys()];
  }

  symbols(): string[] {
    return [...this.#bySymbol.keys()];
  }

  /** Regime -> counts for one sector (empty if never tracked). */
  sector(name: string): Map<string, Counts> {
    return copy(this.#bySector.get(name));
  }

  symbol(name: string): Map<string, Counts> {
    return copy(this.#bySymbol.get(name));
  }

  /** The sectors a symbol was tracked under (more than one if its mapping changed). */
  sectorsOfSymbol(name: string): string[] {
    return [...(this.#symbolSectors.get(name) ?? [])];
  }
}

function copy(m: Map<string, Counts> | undefined): Map<string, Counts> {
  return new Map([...(m ?? [])].map(([k, c]) => [k, { ...c }]));
}
