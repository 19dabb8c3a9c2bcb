import { definePlugin } from '@vigil/core';
import { makePredictions, seededRandom } from '@vigil/test-utils';
import { createTestDatabase, createTestHost, testDatabases, type TestHost } from '@vigil/host/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sectorsPlugin } from '../src/plugin.js';
import { sectorTrackerToken } from '../src/tokens.js';
import { fromTracker, groupBy } from './helpers.js';

const refuse = { id: '' };
const refuser = definePlugin({
  id: 'refuser',
  dependsOn: ['sectors'],
  deps: {},
  init: () => ({
    hooks: {
      async observe(records) {
        if (records.some((r) => r.id === refuse.id)) throw new Error('refused');
      },
    },
  }),
});

type Op =
  | { kind: 'observe'; n: number; seed: number }
  | { kind: 'observeRolledBack'; n: number; seed: number }
  | { kind: 'resolve'; share: number; seed: number }
  | { kind: 'direct'; n: number; seed: number }
  | { kind: 'restart' }
  | { kind: 'rebuild' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('observe' as const), n: fc.integer({ min: 1, max: 40 }), seed: fc.nat() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('observeRolledBack' as const),
      n: fc.integer({ min: 1, max: 20 }),
      seed: fc.nat(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('resolve' as const),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
      seed: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('direct' as const), n: fc.integer({ min: 1, max: 10 }), seed: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'rebuild' as const }) },
);

const SYMBOLS = ['AAPL', 'XOM', 'brk-b', 'BRK.B', 'googl', 'JPM', 'ZZZQ'];
const REGIMES = ['normal', 'crash', 'recovery'];

describe.each(testDatabases())('aggregates on %s', (database) => {
  it('equal a full GROUP BY after any stream of observe/resolve/rollback/rebuild with restarts between', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 18 }), async (ops) => {
        const db = await createTestDatabase(database);
        const open = () => createTestHost({ database: db, plugins: [sectorsPlugin, refuser] });
        let host: TestHost = await open();
        let next = 0;
        const pending: string[] = [];
        try {
          for (const o of ops) {
            if (o.kind === 'observe' || o.kind === 'observeRolledBack') {
              const recs = makePredictions(o.n, {
                seed: o.seed,
                symbols: SYMBOLS,
                regimes: REGIMES,
                features: 1,
                idPrefix: `p${next++}-`,
              });
              if (o.kind === 'observe') {
                await host.observe(recs);
                pending.push(...recs.map((r) => r.id));
              } else {
                refuse.id = recs[recs.length - 1]!.id;
                await expect(host.observe(recs)).rejects.toThrow(/refused/);
                refuse.id = '';
              }
            } else if (o.kind === 'resolve') {
              const rand = seededRandom(o.seed);
              const pick = pending.filter(() => rand() < o.share);
              for (const id of pick) pending.splice(pending.indexOf(id), 1);
              if (pick.length) await host.resolve(pick.map((id) => ({ id, actualLabel: rand() < 0.5 ? 0 : 1 })));
            } else if (o.kind === 'direct') {
              const rand = seededRandom(o.seed);
              await host.container.resolve(sectorTrackerToken).trackPredictions(
                Array.from({ length: o.n }, () => ({
                  symbol: SYMBOLS[Math.floor(rand() * SYMBOLS.length)]!,
                  regime: REGIMES[Math.floor(rand() * REGIMES.length)]!,
                  predictedLabel: rand() < 0.5 ? 0 : 1,
                  actualLabel: rand() < 0.3 ? null : rand() < 0.5 ? 0 : 1,
                  confidence: rand(),
                })),
              );
            } else if (o.kind === 'restart') {
              await host.stop();
              host = await open();
            } else {
              await host.container.resolve(sectorTrackerToken).rebuildAggregates();
            }
            expect(fromTracker(host, 'sector')).toEqual(await groupBy(host, 'sector'));
            expect(fromTracker(host, 'symbol')).toEqual(await groupBy(host, 'symbol'));
          }
        } finally {
          refuse.id = '';
          await host.stop();
          await db.cleanup();
        }
      }),
      { numRuns: database === 'postgres' ? 6 : 12, seed: 20261130 },
    );
  });
});
