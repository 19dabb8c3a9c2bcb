import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chi2Contingency, chiSquare } from './chiSquare.js';
import { jensenShannonDistance, wassersteinDistance } from './distances.js';
import { kolmogorovSf } from './kolmogorov.js';
import { type KsMethod, ks2Samp } from './ks.js';
import type { KsAlternative } from './ksExact.js';

const here = dirname(fileURLToPath(import.meta.url));
const load = (file: string) => JSON.parse(readFileSync(join(here, '..', '..', 'test', 'fixtures', file), 'utf8'));

/** p-values: within 1e-6 relative, or 1e-12 absolute for tiny values. */
export function expectP(actual: number, expected: number, what: string): void {
  const ok = Math.abs(actual - expected) <= 1e-12 || Math.abs(actual - expected) <= 1e-6 * Math.abs(expected);
  expect(ok, `${what}: p ${actual} vs scipy ${expected}`).toBe(true);
}
export const expectStat = (actual: number, expected: number, what: string): void =>
  expect(Math.abs(actual - expected), `${what}: statistic ${actual} vs scipy ${expected}`).toBeLessThanOrEqual(1e-12);

interface KsCase {
  tag: string;
  a: number[];
  b: number[];
  method: KsMethod;
  alternative: KsAlternative;
  statistic: number;
  pvalue: number;
}

for (const file of ['stats-scipy.json', 'stats-scipy-extra.json']) {
  let data: Record<string, unknown>;
  try {
    data = load(file);
  } catch {
    continue;
  }
  describe(`scipy agreement: ${file} (${String(data.generator)})`, () => {
    const ks = (data.ks_2samp ?? []) as KsCase[];
    it.each(ks.map((c, i) => [`${i} ${c.tag} n=${c.a.length}/${c.b.length} ${c.method} ${c.alternative}`, c] as const))(
      'ks_2samp %s',
      (name, c) => {
        const r = ks2Samp(c.a, c.b, { alternative: c.alternative, method: c.method });
        expectStat(r.statistic, c.statistic, name);
        expectP(r.pValue, c.pvalue, name);
      },
    );
    const kstwo = (data.kstwo_sf ?? []) as { n: number; x: number; sf: number }[];
    if (kstwo.length) {
      it('kstwo.sf in every region of kolmogn', () => {
        for (const c of kstwo) expectP(kolmogorovSf(c.n, c.x), c.sf, `kstwo.sf(${c.x}, ${c.n})`);
      });
    }
    const chis = (data.chisquare ?? []) as {
      observed: number[];
      expected: number[];
      statistic: number;
      pvalue: number;
    }[];
    it.each(chis.map((c, i) => [i, c] as const))('chisquare #%s', (i, c) => {
      const r = chiSquare(c.observed, c.expected);
      expect(Math.abs(r.statistic - c.statistic)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(c.statistic)));
      expectP(r.pValue, c.pvalue, `chisquare ${i}`);
    });
    const cont = (data.chi2_contingency_nocorrection ?? []) as {
      table: number[][];
      statistic: number;
      pvalue: number;
      dof: number;
    }[];
    it.each(cont.map((c, i) => [i, c] as const))('chi2_contingency(correction=False) #%s', (i, c) => {
      const r = chi2Contingency(c.table);
      expect(r.dof).toBe(c.dof);
      expect(Math.abs(r.statistic - c.statistic)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(c.statistic)));
      expectP(r.pValue, c.pvalue, `contingency ${i}`);
    });
    const ws = (data.wasserstein_distance ?? []) as { a: number[]; b: number[]; wasserstein: number }[];
    it.each(ws.map((c, i) => [i, c] as const))('wasserstein_distance #%s', (_i, c) => {
      expect(Math.abs(wassersteinDistance(c.a, c.b) - c.wasserstein)).toBeLessThanOrEqual(1e-12);
    });
    const js = (data.jensenshannon ?? []) as { p: number[]; q: number[]; jensenshannon_base2: number }[];
    it.each(js.map((c, i) => [i, c] as const))('jensenshannon base 2 #%s', (_i, c) => {
      expect(Math.abs(jensenShannonDistance(c.p, c.q) - c.jensenshannon_base2)).toBeLessThanOrEqual(1e-12);
    });
  });
}
