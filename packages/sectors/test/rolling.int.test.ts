import type { PredictionRecord } from '@vigil/core';
import { createTestHost, testDatabases } from '@vigil/host/testing';
import { seededRandom } from '@vigil/test-utils';
import { describe, expect, it } from 'vitest';
import { SectorRolling } from '../src/SectorRolling.js';
import { sectorsPlugin } from '../src/plugin.js';
import { sectorTrackerToken } from '../src/tokens.js';
import { wilsonInterval } from '../src/wilson.js';

const SYMBOLS = { AAPL: 'Information Technology', XOM: 'Energy', JPM: 'Financials' } as Record<string, string>;
const day = (d: number) => new Date(Date.UTC(2020, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);

/** Two models over 60 days (m2 from day 20, some days without outcomes), random correctness. */
function stream() {
  const rand = seededRandom(17);
  const records: PredictionRecord[] = [];
  const outcomes: { id: string; actualLabel: number }[] = [];
  for (let d = 0; d < 60; d++) {
    for (const model of ['m1', 'm2', 'm3']) {
      if (model === 'm2' && d < 20) continue;
      // m3 has outcomes on one day in ten: its windows reach far back before a range's start
      if (model === 'm3' && d % 10 !== 0) continue;
      for (const symbol of Object.keys(SYMBOLS)) {
        const id = `${model}-${symbol}-${d}`;
        const predictedLabel = rand() < 0.5 ? 0 : 1;
        records.push({
          id,
          timestamp: `${day(d)}T20:00:00.000Z`,
          symbol,
          regime: d % 7 === 3 ? 'crash' : 'normal',
          features: { x: rand() },
          predictedLabel,
          confidence: 0.6,
          modelVersion: model,
        });
        // day 33 has no outcomes at all; the rest resolve, right 60% of the time for m1, 45% for m2
        if (d !== 33)
          outcomes.push({
            id,
            actualLabel: rand() < (model === 'm1' ? 0.6 : 0.45) ? predictedLabel : 1 - predictedLabel,
          });
      }
    }
  }
  return { records, outcomes };
}

/** The rolling figures computed directly from the records: last `w` days with outcomes of the model(s). */
function expected(
  s: ReturnType<typeof stream>,
  key: (r: PredictionRecord) => string,
  model: string | null,
  w: number,
): Map<string, { step: string; resolved: number; correct: number }[]> {
  const outcome = new Map(s.outcomes.map((o) => [o.id, o.actualLabel]));
  const rows = s.records.filter((r) => outcome.has(r.id) && (model === null || r.modelVersion === model));
  const days = [...new Set(rows.map((r) => r.timestamp.slice(0, 10)))].sort();
  const out = new Map<string, { step: string; resolved: number; correct: number }[]>();
  for (const k of [...new Set(rows.map(key))]) {
    const points = [];
    for (let i = w - 1; i < days.length; i++) {
      const span = new Set(days.slice(i - w + 1, i + 1));
      const mine = rows.filter((r) => key(r) === k && span.has(r.timestamp.slice(0, 10)));
      const today = mine.filter((r) => r.timestamp.startsWith(days[i] as string));
      if (today.length === 0) continue;
      const correct = mine.filter((r) => outcome.get(r.id) === r.predictedLabel).length;
      points.push({ step: days[i] as string, resolved: mine.length, correct });
    }
    out.set(k, points);
  }
  return out;
}

describe.each(testDatabases())('rolling accuracy (%s)', (database) => {
  it('pools the last W trading days per sector, regime or model, with Wilson intervals, one model at a time', async () => {
    const host = await createTestHost({ database, plugins: [sectorsPlugin] });
    try {
      const s = stream();
      for (let i = 0; i < s.records.length; i += 50) await host.observe(s.records.slice(i, i + 50));
      for (let i = 0; i < s.outcomes.length; i += 70) await host.resolve(s.outcomes.slice(i, i + 70));
      const tracker = host.container.resolve(sectorTrackerToken);
      const rolling = new SectorRolling(host.dataSource, () => tracker.models());
      const cases = [
        { by: 'sector', model: 'm1', key: (r: PredictionRecord) => SYMBOLS[r.symbol] as string },
        { by: 'regime', model: 'm2', key: (r: PredictionRecord) => r.regime },
        { by: 'sector', model: 'm3', key: (r: PredictionRecord) => SYMBOLS[r.symbol] as string },
        { by: 'model', model: null, key: (r: PredictionRecord) => r.modelVersion },
      ] as const;
      const outcome = new Map(s.outcomes.map((o) => [o.id, o.actualLabel]));
      for (const c of cases)
        for (const window of [1, 5, 20]) {
          const doc = await rolling.read({ by: c.by, window, ...(c.model ? { model: c.model } : {}) });
          const want = expected(s, c.key, c.model, window);
          expect(doc.model).toBe(c.model);
          expect(new Set(doc.series.map((x) => x.key))).toEqual(new Set(want.keys()));
          for (const series of doc.series) {
            const w = want.get(series.key) ?? [];
            expect(
              series.points.map((p) => [p.step, p.resolved, p.correct]),
              `${c.by} ${series.key} w=${window}`,
            ).toEqual(w.map((p) => [p.step, p.resolved, p.correct]));
            for (const p of series.points) {
              const ci = wilsonInterval(p.correct, p.resolved);
              expect(p.ci).toEqual([ci.lower, ci.upper]);
              expect(p.accuracy).toBe(p.correct / p.resolved);
            }
          }
          // a day range reads only the range and the window before it, and gives the same points,
          // cropped; a series counts the outcomes inside the range, and one with none is left out
          for (const [from, to] of [
            [day(40), day(50)],
            [day(45), undefined],
            [day(1), day(59)],
            [day(55), day(57)],
          ] as const) {
            const ranged = await rolling.read({
              by: c.by,
              window,
              from,
              ...(to ? { to } : {}),
              ...(c.model ? { model: c.model } : {}),
            });
            const inRange = (step: string) => step >= from && (to === undefined || step <= to);
            const counts = new Map<string, number>();
            for (const r of s.records)
              if (
                outcome.has(r.id) &&
                (c.model === null || r.modelVersion === c.model) &&
                inRange(r.timestamp.slice(0, 10))
              )
                counts.set(c.key(r), (counts.get(c.key(r)) ?? 0) + 1);
            expect(new Map(ranged.series.map((x) => [x.key, x.resolved])), `${c.by} ${c.model} ${from}`).toEqual(
              counts,
            );
            for (const series of ranged.series)
              expect(series.points, `${c.by} ${series.key} w=${window} from ${from}`).toEqual(
                (doc.series.find((x) => x.key === series.key)?.points ?? []).filter((p) => inRange(p.step)),
              );
          }
          // `steps`: the last N trading days with outcomes (up to `to`), read by a bounded range; the
          // same document as asking `from` = the first of those days (the window reaching back before it)
          const tradingDays = [
            ...new Set(
              s.records
                .filter((r) => outcome.has(r.id) && (c.model === null || r.modelVersion === c.model))
                .map((r) => r.timestamp.slice(0, 10)),
            ),
          ].sort();
          for (const [steps, to] of [
            [1, undefined],
            [7, undefined],
            [7, day(50)],
            [30, day(45)],
            [500, undefined],
          ] as const) {
            const recent = await rolling.read({
              by: c.by,
              window,
              steps,
              ...(to ? { to } : {}),
              ...(c.model ? { model: c.model } : {}),
            });
            const upTo = tradingDays.filter((d) => to === undefined || d <= to);
            const first = upTo[Math.max(0, upTo.length - steps)] as string;
            expect(recent, `${c.by} ${c.model} w=${window} steps=${steps} to=${to}`).toEqual({
              ...(await rolling.read({
                by: c.by,
                window,
                from: first,
                ...(to ? { to } : {}),
                ...(c.model ? { model: c.model } : {}),
              })),
              steps,
            });
            expect(recent.from).toBe(first);
            for (const series of recent.series)
              expect(series.points).toEqual(
                (doc.series.find((x) => x.key === series.key)?.points ?? []).filter(
                  (p) => p.step >= first && (to === undefined || p.step <= to),
                ),
              );
          }
        }
      // the day without outcomes is no point and does not count as a trading day of the window
      const m1 = await rolling.read({ by: 'sector', model: 'm1', window: 5 });
      expect(m1.series[0]?.points.some((p) => p.step === day(33))).toBe(false);
      // without a model: the model of the latest tracked prediction (m2, observed after m1 each day;
      // m3 observes only on days divisible by ten and the last day is 59)
      expect((await rolling.read({ by: 'sector', window: 5 })).model).toBe('m2');
      // a day range crops the points (the window still reaches back before `from`)
      const ranged = await rolling.read({ by: 'regime', model: 'm1', window: 5, from: day(40), to: day(50) });
      const all = await rolling.read({ by: 'regime', model: 'm1', window: 5 });
      const normal = (d: typeof all) => d.series.find((x) => x.key === 'normal')?.points ?? [];
      expect(normal(ranged)).toEqual(normal(all).filter((p) => p.step >= day(40) && p.step <= day(50)));
      await expect(rolling.read({ by: 'sector', window: 5, steps: 10, from: day(40) })).rejects.toThrow(
        /querystring\.steps: give steps or from, not both/,
      );
      await expect(rolling.read({ by: 'symbol' as never, window: 5 })).rejects.toThrow(
        /querystring\.by: must be one of/,
      );
    } finally {
      await host.dispose();
    }
  });
});
