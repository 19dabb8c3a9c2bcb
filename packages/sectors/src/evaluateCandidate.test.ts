import { isVigilError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { evaluateCandidate } from './evaluateCandidate.js';
import { SectorMap } from './SectorMap.js';

const rules = { labels: [0, 1], regimes: ['normal', 'crash'] };
const p = (symbol: string, regime: string, predictedLabel: number, actualLabel: number) => ({
  symbol,
  regime,
  predictedLabel,
  actualLabel,
  confidence: 0.6,
});

describe('evaluateCandidate', () => {
  it('breaks validation predictions down by sector, symbol and regime', () => {
    const preds = [
      p('XOM', 'normal', 1, 1),
      p('XOM', 'crash', 1, 0),
      p('cvx', 'crash', 0, 0),
      p('META', 'normal', 1, 1),
      p('GOOGL', 'crash', 0, 1),
      p('NEWCO', 'normal', 1, 1),
    ];
    const b = evaluateCandidate(preds, { sectorMap: new SectorMap(), rules, minResolved: 2 });
    expect(b.overall).toMatchObject({ total: 6, correct: 4 });
    expect(Object.keys(b.sectors)).toEqual(['Communication Services', 'Energy', 'Unknown']);
    expect(b.sectors.Energy).toMatchObject({
      total: 3,
      correct: 2,
      by_regime: { crash: { total: 2, correct: 1 }, normal: { total: 1, correct: 1 } },
    });
    expect(b.sectors['Communication Services']).toMatchObject({ total: 2, correct: 1 });
    expect(b.symbols.CVX).toMatchObject({ total: 1, correct: 1, best_regime: 'crash' });
    expect(b.regimes.crash).toMatchObject({ total: 3, correct: 1 });
    expect(b.unknownSymbols).toEqual(['NEWCO']);
    expect(b.weakest.sectors.map((s) => s.sector)).toEqual(['Communication Services', 'Energy']);
  });

  it('refuses bad predictions naming each field; unknown symbols under the reject policy', () => {
    const bad = [
      p('', 'normal', 1, 1),
      p('XOM', 'bubble', 1, 1),
      p('XOM', 'normal', 3, 1),
      p('XOM', 'normal', 1, -1),
      { ...p('XOM', 'normal', 1, 1), confidence: 2 },
    ];
    const err = (() => {
      try {
        evaluateCandidate(bad, { sectorMap: new SectorMap(), rules, minResolved: 2 });
      } catch (e) {
        return e;
      }
    })();
    expect(isVigilError(err, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect((err as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'validation.predictions[0].symbol',
      'validation.predictions[1].regime',
      'validation.predictions[2].predictedLabel',
      'validation.predictions[3].actualLabel',
      'validation.predictions[4].confidence',
    ]);
    expect(() =>
      evaluateCandidate([p('NEWCO', 'normal', 1, 1)], {
        sectorMap: new SectorMap({ unknownSymbols: 'reject' }),
        rules,
        minResolved: 2,
      }),
    ).toThrow(/"NEWCO"/);
  });
});
