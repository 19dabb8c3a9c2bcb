import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePredictions } from '@vigil/test-utils';
import { testDatabases } from '@vigil/host/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTH,
  BAD_VALIDATION,
  GOOD_VALIDATION,
  type Served,
  dumpDatabase,
  post,
  serve,
  snapshotDir,
  writeModel,
} from './helpers.js';

/**
 * Issue 8, bad input over HTTP: seeded fast-check payloads against every write endpoint. Every
 * payload is malformed (or names something that does not exist); each must get a 4xx whose JSON
 * error names a field or the body, never a 5xx, and leave the database as it was. The one change
 * allowed is the gate's audit trail: a well-typed attempt the gate itself refuses (a path outside
 * the models dir, a model never validated, figures out of range) is logged as one refused row,
 * by the gate's design; those rows are checked to be refusals, and counted.
 */

const RUNS = 2000;
const SEED = 20_261_130;

interface Req {
  readonly url: string;
  readonly payload: string;
  readonly contentType: string;
  readonly label: string;
}

const SQLISH = [
  "'; DROP TABLE vigil_predictions; --",
  "x' OR '1'='1",
  '" OR ""="',
  '1; DELETE FROM model_promotion_history',
  "' UNION SELECT row_hash FROM model_promotion_history --",
  '$1',
  '?',
  '%s%n',
  'NULL',
  '\\',
  '`rm -rf /`',
];
const NUMBERISH = ['NaN', 'Infinity', '-Infinity', '1e999', '-0', '0x10', '0.5', '1', ' 1 ', ''];

const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    ...SQLISH,
    ...NUMBERISH,
    '__proto__',
    'constructor',
    'prototype',
    '\u202e\u200b',
    '🦊'.repeat(30),
    'null',
    'undefined',
  ),
  // lone surrogates: not well-formed Unicode, stored by a database as U+FFFD
  fc
    .tuple(fc.string({ maxLength: 5 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 5 }))
    .map(([a, c, b]) => `${a}${String.fromCharCode(c)}${b}`),
);
const scalar = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), nastyString);
const small = fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.dictionary(nastyString, scalar, { maxKeys: 4 }));

// values that are certainly wrong for a field of the given kind
const notString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(nastyString, scalar, { maxKeys: 3 }),
);
const withNul = fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([a, b]) => `${a}\u0000${b}`);
/** Wrong for any text field: not a string, empty, with a NUL, too long. */
const badString = (max: number) =>
  fc.oneof(notString, fc.constant(''), withNul, fc.string({ minLength: max + 1, maxLength: max + 50 }));
/** Wrong for a required text field that must say something (ids, symbols, actors, reasons): also blank. */
const badText = (max: number) => fc.oneof(badString(max), fc.constantFrom(' ', '\t\n', '   '));
const notNumber = fc.oneof(
  nastyString,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(nastyString, fc.integer(), { maxKeys: 2 }),
);
const badRatio = fc.oneof(
  notNumber,
  fc.double({ noNaN: true }).filter((v) => !(v >= 0 && v <= 1) && Number.isFinite(v)),
);
const badLabel = fc.oneof(
  notNumber,
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Number.isInteger(v)),
  fc.integer().filter((v) => v !== 0 && v !== 1),
);
const notDate = fc.oneof(
  notString,
  fc.constant(''),
  withNul,
  nastyString.filter((s) => !/\d/.test(s) && s.trim() !== ''),
);
const notObject = fc.oneof(scalar, fc.array(fc.integer(), { maxLength: 3 }));
const badFeatures = fc.oneof(
  notObject,
  fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), notNumber).map(([k, v]) => ({ f0: 0.1, [k]: v })),
);

/** An object with an own property of any name (`__proto__` included, as JSON.parse would make it). */
const withKey = (o: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> => {
  const copy = { ...o };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
};
const extraKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', 'toString', 'hasOwnProperty'),
  nastyString.filter((k) => k.length > 0),
);

type Mutation = { field: string; value?: unknown; remove?: boolean; extra?: boolean };
/** One certainly-invalid change to a valid object: a field set to a bad value, a required field removed, or an unknown key added. */
const mutationOf = (
  bad: Record<string, fc.Arbitrary<unknown>>,
  required: readonly string[],
  known: readonly string[],
): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc
      .constantFrom(...Object.keys(bad))
      .chain((field) => (bad[field] as fc.Arbitrary<unknown>).map((value) => ({ field, value }))),
    fc.constantFrom(...required).map((field) => ({ field, remove: true })),
    fc
      .tuple(
        extraKey.filter((k) => !known.includes(k)),
        small,
      )
      .map(([field, value]) => ({ field, value, extra: true })),
  );
const apply = (o: Record<string, unknown>, m: Mutation): Record<string, unknown> => {
  if (m.remove) {
    const { [m.field]: _, ...rest } = o;
    return rest;
  }
  return withKey(o, m.field, m.value);
};

const RECORD_FIELDS = [
  'id',
  'timestamp',
  'symbol',
  'regime',
  'features',
  'predictedLabel',
  'confidence',
  'modelVersion',
];
const recordMutation = mutationOf(
  {
    id: badText(200),
    timestamp: notDate,
    symbol: badText(100),
    regime: badText(100),
    features: badFeatures,
    predictedLabel: badLabel,
    confidence: badRatio,
    modelVersion: badText(100),
  },
  RECORD_FIELDS,
  RECORD_FIELDS,
);
const OUTCOME_FIELDS = ['id', 'actualLabel', 'resolvedAt'];
const outcomeMutation = mutationOf(
  { id: badText(200), actualLabel: badLabel, resolvedAt: notDate },
  ['id', 'actualLabel'],
  OUTCOME_FIELDS,
);

let fresh = 0;
const validRecords = (n: number) =>
  makePredictions(n, { seed: ++fresh, idPrefix: `fuzz${fresh}-`, features: 3 }) as unknown as Record<string, unknown>[];

const json = (url: string, label: string, body: unknown): Req => ({
  url,
  label,
  payload: JSON.stringify(body) ?? 'null',
  contentType: 'application/json',
});

const WRITE_URLS = [
  '/api/observe',
  '/api/resolve',
  '/api/gate/validate',
  '/api/gate/promote',
  '/api/gate/override',
  '/api/gate/rollback',
] as const;

/** Bodies that are not a JSON object at all, or not JSON, or not sent as JSON. */
const rawBodies = (url: string): fc.Arbitrary<Req> =>
  fc.oneof(
    fc.oneof(scalar, fc.array(small, { maxLength: 5 })).map((b) => json(url, 'not an object', b)),
    fc
      .string({ maxLength: 60 })
      .filter((s) => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      })
      .map((payload) => ({ url, label: 'not JSON', payload, contentType: 'application/json' })),
    fc
      .constantFrom(
        '{"a":NaN}',
        '{"a":Infinity}',
        "{'a':1}",
        '{"a":1,}',
        '[',
        '\u0000',
        '{"records": [}',
        '{}garbage',
        '\ufeff',
      )
      .map((payload) => ({ url, label: 'not JSON', payload, contentType: 'application/json' })),
    fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/octet-stream',
          'text/html',
          'application/jsonx',
          'image/png',
        ),
        fc.string({ maxLength: 40 }),
      )
      .map(([contentType, payload]) => ({
        url,
        label: `content-type ${contentType}`,
        payload: payload || 'x',
        contentType,
      })),
    fc.integer({ min: 33, max: 50_000 }).map((depth) => ({
      url,
      label: `nested ${depth} deep`,
      payload: `{"records":${'['.repeat(depth)}${']'.repeat(depth)},"validation":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
      contentType: 'application/json',
    })),
    fc
      .constantFrom(
        '{"__proto__":{"isAdmin":true}}',
        '{"records":[{"__proto__":{"x":1}}]}',
        '{"constructor":{"prototype":{"x":1}}}',
        '{"modelPath":"a","validation":{"__proto__":{"accuracy":1}}}',
      )
      .map((payload) => ({ url, label: 'prototype poisoning', payload, contentType: 'application/json' })),
    fc.integer({ min: 100_001, max: 120_000 }).map((n) => ({
      url,
      label: `array of ${n}`,
      payload: `{"records":[${'0,'.repeat(n - 1)}0],"outcomes":[${'0,'.repeat(n - 1)}0]}`,
      contentType: 'application/json',
    })),
  );

const observeBodies = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), recordMutation).map(([before, after, m]) => {
    const recs = validRecords(before + after + 1);
    recs[before] = apply(recs[before] as Record<string, unknown>, m);
    return json(
      '/api/observe',
      `observe records.${before}.${m.field}${m.remove ? ' removed' : m.extra ? ' extra' : ''}`,
      { records: recs },
    );
  }),
  fc
    .oneof(
      notObject.filter((v) => !Array.isArray(v)),
      fc.constant([]),
    )
    .map((records) => json('/api/observe', 'observe records not a non-empty array', { records })),
  fc
    .tuple(
      extraKey.filter((k) => k !== 'records'),
      small,
    )
    .map(([k, v]) => json('/api/observe', `observe extra ${k}`, withKey({ records: validRecords(1) }, k, v))),
  fc.constant(json('/api/observe', 'observe no records', {})),
  fc.integer({ min: 1, max: 2 }).map((n) => {
    const recs = validRecords(n);
    return json('/api/observe', 'observe id twice in a batch', { records: [...recs, { ...recs[0], confidence: 0.9 }] });
  }),
);

const resolveBodies = (existing: { resolved: string; label: number; open: string }) =>
  fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 2 }), outcomeMutation).map(([at, m]) => {
      const outcomes: Record<string, unknown>[] = [
        { id: existing.open, actualLabel: 1 },
        { id: existing.open, actualLabel: 1 },
        { id: existing.open, actualLabel: 1 },
      ].slice(0, at + 1);
      outcomes[at] = apply(outcomes[at] as Record<string, unknown>, m);
      return json(
        '/api/resolve',
        `resolve outcomes.${at}.${m.field}${m.remove ? ' removed' : m.extra ? ' extra' : ''}`,
        { outcomes },
      );
    }),
    fc.string({ minLength: 1, maxLength: 30 }).map((id) =>
      json('/api/resolve', 'resolve unknown id', {
        outcomes: [
          { id: existing.open, actualLabel: 0 },
          { id: `nope:${id}`, actualLabel: 1 },
        ],
      }),
    ),
    fc.constant(
      json('/api/resolve', 'resolve conflicting', {
        outcomes: [
          { id: existing.open, actualLabel: 0 },
          { id: existing.resolved, actualLabel: 1 - existing.label },
        ],
      }),
    ),
    fc
      .oneof(
        notObject.filter((v) => !Array.isArray(v)),
        fc.constant([]),
      )
      .map((outcomes) => json('/api/resolve', 'resolve outcomes not a non-empty array', { outcomes })),
    fc
      .tuple(
        extraKey.filter((k) => k !== 'outcomes'),
        small,
      )
      .map(([k, v]) =>
        json(
          '/api/resolve',
          `resolve extra ${k}`,
          withKey({ outcomes: [{ id: existing.open, actualLabel: 1 }] }, k, v),
        ),
      ),
  );

const escapingPaths = fc.oneof(
  fc.constantFrom(
    '../x.json',
    'models/../../etc/passwd',
    '/etc/passwd',
    'models/link-out.json',
    'models/nope.json',
    'models',
    'models/',
    'models/meta_learner_production.pkl',
  ),
  nastyString.filter((s) => s.length > 0 && !s.includes('\u0000') && s.trim() !== ''),
);
const badPrediction = mutationOf(
  {
    symbol: badText(100),
    regime: badText(100),
    predictedLabel: badLabel,
    actualLabel: badLabel,
    confidence: badRatio,
    features: badFeatures,
  },
  ['symbol', 'regime', 'predictedLabel', 'actualLabel', 'confidence'],
  ['symbol', 'regime', 'predictedLabel', 'actualLabel', 'confidence', 'features'],
)
  .filter((m) => !m.extra) // a prediction may carry extra fields
  .map((m) => apply({ symbol: 'XOM', regime: 'crash', predictedLabel: 1, actualLabel: 0, confidence: 0.8 }, m));
const badValidation = fc.oneof(
  fc
    .tuple(fc.constantFrom('accuracy', 'driftScore', 'replayImprovement'), notNumber)
    .map(([k, v]) => ({ ...GOOD_VALIDATION, [k]: v })),
  fc
    .tuple(
      fc.constantFrom('regimeAccuracy', 'sectorAccuracy'),
      fc.oneof(
        notObject,
        notNumber.map((v) => ({ crash: v })),
      ),
    )
    .map(([k, v]) => ({ ...GOOD_VALIDATION, [k]: v })),
  fc
    .oneof(
      notObject.filter((v) => !Array.isArray(v)),
      fc.array(badPrediction, { minLength: 1, maxLength: 3 }),
    )
    .map((predictions) => ({ predictions })),
  // well typed, out of range: refused by the gate (and logged as a refused attempt)
  fc
    .tuple(
      fc.constantFrom('accuracy', 'driftScore'),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => v < 0 || v > 1),
    )
    .map(([k, v]) => ({ ...GOOD_VALIDATION, [k]: v })),
  fc
    .integer()
    .filter((v) => v !== 0 && v !== 1)
    .map((label) => ({
      predictions: [{ symbol: 'XOM', regime: 'crash', predictedLabel: label, actualLabel: 0, confidence: 0.8 }],
    })),
  fc.constant({}),
  fc.constant({ unrelated: 1 }),
);

const gateBodies = (cand: string, rejected: string) =>
  fc.oneof(
    fc
      .tuple(badText(2000), fc.constantFrom(GOOD_VALIDATION, BAD_VALIDATION))
      .map(([modelPath, validation]) =>
        json('/api/gate/validate', 'validate bad modelPath', { modelPath, validation }),
      ),
    badValidation.map((validation) =>
      json('/api/gate/validate', 'validate bad validation', { modelPath: cand, validation }),
    ),
    fc
      .oneof(notObject, fc.constant(undefined))
      .map((validation) =>
        json('/api/gate/validate', 'validate validation not an object', { modelPath: cand, validation }),
      ),
    escapingPaths.map((modelPath) =>
      json('/api/gate/validate', 'validate path escaping/missing', { modelPath, validation: GOOD_VALIDATION }),
    ),
    fc
      .tuple(
        extraKey.filter((k) => !['modelPath', 'validation', 'actor', 'notes'].includes(k)),
        small,
      )
      .map(([k, v]) =>
        json(
          '/api/gate/validate',
          `validate extra ${k}`,
          withKey({ modelPath: cand, validation: GOOD_VALIDATION }, k, v),
        ),
      ),
    fc.tuple(badString(2000), fc.oneof(fc.constant(undefined), notObject)).map(([actor, notes]) =>
      json('/api/gate/validate', 'validate bad actor/notes', {
        modelPath: cand,
        validation: GOOD_VALIDATION,
        actor,
        notes,
      }),
    ),

    badText(2000).map((modelPath) => json('/api/gate/promote', 'promote bad modelPath', { modelPath })),
    escapingPaths.map((modelPath) => json('/api/gate/promote', 'promote path escaping/missing', { modelPath })),
    fc.constant(json('/api/gate/promote', 'promote rejected model', { modelPath: rejected })),
    notString
      .filter((v) => typeof v !== 'boolean')
      .map((backupOld) => json('/api/gate/promote', 'promote bad backupOld', { modelPath: cand, backupOld })),
    fc
      .tuple(
        extraKey.filter((k) => !['modelPath', 'backupOld', 'actor'].includes(k)),
        small,
      )
      .map(([k, v]) => json('/api/gate/promote', `promote extra ${k}`, withKey({ modelPath: cand }, k, v))),

    fc
      .record(
        {
          actor: fc.oneof(badText(200), fc.constant(undefined)),
          reason: fc.oneof(badText(2000), fc.constant(undefined), fc.constant('a valid reason')),
        },
        { requiredKeys: [] },
      )
      .map((o) => json('/api/gate/override', 'override without a proper actor', { modelPath: rejected, ...o })),
    fc.oneof(badText(2000), fc.constant(undefined)).map((reason) =>
      json('/api/gate/override', 'override without a proper reason', {
        modelPath: rejected,
        actor: 'mallory',
        reason,
      }),
    ),
    escapingPaths.map((modelPath) =>
      json('/api/gate/override', 'override path escaping/missing', { modelPath, actor: 'mallory', reason: 'trust me' }),
    ),
    fc
      .tuple(
        extraKey.filter((k) => !['modelPath', 'actor', 'reason'].includes(k)),
        small,
      )
      .map(([k, v]) =>
        json(
          '/api/gate/override',
          `override extra ${k}`,
          withKey({ modelPath: rejected, actor: 'a', reason: 'r' }, k, v),
        ),
      ),

    fc
      .oneof(
        nastyString.filter((s) => s !== 'file' && s !== 'directory'),
        notString,
      )
      .map((kind) => json('/api/gate/rollback', 'rollback bad kind', { kind })),
    badString(2000).map((actor) => json('/api/gate/rollback', 'rollback bad actor', { actor })),
    fc
      .tuple(
        extraKey.filter((k) => !['actor', 'kind'].includes(k)),
        small,
      )
      .map(([k, v]) => json('/api/gate/rollback', `rollback extra ${k}`, withKey({}, k, v))),
  );

const ACTIONS: Record<string, string> = {
  '/api/gate/validate': 'validate',
  '/api/gate/promote': 'promote',
  '/api/gate/override': 'override',
};

describe.each(testDatabases())('HTTP write endpoints under fuzzed input on %s', (database) => {
  let s: Served;
  let cand: string;
  let rejected: string;
  const existing = { resolved: '', label: 0, open: '' };
  beforeAll(async () => {
    s = await serve(database);
    // every table holds rows: predictions (resolved and open), sectors, replay errors, drift checks, gate history and production
    const recs = makePredictions(240, { seed: 99, features: 3 });
    for (const batch of [recs.slice(0, 80), recs.slice(80, 160), recs.slice(160)])
      expect((await post(s.app, '/api/observe', { records: batch })).statusCode).toBe(200);
    const outcomes = recs
      .slice(0, 80)
      .map((r, i) => ({ id: r.id, actualLabel: i % 3 === 0 ? 1 - r.predictedLabel : r.predictedLabel }));
    expect((await post(s.app, '/api/resolve', { outcomes })).statusCode).toBe(200);
    Object.assign(existing, { resolved: recs[0]!.id, label: outcomes[0]!.actualLabel, open: recs[100]!.id });
    cand = writeModel(s, 'cand.json', '{"weights":[1,2,3]}');
    rejected = writeModel(s, 'rejected.json', '{"weights":[0]}');
    writeFileSync(join(s.root, 'outside', 'x.json'), '{}');
    symlinkSync(join(s.root, 'outside', 'x.json'), join(s.modelsDir, 'link-out.json'));
    expect(
      (await post(s.app, '/api/gate/validate', { modelPath: cand, validation: GOOD_VALIDATION })).json().approved,
    ).toBe(true);
    expect((await post(s.app, '/api/gate/promote', { modelPath: cand, modelVersion: 'cand' })).statusCode).toBe(200);
    expect(
      (await post(s.app, '/api/gate/validate', { modelPath: rejected, validation: BAD_VALIDATION })).json().approved,
    ).toBe(false);
  });
  afterAll(() => s?.close());

  it(`answers ${RUNS} malformed payloads across every write endpoint with a 4xx naming the field, and changes nothing`, async () => {
    const dump = await dumpDatabase(s.host);
    for (const t of ['vigil_predictions', 'error_replay_buffer', 'drift_monitoring', 'model_promotion_history'])
      expect(dump[t]?.length, t).toBeGreaterThan(0);
    const files = snapshotDir(s.modelsDir);
    let baseline = dump;
    const statuses: Record<string, number> = {};
    const perUrl: Record<string, number> = {};
    let refusalsLogged = 0;

    const arbitrary = fc.oneof(
      { weight: 3, arbitrary: observeBodies },
      { weight: 2, arbitrary: resolveBodies(existing) },
      { weight: 4, arbitrary: gateBodies(cand, rejected) },
      { weight: 2, arbitrary: fc.constantFrom(...WRITE_URLS).chain(rawBodies) },
    );
    await fc.assert(
      fc.asyncProperty(arbitrary, async (req) => {
        const what = `${req.label}: ${req.url} ${req.contentType} ${req.payload.slice(0, 200)}`;
        const r = await s.app.inject({
          method: 'POST',
          url: req.url,
          headers: { ...AUTH, 'content-type': req.contentType },
          payload: req.payload,
        });
        statuses[r.statusCode] = (statuses[r.statusCode] ?? 0) + 1;
        perUrl[req.url] = (perUrl[req.url] ?? 0) + 1;
        expect(r.statusCode, what).toBeGreaterThanOrEqual(400);
        expect(r.statusCode, what).toBeLessThan(500);
        expect(r.statusCode, what).not.toBe(401);
        expect(r.headers['content-type'], what).toMatch(/^application\/json/);
        const { error } = r.json() as {
          error: { code: unknown; message: unknown; issues: { path: unknown; message: unknown }[] };
        };
        expect(typeof error.code, what).toBe('string');
        expect(typeof error.message, what).toBe('string');
        expect(error.issues.length, what).toBeGreaterThan(0);
        for (const i of error.issues) {
          expect(i.path, what).toMatch(/^body(\.|$)/);
          expect(typeof i.message, what).toBe('string');
        }

        const after = await dumpDatabase(s.host);
        const { model_promotion_history: historyAfter, ...restAfter } = after;
        const { model_promotion_history: historyBefore, ...restBefore } = baseline;
        // (SQLite's AUTOINCREMENT counter for the history moves with it)
        const counters = (d: Record<string, string[]>) => ({
          ...d,
          sqlite_sequence: d.sqlite_sequence?.filter((r) => !r.includes('"model_promotion_history"')),
        });
        expect(counters(restAfter), what).toEqual(counters(restBefore));
        if (historyAfter!.length !== historyBefore!.length) {
          // only the gate's own audit row of an attempt it refused: appended, not approved, not promoted
          expect(Object.keys(ACTIONS), what).toContain(req.url);
          expect(historyAfter!.length, what).toBe(historyBefore!.length + 1);
          const added = historyAfter!.filter((row) => !historyBefore!.includes(row));
          expect(added, what).toHaveLength(1);
          const row = Object.fromEntries(
            (JSON.parse(added[0]!) as [string, string, unknown][]).map(([k, , v]) => [k, v]),
          );
          expect(Number(row.approved), what).toBe(0);
          expect(Number(row.promoted_to_production), what).toBe(0);
          expect(row.action, what).toBe(ACTIONS[req.url]);
          expect(String(row.notes), what).toMatch(/^refused: /);
          refusalsLogged++;
          baseline = after;
          // the refusal row keeps the hash chain intact
          expect((await s.app.inject({ method: 'GET', url: '/api/gate/verify' })).json().ok, what).toBe(true);
        } else {
          expect(after, what).toEqual(baseline);
        }
        expect(snapshotDir(s.modelsDir), what).toEqual(files);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const verify = (await s.app.inject({ method: 'GET', url: '/api/gate/verify' })).json();
    expect(verify.ok).toBe(true);
    // the refused attempts on record are exactly those counted above
    expect(verify.rows).toBe(dump.model_promotion_history!.length + refusalsLogged);
    for (const url of WRITE_URLS) expect(perUrl[url], url).toBeGreaterThan(50);
    // the server still works
    expect((await s.app.inject({ method: 'GET', url: '/api/health' })).json().status).toBe('ok');
    expect((await post(s.app, '/api/observe', { records: validRecords(2) })).json()).toEqual({
      accepted: 2,
      duplicates: 0,
    });
    console.info(
      `fuzz on ${database}: ${RUNS} payloads, statuses ${JSON.stringify(statuses)}, gate refusals logged ${refusalsLogged}, per endpoint ${JSON.stringify(perUrl)}`,
    );
  });
});
