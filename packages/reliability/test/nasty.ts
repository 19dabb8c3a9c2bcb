import fc from 'fast-check';

/** Values a careless or hostile caller sends: wrong types, non-finite numbers, SQL, odd unicode, huge and deep things. */
export function nastyValue(): fc.Arbitrary<unknown> {
  const deep = fc.integer({ min: 50, max: 20_000 }).map((depth) => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
    return v;
  });
  return fc.oneof(
    fc.constantFrom(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      1e308,
      -1,
      2,
      0.5,
      3.7,
      Number.MAX_SAFE_INTEGER + 2,
      null,
      undefined,
      true,
      false,
    ),
    fc.constantFrom(
      '',
      ' ',
      '\t\n',
      '\u0000',
      '1',
      'NaN',
      'null',
      '0x1',
      '1e3',
      '2024-13-45',
      'yesterday',
      '\u202e\u0645\u0631\u062d\u0628\u0627',
      '🦄'.repeat(60),
      '\ud800',
    ),
    fc.constantFrom(
      "'; DROP TABLE vigil_predictions; --",
      "1' OR '1'='1",
      "Robert'); DELETE FROM sector_performance;--",
      '$1',
      '?',
      '%s%n',
      '") UNION SELECT * FROM replay_meta --',
      '../../../../etc/passwd',
    ),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ minLength: 101, maxLength: 400 }),
    fc.constant('x'.repeat(200_000)),
    deep,
    fc.array(fc.anything(), { maxLength: 8 }),
    fc.anything({ maxDepth: 3 }),
    fc.constant(new Date(Number.NaN)),
    fc.bigInt(),
    fc.constant(Symbol('s')),
    fc.constant(() => 1),
    fc.constantFrom('__proto__', 'constructor', 'prototype').map((k) => JSON.parse(`{"${k}": {"polluted": "yes"}}`)),
  );
}

/** A key that attacks prototypes when code copies objects key by key. */
export const pollutingKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '__defineGetter__',
);

export function assertNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  if (probe.polluted !== undefined || (Object.prototype as Record<string, unknown>).polluted !== undefined)
    throw new Error('Object.prototype was polluted');
}
