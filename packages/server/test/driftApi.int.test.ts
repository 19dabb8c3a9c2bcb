import { driftMonitorToken } from '@vigil/drift';
import { testDatabases } from '@vigil/host/testing';
import { normalSampler, seededRandom } from '@vigil/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH, type Served, serve } from './helpers.js';

const rowsOf = (seed: number, n: number, shiftB = 0) => {
  const z = normalSampler(seededRandom(seed));
  return Array.from({ length: n }, (_, i) => ({
    date: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
    regime: i % 5 === 0 ? 'volatile' : 'normal',
    a: z(),
    b: z() + shiftB,
  }));
};
const csvOf = (rows: readonly Record<string, unknown>[]) => {
  const cols = Object.keys(rows[0] as object);
  return [cols.join(','), ...rows.map((r) => cols.map((c) => String(r[c])).join(','))].join('\n');
};

describe.each(testDatabases())('drift baseline, check and backtest over HTTP (%s)', (database) => {
  let s: Served;
  beforeEach(async () => {
    s = await serve(database);
  });
  afterEach(() => s.close());
  const send = (url: string, payload: unknown, headers: Record<string, string> = AUTH) =>
    s.app.inject({
      method: 'POST',
      url,
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers: { 'content-type': typeof payload === 'string' ? 'text/csv' : 'application/json', ...headers },
    });

  it('stores a baseline, then checks windows as JSON or CSV with the same answer', async () => {
    const window = rowsOf(2, 120, 1.5);
    const early = await send('/api/drift/check', { rows: window });
    expect(early.statusCode).toBe(422);
    expect(early.json().error.message).toMatch(/no drift baseline is stored yet/);

    const baseline = rowsOf(1, 600);
    expect((await send('/api/drift/baseline', { rows: baseline }, {})).statusCode).toBe(401);
    const stored = await send('/api/drift/baseline', { rows: baseline }, AUTH);
    expect(stored.statusCode).toBe(200);
    const summary = stored.json();
    expect(summary.rows).toBe(600);
    expect(summary.regimes.volatile).toBeCloseTo(0.2, 12);
    expect(summary.features.map((f: { name: string }) => f.name)).toEqual(['a', 'b']);

    const json = await send('/api/drift/check', { rows: window });
    expect(json.statusCode).toBe(200);
    const r = json.json();
    expect(r).toMatchObject({ driftDetected: true, rows: 120, window: 120, recorded: false });
    expect(r.feature.driftedFeatureNames).toEqual(['b']);
    expect(r.regime.driftDetected).toBe(false);
    const csv = await send('/api/drift/check', csvOf(window));
    expect(csv.statusCode).toBe(200);
    expect(csv.json()).toEqual(r);
    // the last n rows, from the querystring (CSV) or the body (JSON), as `--last`
    const lastCsv = await s.app.inject({
      method: 'POST',
      url: '/api/drift/check?last=60',
      payload: csvOf(window),
      headers: { 'content-type': 'text/csv', ...AUTH },
    });
    expect(lastCsv.json().window).toBe(60);
    expect((await send('/api/drift/check', { rows: window, last: 60 })).json()).toEqual(lastCsv.json());
    // nothing was recorded
    expect(Number((await s.host.dataSource.query('SELECT COUNT(*) AS n FROM drift_monitoring'))[0].n)).toBe(0);
  });

  it('refuses bad rows naming the row and field, and writes nothing', async () => {
    expect((await send('/api/drift/baseline', { rows: rowsOf(1, 600) }, AUTH)).statusCode).toBe(200);
    const before = s.host.container.resolve(driftMonitorToken).detector?.baselineSize;
    const bad = rowsOf(3, 600).map((r, i) => (i === 3 ? { ...r, b: 'x' } : r));
    const res = await send('/api/drift/baseline', { rows: bad }, AUTH);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/rows.*3.*b/) })]),
    );
    const csvBad = await send('/api/drift/baseline', 'a,b\n1,2\n3,oops\n', AUTH);
    expect(csvBad.statusCode).toBe(400);
    expect(JSON.stringify(csvBad.json().error)).toMatch(/line 3: b/);
    expect(s.host.container.resolve(driftMonitorToken).detector?.baselineSize).toBe(before);
    const rows = await s.host.dataSource.query(
      "SELECT COUNT(*) AS n FROM drift_baseline WHERE kind = 'feature' AND name = 'b'",
    );
    expect(Number(rows[0].n)).toBe(1);
  });

  it('backtests dated rows from JSON or CSV with the CLI options, and names a bad option', async () => {
    const history = rowsOf(5, 400).map((r, i) => ({ date: r.date, ret: (i >= 300 && i < 320 ? 4 : 1) * r.a }));
    const options = { episodes: ['shock:2020-10-27:2020-11-15'], baselineSize: 100, horizon: 5 };
    const json = await send('/api/drift/backtest', { rows: history, ...options });
    expect(json.statusCode).toBe(200);
    const r = json.json();
    expect(r).toMatchObject({ detector: 'recommended', features: ['ret'], baselineSize: 100, horizon: 5 });
    expect(r.episodes).toEqual([expect.objectContaining({ name: 'shock', start: '2020-10-27', status: 'caught' })]);
    const csv = await s.app.inject({
      method: 'POST',
      url: '/api/drift/backtest?episodes=shock:2020-10-27:2020-11-15&baselineSize=100&horizon=5',
      payload: csvOf(history),
      headers: { 'content-type': 'text/csv', ...AUTH },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.json()).toEqual(r);
    const bad = await send('/api/drift/backtest', { rows: history, episodes: ['shock:2020-11-15:2020-10-27'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].path).toMatch(/episodes/);
    const unknown = await send('/api/drift/backtest', { rows: history, features: ['vix'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/vix not in the file/);
  });
});
