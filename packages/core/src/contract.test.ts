import { describe, expect, it } from 'vitest';
import { defineCriterion } from './criterion.js';
import { isVigilError } from './errors.js';
import { definePlugin } from './plugin.js';
import { defineToken } from './tokens.js';

describe('contract helpers', () => {
  it('defineToken gives the same symbol for the same id and refuses malformed ids', () => {
    expect(defineToken('drift.detector')).toBe(defineToken('drift.detector'));
    expect(() => defineToken('detector')).toThrow(/<pluginId>\.<name>/);
  });

  it('definePlugin checks the shape', () => {
    expect(() => definePlugin({ id: 'Bad_Id', deps: {}, init: () => ({}) })).toThrow(/kebab-case/);
    expect(() => definePlugin({ id: 'ok', deps: {}, init: 3 } as never)).toThrow(/init must be a function/);
    expect(() => definePlugin({ id: 'ok', init: () => ({}) } as never)).toThrow(
      /deps must be an object of injection tokens/,
    );
    expect(() =>
      definePlugin({ id: 'ok', deps: { tx: 'x' }, criterionIds: 'ok.a', init: () => ({}) } as never),
    ).toThrow(/criterionIds must be an array/);
    const e = (() => {
      try {
        definePlugin({ id: 'ok', options: {} as never, deps: {}, init: () => ({}) });
      } catch (err) {
        return err;
      }
    })();
    expect(isVigilError(e, 'VIGIL_INVALID_PLUGIN')).toBe(true);
  });

  it('defineCriterion checks the shape', () => {
    const c = {
      id: 'acme.turnover',
      description: 'max turnover',
      requiredByDefault: false,
      evaluate: async () => ({ status: 'pass' as const, message: '' }),
    };
    expect(defineCriterion(c)).toBe(c);
    expect(() => defineCriterion({ ...c, id: 'turnover' })).toThrow(/<pluginId>\.<name>/);
    expect(() => defineCriterion({ ...c, defaultThreshold: Number.NaN })).toThrow(/finite/);
    expect(() => defineCriterion({ ...c, requiredByDefault: undefined } as never)).toThrow(
      /requiredByDefault must be true or false/,
    );
    expect(() => defineCriterion({ ...c, thresholdRange: [1, 0] })).toThrow(/thresholdRange/);
  });
});
