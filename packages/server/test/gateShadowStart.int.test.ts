import { testDatabases } from '@vigil/host/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_VALIDATION, type Served, post, serve, writeModel } from './helpers.js';

describe.each(testDatabases())('POST /api/gate/shadows/start without a champion (%s)', (database) => {
  let s: Served | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('starts against the model live at `since`; with none live, a 400 naming champion and nothing written', async () => {
    s = await serve(database);
    const { app } = s;
    const none = await post(app, '/api/gate/shadows/start', { model: 'c1', since: '2021-03-01' });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ error: { code: 'VIGIL_INVALID_INPUT', issues: [{ path: 'body.champion' }] } });
    expect(none.json().error.message).toMatch(/champion: not given, and no model is live at 2021-03-01T00:00:00\.000Z/);
    expect((await app.inject({ method: 'GET', url: '/api/gate/shadows' })).json()).toEqual({ shadows: [] });

    const a = writeModel(s, 'a.json', '{"weights":[1]}');
    const asOf = '2021-02-01T21:00:00.000Z';
    expect(
      (await post(app, '/api/gate/validate', { modelPath: a, validation: GOOD_VALIDATION, modelVersion: 'a1', asOf }))
        .statusCode,
    ).toBe(200);
    expect((await post(app, '/api/gate/promote', { modelPath: a, modelVersion: 'a1', asOf })).statusCode).toBe(200);
    const started = await post(app, '/api/gate/shadows/start', { model: 'c1', since: '2021-03-01' });
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json()).toMatchObject({ model: 'c1', champion: 'a1', since: '2021-03-01T00:00:00.000Z' });
    // before a1 went live, nothing was: the default follows the data time, not the wall clock
    const early = await post(app, '/api/gate/shadows/start', { model: 'c2', since: '2021-01-04' });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.issues.map((i: { path: string }) => i.path)).toEqual(['body.champion']);
  });
});
