import { describe, expect, it } from 'vitest';
import { STOCK_SYMBOLS, loadSp500, loadSpy, loadStock, loadVix } from './loaders.js';

describe('market data loaders', () => {
  it('loads VIX closes in date order and sees the 2008 and 2020 peaks', () => {
    const vix = loadVix();
    expect(vix.length).toBeGreaterThan(9000);
    expect(vix.every((b, i) => i === 0 || vix[i - 1]!.date < b.date)).toBe(true);
    const peak = (from: string, to: string) =>
      Math.max(...vix.filter((b) => b.date >= from && b.date <= to).map((b) => b.close));
    expect(peak('2008-10-01', '2008-12-31')).toBeCloseTo(80.86, 1);
    expect(peak('2020-03-01', '2020-03-31')).toBeCloseTo(82.69, 1);
  });

  it('loads the S&P 500 oldest first and SPY from 1999', () => {
    const sp = loadSp500();
    expect(sp[0]!.date).toBe('1950-01-03');
    expect(sp.at(-1)!.date).toBe('2015-12-31');
    expect(sp.find((b) => b.date === '2008-10-15')!.close).toBeCloseTo(907.84, 2);
    const spy = loadSpy();
    expect(spy[0]!.date).toBe('1999-11-01');
    expect(spy.at(-1)!.date).toBe('2020-08-28');
  });

  it('loads each of the nine stocks, 1,259 days each', () => {
    for (const s of STOCK_SYMBOLS) expect(loadStock(s)).toHaveLength(1259);
    expect(() => loadStock('TSLA' as never)).toThrow(/no data for "TSLA"/);
  });
});
