import { describe, expect, it } from 'vitest';
import { backtestDetector, parseEpisode } from './driftBacktestCommand.js';

describe('drift backtest options', () => {
  it('parses name:from:to episodes and refuses malformed ones', () => {
    expect(parseEpisode('aug2015:2015-08-18:2015-09-30')).toEqual({
      name: 'aug2015',
      start: '2015-08-18',
      end: '2015-09-30',
    });
    for (const bad of [
      'aug2015:2015-08-18',
      'x:2015-09-30:2015-08-18',
      ':2015-08-18:2015-09-30',
      'x:18/08/2015:2015-09-30',
      'x:2015-13-45:2015-14-01',
    ]) {
      expect(() => parseEpisode(bad), bad).toThrow(/must be name:from:to/);
    }
  });

  it('spec is the KS detector with the spec defaults; recommended is a CUSUM per feature, any of which alarms', () => {
    expect(backtestDetector('spec', ['ret', 'vix'])).toEqual({
      kind: 'ks',
      features: ['ret', 'vix'],
      windowSize: 100,
      alertThreshold: 0.15,
      alpha: 0.05,
      correction: 'holm',
    });
    expect(backtestDetector('recommended', ['ret'])).toEqual({
      kind: 'cusum',
      feature: 'ret',
      statistic: 'abs',
      k: 1.25,
      h: 3,
      direction: 'both',
      quietSteps: 10,
    });
    const any = backtestDetector('recommended', ['ret', 'vix']);
    expect(any.kind === 'any' && any.detectors.map((d) => d.kind === 'cusum' && d.feature)).toEqual(['ret', 'vix']);
  });
});
