import { describe, expect, it } from 'vitest';
import { isVigilError } from './errors.js';
import { chooseModel, modelParam } from './modelChoice.js';
import { renamedFieldIssues, validateOutcomes, validatePredictions } from './records.js';

describe('chooseModel', () => {
  it('uses the model named, the only one present, or none; several unnamed is an error listing them', () => {
    expect(chooseModel('m2', ['m1'])).toBe('m2');
    expect(chooseModel(undefined, ['m1'])).toBe('m1');
    expect(chooseModel(undefined, [])).toBeUndefined();
    let e: unknown;
    try {
      chooseModel(undefined, ['m2', 'm1'], '--model');
    } catch (x) {
      e = x;
    }
    expect(isVigilError(e, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect((e as Error).message).toBe(
      '--model: the data holds 2 models (m1, m2); name one, figures of different models are never pooled',
    );
  });

  it('reads ?model= and refuses an empty one', () => {
    expect(modelParam({})).toBeUndefined();
    expect(modelParam({ model: 'm 1' })).toBe('m 1');
    expect(() => modelParam({ model: '' })).toThrow(/querystring\.model/);
  });
});

describe('one vocabulary', () => {
  it('names an old field and its new name, only for the fields asked about', () => {
    expect(renamedFieldIssues('r[0]', { predicted: 1, actual: 0, model: 'x' }, ['predictedLabel'])).toEqual([
      expect.objectContaining({
        path: 'r[0].predicted',
        message: expect.stringContaining("renamed to 'predictedLabel'"),
      }),
    ]);
  });

  it('observe and resolve name an old field and its new name beside the missing one', () => {
    const rec = { id: 'a', timestamp: '2024-01-02', symbol: 'X', regime: 'normal', features: {}, confidence: 0.5 };
    const obs = (() => {
      try {
        validatePredictions([{ ...rec, predicted: 1, model_version: 'm1' }], { labels: [0, 1] });
      } catch (e) {
        return e as { issues: { path: string; message: string }[] };
      }
    })();
    expect(obs?.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['records[0].predicted', 'records[0].model_version']),
    );
    const res = (() => {
      try {
        validateOutcomes([{ prediction_id: 'a', true_label: 1 }], { labels: [0, 1] });
      } catch (e) {
        return e as { issues: { path: string; message: string }[] };
      }
    })();
    expect(res?.issues.filter((i) => /renamed/.test(i.message)).map((i) => i.path)).toEqual([
      'outcomes[0].true_label',
      'outcomes[0].prediction_id',
    ]);
  });
});
