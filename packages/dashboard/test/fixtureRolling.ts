// Fixture documents for the sectors view's accuracy chart (GET api/sectors/rolling) and model
// list (GET api/sectors/models), shaped as packages/sectors/src/SectorRolling.ts answers.
import { wilson } from './fixtureData.js';

const SECTORS = ['Energy', 'Financials', 'Information Technology'];
const REGIMES = ['normal', 'crash'];
const MODELS = ['m1', 'm2'];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const fixtureModels = (empty = false) => ({ models: empty ? [] : MODELS, latest: empty ? null : 'm2' });

/** Daily outcomes over 2015's weekdays, rolled over `window` days as the real route does. */
export function rollingDocument(
  q: { model?: string; by?: string; window?: string; from?: string; to?: string; steps?: string },
  empty = false,
) {
  const by = q.by ?? 'sector';
  const window = Number(q.window ?? 20);
  const model = by === 'model' ? null : (q.model ?? (empty ? null : 'm2'));
  const steps = q.steps === undefined ? null : Number(q.steps);
  const base = { model, by, window, from: q.from ?? null, to: q.to ?? null, steps };
  if (empty) return { ...base, series: [] };
  const keys = by === 'sector' ? SECTORS : by === 'regime' ? REGIMES : MODELS;
  const days: string[] = [];
  for (let t = Date.parse('2015-01-02T00:00:00Z'); t <= Date.parse('2015-12-31T00:00:00Z'); t += 86_400_000) {
    const wd = new Date(t).getUTCDay();
    const day = new Date(t).toISOString().slice(0, 10);
    if (wd !== 0 && wd !== 6 && (!q.to || day <= q.to)) days.push(day);
  }
  // without `from`, `steps` charts the last N days (the real route's rule)
  const from = q.from ?? (steps === null ? undefined : days[Math.max(0, days.length - steps)]);
  const series = keys.map((key, k) => {
    const rand = rng(97 + k + (model === 'm1' ? 50 : 0));
    const n = days.map(() => 3 + Math.floor(rand() * 5));
    const c = n.map((x, i) =>
      Math.min(
        x,
        Math.round(
          x * (0.55 + 0.1 * k + (days[i]! >= '2015-08-24' && days[i]! <= '2015-09-30' ? -0.2 : 0)) + rand() - 0.5,
        ),
      ),
    );
    const points = [];
    let sn = 0;
    let sc = 0;
    for (let i = 0; i < days.length; i++) {
      sn += n[i]!;
      sc += c[i]!;
      if (i >= window) {
        sn -= n[i - window]!;
        sc -= c[i - window]!;
      }
      if (i + 1 < window || (from && days[i]! < from)) continue;
      points.push({ step: days[i]!, resolved: sn, correct: sc, accuracy: sc / sn, ci: wilson(sc, sn) });
    }
    return { key, resolved: n.reduce((a, b, i) => (from && days[i]! < from ? a : a + b), 0), points };
  });
  return { ...base, from: from ?? null, series };
}
