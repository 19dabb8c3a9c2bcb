import { STRESS_EPISODES, loadSpy, loadVix } from '@vigil/market-data';
import { describe, expect, it } from 'vitest';
import { backtestDrift } from '../src/backtest.js';
import { recommendedMarketDetector, specMarketDetector } from '../src/market/marketDetectors.js';
import { buildMarketHistory } from '../src/market/marketHistory.js';

// A property of the SHIPPED default configuration on real data: it fails if the defaults change for the worse.
describe('backtest on SPY + VIX 2000-2020', () => {
  const rows = buildMarketHistory(loadSpy(), loadVix());
  it('the recommended default catches >= 6/7 stress episodes within 5 days at <= 2% calm false alarms, and 7/7 at < 10%', () => {
    const r = backtestDrift({
      rows,
      detector: recommendedMarketDetector(),
      baselineSize: 250,
      episodes: STRESS_EPISODES,
      horizon: 5,
    });
    expect(r.episodes).toHaveLength(7);
    expect(r.caught).toBeGreaterThanOrEqual(6);
    expect(r.falseAlarmRate).toBeLessThanOrEqual(0.02);
    if (r.caught === 7) expect(r.falseAlarmRate).toBeLessThan(0.1);
    // the hit rate must beat luck: chance of an alarm within 5 days of a random calm day
    expect(r.caught / 7).toBeGreaterThan(5 * r.chanceLevel);
  });
  it("the spec's defaults alarm on most calm days (its hits are at chance level)", () => {
    const r = backtestDrift({
      rows,
      detector: { ...specMarketDetector(), features: ['rv20', 'vix'] },
      baselineSize: 250,
      episodes: STRESS_EPISODES,
      from: '2005-01-01',
      to: '2012-12-31',
    });
    // as episodes it starts few (it rarely leaves drift): the share of calm days spent in drift says it
    expect(r.calmDriftShare).toBeGreaterThan(0.5);
    expect(r.chanceLevel).toBeGreaterThan(0.5);
  });
});
