import { csvCells } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { type ExportSet, csvFeatureHeaders, exportLines } from './replayExport.js';

const set = (named: boolean, sampled = false): ExportSet => ({
  model: 'm1',
  featureNames: named ? ['confidence', 'ret'] : ['f0', 'f1'],
  named,
  sampled,
  rows: [
    {
      id: '2015-08-24:BRK.B',
      modelVersion: 'm1',
      bufferId: 7,
      symbol: 'BRK.B',
      timestamp: '2015-08-24T20:00:00.000Z',
      regime: 'crash, deep',
      actualLabel: 1,
      predictedLabel: 0,
      confidence: 0.93,
      errorScore: 0.93,
      features: [0.5, -1e-9],
      ...(sampled ? { draw: 0, weight: 1, probability: 0.25 } : {}),
    },
    {
      id: '2015-08-25:XOM',
      modelVersion: 'm1',
      bufferId: 9,
      symbol: 'XOM',
      timestamp: '2015-08-25T20:00:00.000Z',
      regime: null,
      actualLabel: 0,
      predictedLabel: 1,
      confidence: 0.81,
      errorScore: 0.81,
      features: [0.25, 3],
      ...(sampled ? { draw: 1, weight: 0.5, probability: 0.75 } : {}),
    },
  ],
});

describe('replay export lines', () => {
  it('CSV quotes cells that need it, prefixes feature names that collide with fixed columns, and parses back exactly', () => {
    expect(csvFeatureHeaders(['confidence', 'ret', 'weight'])).toEqual(['feature_confidence', 'ret', 'feature_weight']);
    const [head, ...lines] = [...exportLines(set(true), 'csv')].map(csvCells);
    const back = lines.map((cells) => Object.fromEntries((head ?? []).map((h, i) => [h, cells[i]]))) as Record<
      string,
      string
    >[];
    expect(Object.keys(back[0] as object)).toEqual([
      'id',
      'modelVersion',
      'bufferId',
      'symbol',
      'timestamp',
      'regime',
      'actualLabel',
      'predictedLabel',
      'confidence',
      'errorScore',
      'feature_confidence',
      'ret',
    ]);
    expect(back[0]).toMatchObject({
      id: '2015-08-24:BRK.B',
      modelVersion: 'm1',
      bufferId: '7',
      regime: 'crash, deep',
      feature_confidence: '0.5',
      ret: String(-1e-9),
    });
    expect(Number(back[0]?.ret)).toBe(-1e-9);
    expect(back[1]?.regime).toBe('');
  });

  it('JSON Lines writes named features as an object, positional ones as an array, and sample columns when sampled', () => {
    const named = [...exportLines(set(true), 'jsonl')].map((l) => JSON.parse(l));
    expect(named[0]).toEqual({
      id: '2015-08-24:BRK.B',
      modelVersion: 'm1',
      bufferId: 7,
      symbol: 'BRK.B',
      timestamp: '2015-08-24T20:00:00.000Z',
      regime: 'crash, deep',
      actualLabel: 1,
      predictedLabel: 0,
      confidence: 0.93,
      errorScore: 0.93,
      features: { confidence: 0.5, ret: -1e-9 },
    });
    const positional = [...exportLines(set(false, true), 'jsonl')].map((l) => JSON.parse(l));
    expect(positional[1]).toMatchObject({ regime: null, draw: 1, weight: 0.5, probability: 0.75, features: [0.25, 3] });
    expect([...exportLines(set(false, true), 'csv')][0]).toBe(
      'id,modelVersion,bufferId,symbol,timestamp,regime,actualLabel,predictedLabel,confidence,errorScore,draw,weight,probability,f0,f1',
    );
  });
});
