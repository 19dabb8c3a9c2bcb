import { testDatabases } from '@vigil/host/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BAD_VALIDATION, GOOD_VALIDATION, type Served, count, post, serve, writeModel } from './helpers.js';

type Page = { rows: { id: number; modelPath: string; asOf: string | null }[]; total: number };

// GET /api/gate/history with the dashboard's filters: model (the model file's version name),
// from/to calendar days, both included, on a decision's data time (as-of), else its recorded time
describe.each(testDatabases())('gate history filters on %s', (database) => {
  let s: Served;
  beforeEach(async () => {
    s = await serve(database);
  });
  afterEach(() => s.close());

  const history = async (query: string): Promise<Page> => {
    const r = await s.app.inject({ method: 'GET', url: `/api/gate/history${query}` });
    expect(r.statusCode, `${query}: ${r.body}`).toBe(200);
    return r.json() as Page;
  };
  const ids = (p: Page) => p.rows.map((r) => r.id);

  it('keeps the rows of one model and of the days asked, counts them in total, and pages after filtering', async () => {
    const m3 = writeModel(s, 'm3.json', '{"weights":[0.1]}');
    const m5 = writeModel(s, 'm5.json', '{"weights":[0.5]}');
    const attempt = async (modelPath: string, asOf: string | undefined, good = true) => {
      const r = await post(s.app, '/api/gate/validate', {
        modelPath,
        // the model filter matches the modelVersion a row names (here the file's name, as is usual)
        modelVersion: modelPath.replace(/^.*\//, '').replace(/\.json$/, ''),
        validation: good ? GOOD_VALIDATION : BAD_VALIDATION,
        ...(asOf ? { asOf } : {}),
      });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as { id: number }).id;
    };
    const a = await attempt(m3, '2015-08-24T20:00:00Z');
    const b = await attempt(m3, '2015-08-25T00:00:00Z', false);
    const c = await attempt(m5, '2015-08-25T23:59:59Z');
    const d = await attempt(m5, '2015-08-26T00:00:00Z');
    const e = await attempt(m5, undefined); // no data time: its recorded time (today) counts
    const today = new Date().toISOString().slice(0, 10);

    const all = await history('');
    expect(all.total).toBe(5);
    expect(ids(all)).toEqual([e, d, c, b, a]);

    const m5rows = await history('?model=m5');
    expect(m5rows.total).toBe(3);
    expect(ids(m5rows)).toEqual([e, d, c]);
    expect(m5rows.rows.every((r) => r.modelPath === 'models/m5.json')).toBe(true);
    expect((await history('?model=m3')).total).toBe(2);
    // the version name, not a prefix or the path
    expect(await history('?model=m')).toEqual({ rows: [], total: 0 });
    expect(await history('?model=models%2Fm5.json')).toEqual({ rows: [], total: 0 });

    // `to` is the last day included: 2015-08-25 keeps 23:59:59Z, not the next day's 00:00Z
    expect(ids(await history('?from=2015-08-25&to=2015-08-25'))).toEqual([c, b]);
    expect(ids(await history('?to=2015-08-24'))).toEqual([a]);
    expect(ids(await history('?from=2015-08-26'))).toEqual([e, d]);
    expect(ids(await history(`?from=${today}&to=${today}`))).toEqual([e]);
    expect(ids(await history('?model=m5&from=2015-08-25&to=2015-08-26'))).toEqual([d, c]);

    // paging applies to the filtered rows; total is the filtered count
    const page2 = await history('?model=m5&limit=2&offset=2');
    expect(page2).toMatchObject({ total: 3 });
    expect(ids(page2)).toEqual([c]);
    expect(ids(await history('?from=2015-08-24&to=2015-08-26&limit=1&offset=1'))).toEqual([c]);
  });

  it('refuses a day that is not a calendar day, or a range given backwards, naming the field; nothing is written', async () => {
    const before = await count(s.host, 'model_promotion_history');
    for (const [query, path] of [
      ['?from=2015-02-30', 'querystring.from'],
      ['?from=yesterday', 'querystring.from'],
      ['?to=2015-13-01', 'querystring.to'],
      ['?from=2015-08-26&to=2015-08-25', 'querystring.from'],
    ] as const) {
      const r = await s.app.inject({ method: 'GET', url: `/api/gate/history${query}` });
      expect(r.statusCode, query).toBe(400);
      const error = (r.json() as { error: { code: string; message: string; issues?: { path: string }[] } }).error;
      expect(error.code, query).toBe('VIGIL_INVALID_INPUT');
      expect(JSON.stringify(error), query).toContain(path);
    }
    expect((await s.app.inject({ method: 'GET', url: '/api/gate/history?model=' })).statusCode).toBe(400);
    expect(await count(s.host, 'model_promotion_history')).toBe(before);
  });
});
