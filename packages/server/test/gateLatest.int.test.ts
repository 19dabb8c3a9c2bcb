import { testDatabases } from '@vigil/host/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { BAD_VALIDATION, GOOD_VALIDATION, type Served, post, serve, writeModel } from './helpers.js';

describe.each(testDatabases())('GET /api/gate/latest by model (%s)', (database) => {
  let s: Served | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it("answers a model's newest validation or override, however many rows came after it", async () => {
    s = await serve(database);
    const { app } = s;
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      return res.json();
    };
    expect(await get('/api/gate/latest?model=a1')).toBeNull();
    const a = writeModel(s, 'a.json', '{"weights":[1]}');
    const b = writeModel(s, 'b.json', '{"weights":[2]}');
    const va = await post(app, '/api/gate/validate', { modelPath: a, validation: GOOD_VALIDATION, modelVersion: 'a1' });
    expect(va.statusCode).toBe(200);
    const vb = await post(app, '/api/gate/validate', { modelPath: b, validation: BAD_VALIDATION, modelVersion: 'b1' });
    expect(vb.statusCode).toBe(200);
    // a validation that names no modelVersion: model 'unknown'
    const vn = await post(app, '/api/gate/validate', { modelPath: b, validation: BAD_VALIDATION });
    expect(vn.statusCode).toBe(200);
    // 60 promotions after them (more than the newest 50 rows the route used to look through)
    for (let i = 0; i < 60; i++)
      expect((await post(app, '/api/gate/promote', { modelPath: a, modelVersion: 'a1' })).statusCode).toBe(200);

    expect((await get('/api/gate/latest?model=a1')).id).toBe(va.json().id);
    expect(await get('/api/gate/latest?model=b1')).toMatchObject({
      id: vb.json().id,
      action: 'validate',
      approved: false,
    });
    expect((await get('/api/gate/latest?model=unknown')).id).toBe(vn.json().id);
    expect((await get('/api/gate/latest')).id).toBe(vn.json().id);
    // '*': every model, as the report and the dashboard's "all models" link mean it
    expect((await get('/api/gate/latest?model=*')).id).toBe(vn.json().id);
    expect(await get('/api/gate/latest?model=zz')).toBeNull();
    expect((await get('/api/gate/history?model=*&limit=1')).total).toBe((await get('/api/gate/history?limit=1')).total);
    expect((await get('/api/gate/history?model=b1')).total).toBe(1);

    // an override of b1: the newest decision of b1, showing the checks of the validation it overrode
    const ov = await post(app, '/api/gate/override', {
      modelPath: b,
      actor: 'ana',
      reason: 'data vendor outage, figures stale',
      modelVersion: 'b1',
    });
    expect(ov.statusCode).toBe(200);
    const latestB = await get('/api/gate/latest?model=b1');
    expect(latestB).toMatchObject({ id: ov.json().id, action: 'override' });
    expect(latestB.checks).toEqual(ov.json().checks);
    expect(latestB.checks.some((c: { status: string }) => c.status === 'fail')).toBe(true);
    expect((await get('/api/gate/latest?model=a1')).id).toBe(va.json().id);
  });
});
