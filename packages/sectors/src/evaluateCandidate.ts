import { type Issue, type RecordRules, type ValidationPrediction, describeValue, throwIfIssues } from '@vigil/core';
import { UNKNOWN_SECTOR } from './gics.js';
import {
  type AccuracyStats,
  type SectorPerformance,
  type SymbolPerformance,
  type WeakestSectors,
  accuracyStats,
  sectorPerformance,
  symbolPerformance,
  weakestSectors,
} from './performance.js';
import { type Counts, SectorAggregates } from './SectorAggregates.js';
import type { SectorMap } from './SectorMap.js';
import { canonicalSymbol } from './symbols.js';
import { validateCandidatePredictions } from './validateInput.js';

/** A candidate model's breakdown on its validation predictions: the live report's shape, no tables touched. */
export interface CandidateBreakdown {
  readonly overall: AccuracyStats;
  readonly sectors: Readonly<Record<string, SectorPerformance>>;
  readonly symbols: Readonly<Record<string, SymbolPerformance>>;
  readonly regimes: Readonly<Record<string, AccuracyStats>>;
  readonly weakest: WeakestSectors;
  /** Symbols no table maps (tracked under `Unknown` by the 'track' policy). */
  readonly unknownSymbols: readonly string[];
}

export interface CandidateOptions {
  readonly sectorMap: SectorMap;
  readonly rules: RecordRules;
  /** Evidence needed before a sector is ranked in `weakest`. */
  readonly minResolved: number;
}

/** Every validation prediction is resolved (it has `actualLabel`); unknown symbols follow the map's policy. */
export function evaluateCandidate(
  predictions: readonly ValidationPrediction[],
  o: CandidateOptions,
): CandidateBreakdown {
  validateCandidatePredictions(predictions, o.rules);
  const agg = new SectorAggregates();
  const regimes = new Map<string, Counts>();
  const overall: Counts = { tracked: 0, resolved: 0, correct: 0 };
  const unknown = new Set<string>();
  const issues: Issue[] = [];
  predictions.forEach((p, i) => {
    const symbol = canonicalSymbol(p.symbol);
    let sector = o.sectorMap.lookup(symbol);
    if (sector === undefined) {
      if (o.sectorMap.policy === 'reject') {
        issues.push({
          path: `validation.predictions[${i}].symbol`,
          message: `no sector is known for symbol ${describeValue(p.symbol)}`,
          value: p.symbol,
        });
        return;
      }
      unknown.add(symbol);
      sector = UNKNOWN_SECTOR;
    }
    const right = p.predictedLabel === p.actualLabel ? 1 : 0;
    agg.add(sector, symbol, p.regime, 1, 1, right);
    let r = regimes.get(p.regime);
    if (!r) {
      r = { tracked: 0, resolved: 0, correct: 0 };
      regimes.set(p.regime, r);
    }
    for (const c of [r, overall]) {
      c.tracked++;
      c.resolved++;
      c.correct += right;
    }
  });
  throwIfIssues('validation predictions', issues);
  const byName = <T>(names: string[], f: (n: string) => T): Record<string, T> =>
    Object.fromEntries(names.sort().map((n) => [n, f(n)]));
  return {
    overall: accuracyStats(overall),
    sectors: byName(agg.sectors(), (s) => sectorPerformance(agg, s)),
    symbols: byName(agg.symbols(), (s) => symbolPerformance(agg, s)),
    regimes: byName([...regimes.keys()], (r) => accuracyStats(regimes.get(r) as Counts)),
    weakest: weakestSectors(agg, Number.POSITIVE_INFINITY, o.minResolved, o.sectorMap.sectors),
    unknownSymbols: [...unknown].sort(),
  };
}
