import { loadSp500, loadVix } from '@vigil/market-data';
import { describe, expect, it } from 'vitest';
import { ksCalmDays } from '../src/market/ksCalmDays.js';
import { buildMarketHistory } from '../src/market/marketHistory.js';

// S&P 500 index + VIX 1990-1999: a period never looked at while the calibration was designed.
describe('the KS window check on calm days of 1991-1999', () => {
  const sp = loadSp500()
    .filter((b) => b.date < '2000-01-01')
    .sort((a, b) => (a.date < b.date ? -1 : 1));
  const rows = buildMarketHistory(sp, loadVix(), '1990-01-01', '1999-12-31');
  const common = {
    rows,
    features: ['ret', 'absRet', 'rv20', 'vix', 'vixChange'],
    episodes: [
      { name: 'Aug 1990', start: '1990-08-02', end: '1990-10-11' },
      { name: 'Oct 1997', start: '1997-10-27', end: '1997-11-14' },
      { name: 'Aug 1998', start: '1998-08-04', end: '1998-10-08' },
    ],
    from: '1991-01-01',
    to: '1999-12-31',
    modelLife: 125,
    baselineSteps: 250,
    windowSteps: 20,
  };
  it("the spec's fixed threshold flags nearly every calm window; the calibrated check rarely, and only on the VIX level", () => {
    const spec = ksCalmDays({ ...common, targetRate: null });
    const cal = ksCalmDays({ ...common, targetRate: 0.01 });
    expect(spec.calmChecks).toBeGreaterThan(1500);
    expect(spec.calmFlagRate).toBeGreaterThan(0.9);
    expect(cal.calmFlagRate).toBeLessThan(0.15);
    // the stationary features stay near the target; the level of VIX moves for years (1996-1997) beyond any baseline
    for (const f of ['ret', 'absRet', 'rv20', 'vixChange']) expect(cal.perFeature[f]).toBeLessThanOrEqual(0.01);
    expect(cal.duringFlagRate).toBeGreaterThan(3 * cal.calmFlagRate);
  });
});
