import { describe, expect, it } from 'vitest';
import { checkValidation } from './checkValidation.js';

const rules = { labels: [0, 1], regimes: ['normal', 'crash'] };
const p = (o: Record<string, unknown> = {}) => ({
  symbol: 'AAPL',
  regime: 'normal',
  predictedLabel: 1,
  actualLabel: 0,
  confidence: 0.8,
  ...o,
});

describe('checkValidation', () => {
  it('accepts the spec figures, raw predictions, or both', () => {
    expect(
      checkValidation(
        {
          accuracy: 0.7,
          regimeAccuracy: { crash: 0.66 },
          sectorAccuracy: { Energy: 0.6 },
          driftScore: 0.1,
          replayImprovement: -0.02,
        },
        rules,
      ),
    ).toEqual([]);
    expect(checkValidation({ predictions: [p(), p({ regime: 'crash', features: { rsi: 0.3 } })] }, rules)).toEqual([]);
  });

  it('names each bad field with its value', () => {
    const issues = checkValidation(
      {
        accuracy: 1.01,
        regimeAccuracy: { crash: -0.1 },
        sectorAccuracy: [],
        driftScore: 'high',
        replayImprovement: 1.5,
      },
      rules,
    );
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'validation.accuracy: must be a number in [0, 1], got 1.01',
      'validation.regimeAccuracy.crash: must be a number in [0, 1], got -0.1',
      'validation.sectorAccuracy: must be an object of name -> fraction, got an array of 0',
      'validation.driftScore: must be a number in [0, 1], got "high"',
      'validation.replayImprovement: must be a number in [-1, 1], got 1.5',
    ]);
  });

  it('checks every prediction row against the configured labels and regimes', () => {
    const issues = checkValidation(
      {
        predictions: [
          p(),
          p({ predictedLabel: 2 }),
          p({ regime: 'bubble' }),
          p({ confidence: Number.NaN }),
          p({ symbol: '' }),
          null,
          p({ features: { x: Number.POSITIVE_INFINITY } }),
        ],
      },
      rules,
    );
    expect(issues.map((i) => i.path)).toEqual([
      'validation.predictions[1].predictedLabel',
      'validation.predictions[2].regime',
      'validation.predictions[3].confidence',
      'validation.predictions[4].symbol',
      'validation.predictions[5]',
      'validation.predictions[6].features.x',
    ]);
  });

  it('refuses results with no figures at all, non-objects, and unpaired baselines', () => {
    expect(checkValidation({}, rules)[0]?.path).toBe('validation');
    expect(checkValidation(null, rules)[0]?.message).toContain('must be an object');
    expect(checkValidation({ predictions: [p()], baselinePredictions: [p(), p()] }, rules).map((i) => i.path)).toEqual([
      'validation.baselinePredictions',
    ]);
  });

  it('stops collecting after 50 issues on a large bad set', () => {
    const preds = Array.from({ length: 10_000 }, () => p({ actualLabel: 9 }));
    expect(checkValidation({ predictions: preds }, rules)).toHaveLength(50);
  });
});
