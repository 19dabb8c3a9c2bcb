import { describe, expect, it } from 'vitest';
import { GICS_SECTORS } from './gics.js';
import { sectorPerformance, symbolPerformance, weakestSectors } from './performance.js';
import { SectorAggregates } from './SectorAggregates.js';
import { wilsonInterval } from './wilson.js';

/** Sector -> [resolved, correct] */
function build(cells: Record<string, [number, number]>, pending = 0): SectorAggregates {
  const agg = new SectorAggregates();
  for (const [sector, [n, k]] of Object.entries(cells))
    agg.add(sector, `${sector.slice(0, 3).toUpperCase()}X`, 'normal', n + pending, n, k);
  return agg;
}

describe('weakestSectors', () => {
  it('does not call the smallest-sample sector the weakest, and says it lacked evidence', () => {
    const agg = build({
      Energy: [3, 0], // 0% - the lowest point accuracy, but 3 predictions
      Financials: [400, 220], // 55.0%, narrow interval
      'Health Care': [40, 21], // 52.5%, lower point accuracy than Financials but wide interval
      'Information Technology': [500, 360], // 72%
      Utilities: [29, 10], // one short of the minimum
    });
    const w = weakestSectors(agg, 3, 30, GICS_SECTORS);
    expect(w.sectors.map((s) => s.sector)).toEqual(['Financials', 'Health Care', 'Information Technology']);
    expect(w.sectors[0]).toEqual({
      sector: 'Financials',
      accuracy: 0.55,
      total: 400,
      correct: 220,
      interval: wilsonInterval(220, 400),
    });
    // ranked by the upper bound: Health Care's point estimate is lower, its evidence is not
    expect(w.sectors[1]!.accuracy).toBeLessThan(w.sectors[0]!.accuracy);
    expect(w.sectors[1]!.interval.upper).toBeGreaterThan(w.sectors[0]!.interval.upper);
    expect(w.insufficientEvidence).toContainEqual({ sector: 'Energy', total: 3 });
    expect(w.insufficientEvidence).toContainEqual({ sector: 'Utilities', total: 29 });
    // sectors with nothing tracked are listed as lacking evidence too
    expect(w.insufficientEvidence).toContainEqual({ sector: 'Real Estate', total: 0 });
    expect(w.insufficientEvidence).toHaveLength(8);
    expect(w.minResolved).toBe(30);
    // by point accuracy Energy (0 of 3) is the lowest; even with no minimum the upper bound
    // (0.56 for 0 of 3) does not put it first
    const byPoint = weakestSectors(agg, 10, 1)
      .sectors.slice()
      .sort((a, b) => a.accuracy - b.accuracy);
    expect(byPoint[0]!.sector).toBe('Energy');
    expect(weakestSectors(agg, 1, 1).sectors[0]!.sector).toBe('Utilities');
  });

  it('counts only resolved predictions as evidence', () => {
    const agg = build({ Energy: [10, 2] }, 1000);
    expect(weakestSectors(agg, 3, 30).sectors).toEqual([]);
    expect(weakestSectors(agg, 3, 30).insufficientEvidence).toEqual([{ sector: 'Energy', total: 10 }]);
  });
});

describe('sector and symbol reports', () => {
  it('sums regimes and keeps each regime with its count and interval', () => {
    const agg = new SectorAggregates();
    agg.add('Energy', 'XOM', 'normal', 12, 10, 7);
    agg.add('Energy', 'CVX', 'crash', 5, 5, 1);
    agg.add('Energy', 'XOM', 'crash', 3, 0, 0);
    const p = sectorPerformance(agg, 'Energy');
    expect(p).toMatchObject({
      tracked: 20,
      total: 15,
      correct: 8,
      pending: 5,
      accuracy: 8 / 15,
      interval: wilsonInterval(8, 15),
    });
    expect(Object.keys(p.by_regime)).toEqual(['crash', 'normal']);
    expect(p.by_regime.crash).toMatchObject({ tracked: 8, total: 5, correct: 1, accuracy: 0.2 });
    const xom = symbolPerformance(agg, 'XOM');
    expect(xom).toMatchObject({ tracked: 15, total: 10, correct: 7, sectors: ['Energy'], best_regime: 'normal' });
    expect(xom.by_regime.crash).toMatchObject({ accuracy: null, total: 0, pending: 3 });
  });
});
