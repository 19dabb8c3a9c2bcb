import type { CriterionContext, ValidationResults } from '@vigil/core';
import type { DependencyContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { crashAccuracyCriterion, minSectorAccuracyCriterion } from './criteria.js';
import { SectorMap } from './SectorMap.js';
import type { StressHistory } from './StressHistory.js';

const opts = {
  sectorMap: new SectorMap(),
  rules: { labels: [0, 1] },
  minSectorSamples: 30,
  minCrashSamples: 30,
  crashRegime: 'crash',
};
const ctx = (validation: ValidationResults, threshold?: number): CriterionContext => ({
  modelPath: 'candidate.pkl',
  validation,
  threshold,
  container: {} as DependencyContainer,
  now: new Date(),
});
/** n predictions for a symbol in a regime, `right` of them correct. */
const preds = (symbol: string, regime: string, n: number, right: number) =>
  Array.from({ length: n }, (_, i) => ({
    symbol,
    regime,
    predictedLabel: 1,
    actualLabel: i < right ? 1 : 0,
    confidence: 0.7,
  }));

describe('sectors.min_sector_accuracy', () => {
  const c = minSectorAccuracyCriterion(opts);

  it('fails when a sector with enough evidence is below 55%, ignoring under-evidenced ones', async () => {
    const validation = {
      predictions: [
        ...preds('XOM', 'normal', 40, 20),
        ...preds('AAPL', 'normal', 50, 40),
        ...preds('JPM', 'normal', 5, 0),
      ],
    };
    const r = await c.evaluate(ctx(validation));
    expect(r).toMatchObject({ status: 'fail', value: 0.5, threshold: 0.55 });
    expect(r.details).toMatchObject({
      below: [{ sector: 'Energy', accuracy: 0.5, total: 40 }],
      insufficientEvidence: [{ sector: 'Financials', total: 5 }],
    });
    expect(r.message).toContain('Energy 50.0% (n=40)');
    expect(await c.evaluate(ctx(validation, 0.5))).toMatchObject({ status: 'pass', value: 0.5, threshold: 0.5 });
  });

  it('is insufficient when no sector has enough samples, and without any data', async () => {
    const r = await c.evaluate(ctx({ predictions: preds('XOM', 'normal', 12, 0) }));
    expect(r).toMatchObject({
      status: 'insufficient',
      value: null,
      details: { insufficientEvidence: [{ sector: 'Energy', total: 12 }] },
    });
    expect((await c.evaluate(ctx({}))).status).toBe('insufficient');
  });

  it('uses precomputed sectorAccuracy when given', async () => {
    expect(
      await c.evaluate(
        ctx({ sectorAccuracy: { Energy: 0.6, Financials: 0.54 }, predictions: preds('XOM', 'normal', 40, 40) }),
      ),
    ).toMatchObject({ status: 'fail', value: 0.54 });
    expect(await c.evaluate(ctx({ sectorAccuracy: { Energy: 0.6, Financials: 0.55 } }))).toMatchObject({
      status: 'pass',
      value: 0.55,
    });
    expect(await c.evaluate(ctx({ sectorAccuracy: { Energy: 1.5 } }))).toMatchObject({ status: 'error' });
  });
});

describe('sectors.crash_accuracy', () => {
  const noLog = {
    outcomes: () => {
      throw new Error('the prediction log is not read without stressPredictions');
    },
  } as unknown as StressHistory;
  const crashOpts = { ...opts, stress: noLog, insufficientCrashEvidence: 'reject' as const };
  const c = crashAccuracyCriterion(crashOpts);

  it('passes only strictly above 65% with enough crash samples', async () => {
    const base = preds('AAPL', 'normal', 100, 0);
    expect(await c.evaluate(ctx({ predictions: [...base, ...preds('XOM', 'crash', 40, 27)] }))).toMatchObject({
      status: 'pass',
      value: 27 / 40,
    });
    expect(await c.evaluate(ctx({ predictions: [...base, ...preds('XOM', 'crash', 40, 26)] }))).toMatchObject({
      status: 'fail',
      value: 0.65,
    });
  });

  it('is insufficient with 12 crash samples', async () => {
    const r = await c.evaluate(ctx({ predictions: preds('XOM', 'crash', 12, 12) }));
    expect(r).toMatchObject({
      status: 'insufficient',
      value: 1,
      details: { minSamples: 30, evidence: [{ source: 'validation.predictions', samples: 12 }] },
    });
    expect(r.advisory).toBeUndefined();
    expect(r.message).toContain('validation.predictions: 12');
    const advisory = await crashAccuracyCriterion({ ...crashOpts, insufficientCrashEvidence: 'advisory' }).evaluate(
      ctx({ predictions: preds('XOM', 'crash', 12, 12) }),
    );
    expect(advisory).toMatchObject({ status: 'insufficient', advisory: true });
    expect(advisory.message).toContain('advisory');
  });

  it('falls back to a named stress set when the validation set has too few crash rows, and says so', async () => {
    const few = preds('AAPL', 'crash', 10, 10);
    const r = await c.evaluate(
      ctx({
        predictions: few,
        stressSet: { name: 'covid-2020', predictions: preds('XOM', 'normal', 40, 27) },
      } as ValidationResults),
    );
    expect(r).toMatchObject({
      status: 'pass',
      value: 27 / 40,
      details: { source: 'validation.stressSet', stressSet: 'covid-2020', samples: 40 },
    });
    expect(r.message).toContain("stress set 'covid-2020'");
    // at the threshold: 26/40 = 65% is not above 65%
    expect(
      await c.evaluate(
        ctx({ stressSet: { name: 's', predictions: preds('XOM', 'normal', 40, 26) } } as ValidationResults),
      ),
    ).toMatchObject({ status: 'fail', value: 0.65 });
    // enough crash rows in the validation set: the stress set is not used
    const own = await c.evaluate(
      ctx({
        predictions: preds('AAPL', 'crash', 30, 30),
        stressSet: { name: 's', predictions: preds('XOM', 'normal', 40, 0) },
      } as ValidationResults),
    );
    expect(own).toMatchObject({ status: 'pass', value: 1, details: { source: 'validation.predictions' } });
    expect(
      (await c.evaluate(ctx({ stressSet: { name: '', predictions: [] } } as unknown as ValidationResults))).status,
    ).toBe('error');
  });

  it('reads precomputed regimeAccuracy and a configured crash regime name', async () => {
    expect(await c.evaluate(ctx({ regimeAccuracy: { crash: 0.7 } }))).toMatchObject({ status: 'pass', value: 0.7 });
    expect(await c.evaluate(ctx({ regimeAccuracy: { crash: 0.6 } }, 0.55))).toMatchObject({
      status: 'pass',
      threshold: 0.55,
    });
    const bear = crashAccuracyCriterion({ ...crashOpts, crashRegime: 'bear' });
    expect(await bear.evaluate(ctx({ regimeAccuracy: { crash: 0.9, bear: 0.5 } }))).toMatchObject({
      status: 'fail',
      value: 0.5,
    });
    expect(await bear.evaluate(ctx({ predictions: preds('XOM', 'crash', 100, 100) }))).toMatchObject({
      status: 'insufficient',
      details: { evidence: [{ samples: 0 }] },
    });
  });
});
