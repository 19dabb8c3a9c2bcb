import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLogger, isVigilError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { SectorMap } from './SectorMap.js';

const csv = (text: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'sectors-')), 'map.csv');
  writeFileSync(path, text);
  return path;
};

describe('SectorMap', () => {
  it('user map wins over user CSV, which wins over the GICS table', () => {
    const path = csv(
      'symbol,name,sector,sub_industry\nAAPL,Apple,Consumer Staples,x\nshop-ca,Shopify,Information Technology,y\nRIO,Rio,Materials,z\n',
    );
    const m = new SectorMap({ symbolsCsv: path, symbols: { rio: 'Energy' } });
    expect(m.lookup('AAPL')).toBe('Consumer Staples');
    expect(m.lookup('SHOP.CA')).toBe('Information Technology');
    expect(m.lookup('RIO')).toBe('Energy');
    expect(m.lookup('MSFT')).toBe('Information Technology');
  });

  it('refuses a sector that is not GICS or a listed custom sector, naming the line', () => {
    const path = csv('symbol,sector\nAAA,Technology\n,Energy\n');
    const err = (() => {
      try {
        new SectorMap({ symbolsCsv: path }).load();
      } catch (e) {
        return e;
      }
    })() as { code: string; message: string };
    expect(err.code).toBe('VIGIL_CONFIG_INVALID');
    expect(err.message).toContain(`${path}:2.sector`);
    expect(err.message).toContain('"Technology"');
    expect(err.message).toContain(`${path}:3.symbol`);
    expect(new SectorMap({ symbols: { BTC: 'Crypto' }, customSectors: ['Crypto'] }).lookup('btc')).toBe('Crypto');
    expect(() => new SectorMap({ symbols: { BTC: 'Crypto' } }).load()).toThrow(/symbols.BTC/);
    expect(() => new SectorMap({ symbolsCsv: '/no/such/file.csv' }).load()).toThrow(/cannot read the sector CSV/);
  });

  it("'reject' names every unknown symbol and counts nothing", () => {
    const m = new SectorMap({ unknownSymbols: 'reject' });
    const err = (() => {
      try {
        m.resolveAll(['AAPL', 'ZZZZ', 'QQQQ']);
      } catch (e) {
        return e;
      }
    })();
    expect(isVigilError(err, 'VIGIL_INVALID_INPUT')).toBe(true);
    expect((err as { issues: { path: string; value: unknown }[] }).issues.map((i) => [i.path, i.value])).toEqual([
      ['symbols[1]', 'ZZZZ'],
      ['symbols[2]', 'QQQQ'],
    ]);
    expect(m.unknownSymbols().size).toBe(0);
  });

  it("'track' maps unknown symbols to Unknown, warns once per symbol and counts lookups", () => {
    const logger = new MemoryLogger();
    const m = new SectorMap({ unknownSymbols: 'track', logger });
    expect(m.resolveAll(['ZZZZ', 'AAPL', 'zzzz', 'QQQQ'])).toEqual([
      'Unknown',
      'Information Technology',
      'Unknown',
      'Unknown',
    ]);
    expect(m.resolve('ZZZZ')).toBe('Unknown');
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.ctx.symbol)).toEqual(['ZZZZ', 'QQQQ']);
    expect([...m.unknownSymbols()]).toEqual([
      ['ZZZZ', 3],
      ['QQQQ', 1],
    ]);
  });
});
