import { UNKNOWN_SECTOR } from './gics.js';
import type { Counts, SectorAggregates } from './SectorAggregates.js';
import { type Interval, wilsonInterval } from './wilson.js';

/** An accuracy with the evidence behind it. Unresolved predictions never count toward it. */
export interface AccuracyStats {
  /** correct / total; null when nothing has resolved yet. */
  readonly accuracy: number | null;
  /** Resolved predictions: the count `accuracy` is over (the spec's `total`). */
  readonly total: number;
  readonly correct: number;
  /** Every tracked prediction, resolved or still pending. */
  readonly tracked: number;
  readonly pending: number;
  /** Wilson 95% interval for the accuracy ([0, 1] when total is 0). */
  readonly interval: Interval;
}

export interface SectorPerformance extends AccuracyStats {
  readonly by_regime: Readonly<Record<string, AccuracyStats>>;
}

export interface SymbolPerformance extends AccuracyStats {
  /** The sector(s) the symbol was tracked under (more than one only if its mapping changed). */
  readonly sectors: readonly string[];
  /** The regime with the highest Wilson lower bound (so 2 of 2 does not beat 700 of 1000); null if none resolved. */
  readonly best_regime: string | null;
  readonly by_regime: Readonly<Record<string, AccuracyStats>>;
}

export interface RankedSector {
  readonly sector: string;
  readonly accuracy: number;
  readonly total: number;
  readonly correct: number;
  readonly interval: Interval;
}

export interface WeakestSectors {
  /** Up to n sectors with enough evidence, weakest first (lowest Wilson upper bound). */
  readonly sectors: readonly RankedSector[];
  /** Sectors left out of the ranking for having fewer than `minResolved` resolved predictions. */
  readonly insufficientEvidence: readonly { readonly sector: string; readonly total: number }[];
  readonly minResolved: number;
}

export function accuracyStats(c: Counts): AccuracyStats {
  return {
    accuracy: c.resolved > 0 ? c.correct / c.resolved : null,
    total: c.resolved,
    correct: c.correct,
    tracked: c.tracked,
    pending: c.tracked - c.resolved,
    interval: wilsonInterval(c.correct, c.resolved),
  };
}

function summarize(byRegime: Map<string, Counts>): { all: AccuracyStats; by_regime: Record<string, AccuracyStats> } {
  const sum: Counts = { tracked: 0, resolved: 0, correct: 0 };
  const by_regime: Record<string, AccuracyStats> = {};
  for (const regime of [...byRegime.keys()].sort()) {
    const c = byRegime.get(regime) as Counts;
    sum.tracked += c.tracked;
    sum.resolved += c.resolved;
    sum.correct += c.correct;
    by_regime[regime] = accuracyStats(c);
  }
  return { all: accuracyStats(sum), by_regime };
}

export function sectorPerformance(agg: SectorAggregates, sector: string): SectorPerformance {
  const { all, by_regime } = summarize(agg.sector(sector));
  return { ...all, by_regime };
}

export function symbolPerformance(agg: SectorAggregates, symbol: string): SymbolPerformance {
  const { all, by_regime } = summarize(agg.symbol(symbol));
  let best: string | null = null;
  let bestLower = -1;
  for (const [regime, s] of Object.entries(by_regime)) {
    if (s.total > 0 && s.interval.lower > bestLower) {
      best = regime;
      bestLower = s.interval.lower;
    }
  }
  return { ...all, sectors: agg.sectorsOfSymbol(symbol).sort(), best_regime: best, by_regime };
}

/**
 * Ranks sectors by the upper bound of their Wilson interval, lowest first, among those with at
 * least `minResolved` resolved predictions: a sector is called weak only if even the optimistic
 * end of its interval is low, and one with 3 predictions is never called the weakest. `sectors`
 * lists sectors to consider even if nothing was tracked for them (reported as lacking evidence);
 * the `Unknown` bucket is not a sector and is never ranked.
 */
export function weakestSectors(
  agg: SectorAggregates,
  n: number,
  minResolved: number,
  sectors: readonly string[] = [],
): WeakestSectors {
  const names = [...new Set([...sectors, ...agg.sectors()])].filter((s) => s !== UNKNOWN_SECTOR).sort();
  const ranked: RankedSector[] = [];
  const insufficientEvidence: { sector: string; total: number }[] = [];
  for (const sector of names) {
    const p = sectorPerformance(agg, sector);
    if (p.total < minResolved || p.accuracy === null) insufficientEvidence.push({ sector, total: p.total });
    else ranked.push({ sector, accuracy: p.accuracy, total: p.total, correct: p.correct, interval: p.interval });
  }
  ranked.sort(
    (a, b) => a.interval.upper - b.interval.upper || a.accuracy - b.accuracy || a.sector.localeCompare(b.sector),
  );
  return { sectors: ranked.slice(0, Math.max(0, n)), insufficientEvidence, minResolved };
}
