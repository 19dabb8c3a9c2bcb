import { makePredictions } from '@vigil/test-utils';
import { testDatabases } from '@vigil/host/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH, type Served, count, serve } from './helpers.js';

const csv = (rows: readonly (readonly unknown[])[]): string =>
  `${rows.map((r) => r.map((c) => (typeof c === 'string' && /[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : String(c))).join(',')).join('\n')}\n`;

describe.each(testDatabases())('text/csv bodies on %s', (database) => {
  let s: Served;
  beforeEach(async () => {
    s = await serve(database);
  });
  afterEach(() => s.close());
  const send = (url: string, payload: string, contentType = 'text/csv') =>
    s.app.inject({ method: 'POST', url, payload, headers: { ...AUTH, 'content-type': contentType } });

  it('observes and resolves CSV the way the JSON body does, columns as the CLI reads them', async () => {
    const recs = makePredictions(30, { seed: 3 });
    const features = Object.keys(recs[0]!.features);
    const header = ['id', 'timestamp', 'symbol', 'regime', 'predictedLabel', 'confidence', 'modelVersion', ...features];
    const body = csv([
      header,
      ...recs.map((r) => [
        r.id,
        r.timestamp,
        r.symbol,
        r.regime,
        r.predictedLabel,
        r.confidence,
        r.modelVersion,
        ...features.map((f) => r.features[f]),
      ]),
    ]);
    const r = await send('/api/observe', body);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ accepted: 30, duplicates: 0 });
    // the stored records equal the ones a JSON body would have stored
    for (const rec of [recs[0]!, recs[29]!])
      expect(await s.host.getPrediction(rec.id)).toMatchObject({
        ...rec,
        timestamp: new Date(rec.timestamp).toISOString(),
      });
    expect((await send('/api/observe', body)).json()).toEqual({ accepted: 0, duplicates: 30 });

    const outcomes = csv([['id', 'actualLabel'], ...recs.slice(0, 10).map((x) => [x.id, 1 - x.predictedLabel])]);
    const res = await send('/api/resolve', outcomes);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ resolved: 10, unchanged: 0 });
    expect(await s.host.getPrediction(recs[3]!.id)).toMatchObject({ actualLabel: 1 - recs[3]!.predictedLabel });
  });

  it('refuses bad CSV naming the row and field, and writes nothing; CSV elsewhere is a 415', async () => {
    const recs = makePredictions(3, { seed: 4 });
    const f = Object.keys(recs[0]!.features);
    const header = ['id', 'timestamp', 'symbol', 'regime', 'predictedLabel', 'confidence', 'modelVersion', ...f];
    const row = (x: (typeof recs)[number], conf: unknown = x.confidence) => [
      x.id,
      x.timestamp,
      x.symbol,
      x.regime,
      x.predictedLabel,
      conf,
      x.modelVersion,
      ...f.map((k) => x.features[k]),
    ];
    const badConfidence = await send(
      '/api/observe',
      csv([header, row(recs[0]!), row(recs[1]!, 'high'), row(recs[2]!)]),
    );
    expect(badConfidence.statusCode).toBe(400);
    expect(badConfidence.json().error.code).toBe('VIGIL_INVALID_INPUT');
    expect(badConfidence.json().error.message).toMatch(/records.1.confidence|records\[1\]\.confidence/);
    const quoting = await send('/api/observe', `${header.join(',')}\n"a,b\n`);
    expect(quoting.statusCode).toBe(400);
    expect(quoting.json().error.message).toMatch(/not valid CSV/);
    expect((await send('/api/observe', '')).statusCode).toBe(400);
    expect(await count(s.host, 'vigil_predictions')).toBe(0);
    const elsewhere = await send('/api/gate/validate', 'modelPath\nx\n');
    expect(elsewhere.statusCode).toBe(415);
    expect((await send('/api/observe', csv([header, row(recs[0]!)]))).statusCode).toBe(200);
  });

  it('the OpenAPI document lists text/csv for observe and resolve', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, { post: { requestBody: { content: Record<string, unknown> } } }>;
    };
    for (const p of ['/api/observe', '/api/resolve'])
      expect(Object.keys(doc.paths[p]!.post.requestBody.content).sort()).toEqual(['application/json', 'text/csv']);
  });
});
