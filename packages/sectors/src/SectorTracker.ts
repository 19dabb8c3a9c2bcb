import {
  type Clock,
  type PredictionRecord,
  type RecordRules,
  type Transactor,
  type TxContext,
  UNKNOWN_MODEL,
  type ValidationPrediction,
  chooseModel,
} from '@vigil/core';
import { type CandidateBreakdown, evaluateCandidate } from './evaluateCandidate.js';
import {
  type SectorPerformance,
  type SymbolPerformance,
  type WeakestSectors,
  sectorPerformance,
  symbolPerformance,
  weakestSectors,
} from './performance.js';
import { SectorAggregates } from './SectorAggregates.js';
import type { SectorMap } from './SectorMap.js';
import {
  type ResolvedCell,
  type TrackedRow,
  insertPending,
  insertTracked,
  queryAggregateRows,
  queryLatestModel,
  resolveTracked,
} from './sectorPerformanceTable.js';
import { canonicalSymbol } from './symbols.js';
import { type TrackInput, type TrackOutcome, validateTrackInputs, validateTrackOutcomes } from './validateInput.js';

export interface SectorTrackerOptions {
  /** Resolved predictions a sector needs before `getWeakestSectors` ranks it. */
  readonly minResolved: number;
  readonly clock: Clock;
}

/**
 * Which model's figures a read is for. Without `model`, the only model tracked; with several
 * tracked, a VIGIL_INVALID_INPUT listing them (figures of two models are never pooled).
 * `field` names the parameter in that error (`querystring.model`, `--model`).
 */
export interface ModelChoice {
  readonly model?: string | undefined;
  readonly field?: string;
}

const EMPTY = new SectorAggregates();

/**
 * The spec's SectorTracker over `sector_performance`, per model (`model_version`). Writes go
 * through the transactor (or the host's hook transaction); the in-memory aggregates, one set per
 * model, follow only after commit, so they always equal a GROUP BY over the table. Reads come
 * from the aggregates and never scan the table; each read is for one model (see `ModelChoice`).
 */
export class SectorTracker {
  #agg = new Map<string, SectorAggregates>();
  #latest: string | null = null;

  constructor(
    private readonly transactor: Transactor,
    readonly sectorMap: SectorMap,
    private readonly rules: RecordRules,
    private readonly options: SectorTrackerOptions,
  ) {}

  /** Reads the sector tables (a bad user CSV fails here) and loads the aggregates from the table. */
  async start(): Promise<void> {
    this.sectorMap.load();
    await this.rebuildAggregates();
  }

  /** The spec's track_prediction; `actualLabel` omitted means pending. */
  trackPrediction(p: TrackInput): Promise<void> {
    return this.trackPredictions([p]);
  }

  /** A batch in one transaction; any bad input refuses the whole batch before anything is written. */
  async trackPredictions(batch: readonly TrackInput[]): Promise<void> {
    validateTrackInputs(batch, this.rules);
    const sectors = this.sectorMap.resolveAll(
      batch.map((p) => p.symbol),
      (i) => `predictions[${i}].symbol`,
    );
    const now = this.options.clock.now().toISOString();
    // Batches usually share a handful of timestamps: normalise each distinct one once.
    const isoOf = new Map<string | Date, string>();
    const iso = (t: string | Date): string => {
      let v = isoOf.get(t);
      if (v === undefined) {
        v = new Date(t).toISOString();
        isoOf.set(t, v);
      }
      return v;
    };
    const rows = batch.map((p, i): TrackedRow => {
      const actual = p.actualLabel ?? null;
      const ts = p.timestamp === undefined ? now : iso(p.timestamp);
      return [
        p.id ?? null,
        canonicalSymbol(p.symbol),
        sectors[i] as string,
        p.regime,
        p.predictedLabel,
        actual,
        p.confidence,
        actual === null ? null : actual === p.predictedLabel ? 1 : 0,
        ts,
        p.modelVersion ?? UNKNOWN_MODEL,
      ];
    });
    await this.transactor.run((tx) => this.#insert(tx, rows));
  }

  /** Scores tracked predictions by id (for direct use; the host's resolve hook does this itself). Returns how many changed. */
  async resolvePredictions(outcomes: readonly TrackOutcome[]): Promise<number> {
    validateTrackOutcomes(outcomes, this.rules);
    return this.transactor.run((tx) => this.#resolve(tx, outcomes));
  }

  /** The observe hook: tracks the host's new predictions as pending, in the host's transaction. */
  async observeInTx(records: readonly PredictionRecord[], tx: TxContext): Promise<void> {
    if (records.length === 0) return;
    const sectors = this.sectorMap.resolveAll(
      records.map((r) => r.symbol),
      (i) => `records[${i}].symbol`,
    );
    // a batch repeats a few symbols: canonicalise each distinct one once
    const canonical = new Map<string, string>();
    const symbols = records.map((r) => {
      let c = canonical.get(r.symbol);
      if (c === undefined) {
        c = canonicalSymbol(r.symbol);
        canonical.set(r.symbol, c);
      }
      return c;
    });
    await insertPending(tx.manager, records, symbols, sectors);
    tx.afterCommit(() => {
      this.#latest = (records[records.length - 1] as PredictionRecord).modelVersion;
      // one add per (model, regime, symbol) of the batch rather than per record (a symbol has one sector in a batch)
      const counts = new Map<string, Map<string, Map<string, { sector: string; n: number }>>>();
      for (let i = 0; i < records.length; i++) {
        const r = records[i] as PredictionRecord;
        let byRegime = counts.get(r.modelVersion);
        if (!byRegime) {
          byRegime = new Map();
          counts.set(r.modelVersion, byRegime);
        }
        let bySymbol = byRegime.get(r.regime);
        if (!bySymbol) {
          bySymbol = new Map();
          byRegime.set(r.regime, bySymbol);
        }
        const symbol = symbols[i] as string;
        const c = bySymbol.get(symbol);
        if (c) c.n++;
        else bySymbol.set(symbol, { sector: sectors[i] as string, n: 1 });
      }
      for (const [model, byRegime] of counts) {
        const agg = this.#of(this.#agg, model);
        for (const [regime, bySymbol] of byRegime)
          for (const [symbol, c] of bySymbol) agg.add(c.sector, symbol, regime, c.n, 0, 0);
      }
    });
  }

  /** The resolve hook: scores the rows of predictions whose outcome just arrived. */
  async resolveInTx(
    records: readonly { readonly id: string; readonly actualLabel: number }[],
    tx: TxContext,
  ): Promise<void> {
    await this.#resolve(
      tx,
      records.map((r) => ({ id: r.id, actualLabel: r.actualLabel })),
    );
  }

  /** Recomputes every aggregate from the table (serialised with writes, so nothing is missed). */
  rebuildAggregates(): Promise<void> {
    return this.transactor.run(async (tx) => {
      const rows = await queryAggregateRows(tx.manager);
      const latest = await queryLatestModel(tx.manager);
      tx.afterCommit(() => {
        this.#latest = latest;
        const byModel = new Map<string, SectorAggregates>();
        for (const r of rows)
          this.#of(byModel, r.model).add(r.sector, r.symbol, r.regime, r.tracked, r.resolved, r.correct);
        this.#agg = byModel;
      });
    });
  }

  /** The model of the newest tracked prediction (what a dashboard shows by default), or null. */
  get latestModel(): string | null {
    return this.#latest;
  }

  /** The models tracked so far, sorted. */
  models(): string[] {
    return [...this.#agg.keys()].sort();
  }

  /** The model a read answers for (see `ModelChoice`); undefined when nothing is tracked. */
  modelFor(o: ModelChoice = {}): string | undefined {
    return chooseModel(o.model, this.models(), o.field);
  }

  #read(o: ModelChoice): SectorAggregates {
    const model = this.modelFor(o);
    return (model === undefined ? undefined : this.#agg.get(model)) ?? EMPTY;
  }

  /** Every sector one model was tracked in, by name. */
  getSectorPerformance(o?: ModelChoice): Record<string, SectorPerformance>;
  /** One sector for one model (zero counts if nothing was tracked for it). */
  getSectorPerformance(sector: string, o?: ModelChoice): SectorPerformance;
  getSectorPerformance(
    a?: string | ModelChoice,
    b: ModelChoice = {},
  ): Record<string, SectorPerformance> | SectorPerformance {
    if (typeof a === 'string') return sectorPerformance(this.#read(b), a);
    const agg = this.#read(a ?? {});
    return Object.fromEntries(
      agg
        .sectors()
        .sort()
        .map((s) => [s, sectorPerformance(agg, s)]),
    );
  }

  getSymbolPerformance(o?: ModelChoice): Record<string, SymbolPerformance>;
  getSymbolPerformance(symbol: string, o?: ModelChoice): SymbolPerformance;
  getSymbolPerformance(
    a?: string | ModelChoice,
    b: ModelChoice = {},
  ): Record<string, SymbolPerformance> | SymbolPerformance {
    if (typeof a === 'string') return symbolPerformance(this.#read(b), canonicalSymbol(a));
    const agg = this.#read(a ?? {});
    return Object.fromEntries(
      agg
        .symbols()
        .sort()
        .map((s) => [s, symbolPerformance(agg, s)]),
    );
  }

  /** One model's n weakest sectors among those with enough evidence, and those without (see `weakestSectors`). */
  getWeakestSectors(n = 3, o: ModelChoice & { readonly minResolved?: number | undefined } = {}): WeakestSectors {
    return weakestSectors(this.#read(o), n, o.minResolved ?? this.options.minResolved, this.sectorMap.sectors);
  }

  /** The same breakdown for a candidate model's validation predictions; touches no table. */
  evaluateCandidate(
    predictions: readonly ValidationPrediction[],
    o: { readonly minResolved?: number } = {},
  ): CandidateBreakdown {
    return evaluateCandidate(predictions, {
      sectorMap: this.sectorMap,
      rules: this.rules,
      minResolved: o.minResolved ?? this.options.minResolved,
    });
  }

  /** Symbols tracked under `Unknown` (each warned once), with their lookup counts. */
  unknownSymbols(): ReadonlyMap<string, number> {
    return this.sectorMap.unknownSymbols();
  }

  async #insert(tx: TxContext, rows: readonly TrackedRow[]): Promise<void> {
    await insertTracked(tx.manager, rows);
    tx.afterCommit(() => {
      const last = rows[rows.length - 1];
      if (last) this.#latest = last[9];
      for (const r of rows) this.#of(this.#agg, r[9]).add(r[2], r[1], r[3], 1, r[5] === null ? 0 : 1, r[7] ?? 0);
    });
  }

  async #resolve(tx: TxContext, outcomes: readonly TrackOutcome[]): Promise<number> {
    const changed: ResolvedCell[] = await resolveTracked(tx.manager, outcomes);
    tx.afterCommit(() => {
      for (const c of changed) this.#of(this.#agg, c.model).add(c.sector, c.symbol, c.regime, 0, 1, c.correct);
    });
    return changed.length;
  }

  #of(map: Map<string, SectorAggregates>, model: string): SectorAggregates {
    let agg = map.get(model);
    if (!agg) {
      agg = new SectorAggregates();
      map.set(model, agg);
    }
    return agg;
  }
}
