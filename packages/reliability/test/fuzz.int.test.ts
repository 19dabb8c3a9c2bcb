import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PredictionRecord, VigilError } from '@vigil/core';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin, gateToken } from '@vigil/gate';
import { errorReplayBufferToken, replayPlugin } from '@vigil/replay';
import { sectorTrackerToken, sectorsPlugin } from '@vigil/sectors';
import { type TestHost, createTestDatabase, createTestHost, testDatabases } from '@vigil/host/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullConfig, makeBatch, outcomesOf } from './children/workload.mjs';
import { dumpTables } from './dumpTables.js';
import { assertNoPollution, nastyValue, pollutingKey } from './nasty.js';

const RUNS = {
  observe: Number(process.env.VIGIL_FUZZ_OBSERVE ?? 1000),
  resolve: Number(process.env.VIGIL_FUZZ_RESOLVE ?? 800),
  gate: Number(process.env.VIGIL_FUZZ_GATE ?? 400),
};
const SEED = Number(process.env.VIGIL_FUZZ_SEED ?? 8);

describe.each(testDatabases())(
  'fuzzed input on %s: a typed error naming the field, or success; a refusal changes nothing',
  (database) => {
    let host: TestHost;
    let root: string;
    let baseline: Record<string, string>;
    let memory: string;
    let fresh = 0;
    const unresolved: PredictionRecord[] = [];
    const resolved: { id: string; actualLabel: number }[] = [];
    const tally = { ok: 0, refused: 0, codes: {} as Record<string, number> };

    const snapshot = () =>
      JSON.stringify([
        (() => {
          const t = host.container.resolve(sectorTrackerToken);
          return t.models().map((model) => [model, t.getSectorPerformance({ model })]);
        })(),
        host.container.resolve(errorReplayBufferToken).ranking(),
      ]);
    const rebase = async () => {
      baseline = await dumpTables(host.dataSource);
      memory = snapshot();
    };
    const validRecords = (n: number): PredictionRecord[] =>
      makeBatch('fz', 0, n).map((r) => ({ ...r, id: `fz-${fresh++}` }));

    /** Runs a call; on refusal checks the error's type and issues, and that tables and memory are as they were. */
    async function attempt(
      call: () => Promise<unknown>,
      hint: string | readonly string[],
      ignoreTables: readonly string[] = [],
    ): Promise<'ok' | VigilError> {
      try {
        await call();
        tally.ok++;
        return 'ok';
      } catch (e) {
        if (!(e instanceof VigilError)) throw new Error(`not a VigilError: ${(e as Error)?.stack ?? String(e)}`);
        tally.refused++;
        tally.codes[e.code] = (tally.codes[e.code] ?? 0) + 1;
        if (e.issues.length === 0) throw new Error(`${e.code} without issues: ${e.message}`);
        for (const i of e.issues)
          if (typeof i.path !== 'string' || i.path.length === 0)
            throw new Error(`issue without a path: ${JSON.stringify(i.message)}`);
        const hints = typeof hint === 'string' ? [hint] : hint;
        if (!e.issues.some((i) => hints.some((h) => i.path.includes(h))))
          throw new Error(
            `no issue names '${hints.join("' or '")}': ${e.issues
              .slice(0, 3)
              .map((i) => i.path)
              .join(', ')}`,
          );
        const after = await dumpTables(host.dataSource);
        const next = { ...after };
        for (const t of ignoreTables) delete after[t];
        const expected = { ...baseline };
        for (const t of ignoreTables) delete expected[t];
        for (const t of Object.keys(expected))
          if (after[t] !== expected[t])
            throw new Error(
              `${e.code} refused, yet table ${t} changed (${expected[t]} -> ${after[t]}): ${e.message.slice(0, 300)}`,
            );
        expect(Object.keys(after).sort()).toEqual(Object.keys(expected).sort());
        expect(snapshot()).toBe(memory);
        baseline = next;
        return e;
      } finally {
        assertNoPollution();
      }
    }

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'vigil-fuzz-'));
      mkdirSync(join(root, 'models'));
      const db = await createTestDatabase(database);
      const { database: _omit, ...config } = fullConfig(db.config, root);
      host = await createTestHost({
        database: db,
        plugins: [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin],
        config,
      });
      const seed = validRecords(80);
      await host.observe(seed);
      await host.resolve(outcomesOf(seed.slice(0, 40)));
      unresolved.push(...seed.slice(40));
      resolved.push(...outcomesOf(seed.slice(0, 40)));
      await rebase();
    });
    afterAll(async () => {
      console.log(
        `fuzz on ${database}: ${tally.ok + tally.refused} calls, ${tally.ok} accepted, ${tally.refused} refused ${JSON.stringify(tally.codes)}`,
      );
      await host?.dispose();
      await host?.db.cleanup();
      rmSync(root, { recursive: true, force: true });
    });

    it(
      `observe: ${RUNS.observe} malformed batches`,
      async () => {
        const fields = [
          'id',
          'timestamp',
          'symbol',
          'regime',
          'features',
          'predictedLabel',
          'confidence',
          'modelVersion',
          'featureValue',
          'featureKey',
          'record',
          'extraKey',
          'batch',
          'root',
        ] as const;
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...fields),
            nastyValue(),
            pollutingKey,
            fc.integer({ min: 1, max: 4 }),
            fc.nat(),
            async (field, value, key, size, at) => {
              const batch: unknown[] = validRecords(size);
              const i = at % size;
              const rec = batch[i] as Record<string, unknown>;
              let input: unknown = batch;
              let hint = `records[${i}].${field}`;
              if (field === 'featureValue') {
                batch[i] = { ...rec, features: { ...(rec.features as object), f0: value } };
                hint = `records[${i}].features`;
              } else if (field === 'featureKey') {
                batch[i] = {
                  ...rec,
                  features: {
                    ...(rec.features as object),
                    ...JSON.parse(`{"${key}": ${typeof value === 'number' && Number.isFinite(value) ? value : 0.25}}`),
                  },
                };
                hint = `records[${i}].features`;
              } else if (field === 'record') {
                batch[i] = value;
                hint = `records[${i}]`;
              } else if (field === 'extraKey') {
                batch[i] = { ...rec, ...JSON.parse(`{"${key}": {"polluted": "yes"}}`) };
                hint = `records[${i}]`;
              } else if (field === 'batch') {
                input = [...batch, ...Array.from({ length: 20_000 }, () => value)];
                hint = 'records[';
              } else if (field === 'root') {
                input = value;
                hint = 'records[0]';
              } else batch[i] = { ...rec, [field]: value };
              const r = await attempt(() => host.observe(input as PredictionRecord[]), hint);
              if (r === 'ok') {
                for (const x of Array.isArray(input) ? input : [input])
                  if (x && typeof x === 'object' && typeof (x as PredictionRecord).id === 'string')
                    unresolved.push(x as PredictionRecord);
                await rebase();
              }
            },
          ),
          { seed: SEED, numRuns: RUNS.observe, endOnFailure: true },
        );
      },
      Math.max(180_000, RUNS.observe * 150),
    );

    it(
      `resolve: ${RUNS.resolve} malformed outcome lists`,
      async () => {
        const fields = ['id', 'actualLabel', 'resolvedAt', 'record', 'unknownId', 'conflict', 'batch', 'root'] as const;
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...fields),
            nastyValue(),
            fc.integer({ min: 1, max: 3 }),
            fc.nat(),
            async (field, value, size, at) => {
              if (unresolved.length < 10) {
                const more = validRecords(40);
                await host.observe(more);
                unresolved.push(...more);
                await rebase();
              }
              const picked = unresolved.splice(0, size);
              const list: unknown[] = outcomesOf(picked);
              const i = at % size;
              let input: unknown = list;
              // An id that names an already-resolved prediction is refused for its conflicting label.
              let hint: string | string[] = field === 'id' ? ['id', 'actualLabel'] : field;
              if (field === 'record') {
                list[i] = value;
                hint = `outcomes[${i}]`;
              } else if (field === 'unknownId') {
                list[i] = { id: `never-observed-${at}`, actualLabel: 1 };
                hint = 'id';
              } else if (field === 'conflict') {
                const done = resolved[at % resolved.length] as { id: string; actualLabel: number };
                list[i] = { id: done.id, actualLabel: 1 - done.actualLabel };
                hint = 'actualLabel';
              } else if (field === 'batch') {
                input = [...list, ...Array.from({ length: 20_000 }, () => value)];
                hint = 'outcomes[';
              } else if (field === 'root') {
                input = value;
                hint = 'outcomes';
              } else list[i] = { ...(list[i] as object), [field]: value };
              const r = await attempt(() => host.resolve(input as never), hint);
              if (r === 'ok') {
                for (const o of list)
                  if (o && typeof o === 'object' && typeof (o as { id: unknown }).id === 'string')
                    resolved.push(o as { id: string; actualLabel: number });
                await rebase();
              } else unresolved.push(...picked);
            },
          ),
          { seed: SEED + 1, numRuns: RUNS.resolve, endOnFailure: true },
        );
      },
      Math.max(180_000, RUNS.resolve * 150),
    );

    it(
      `gate validateModel: ${RUNS.gate} malformed attempts; each logs one refused row and changes nothing else`,
      async () => {
        const models = join(root, 'models');
        writeFileSync(join(models, 'cand.pkl'), 'candidate');
        writeFileSync(join(models, 'meta_learner_production.pkl'), 'production');
        writeFileSync(join(root, 'outside.pkl'), 'outside');
        symlinkSync(join(root, 'outside.pkl'), join(models, 'link.pkl'));
        const gate = host.container.resolve(gateToken);
        const fields = [
          'modelPath',
          'escape',
          'accuracy',
          'regimeAccuracy',
          'sectorAccuracy',
          'driftScore',
          'replayImprovement',
          'predictions',
          'hugePredictions',
          'validation',
          'actor',
          'notes',
        ] as const;
        const escapes = [
          '../outside.pkl',
          join(root, 'outside.pkl'),
          join(models, 'link.pkl'),
          join(models, '..', 'outside.pkl'),
          '/etc/passwd',
          join(models, 'missing.pkl'),
          join(models, 'cand.pkl\u0000.txt'),
        ];
        const history = async () =>
          Number(
            ((await host.dataSource.query('SELECT COUNT(*) AS n FROM model_promotion_history')) as { n: unknown }[])[0]
              ?.n,
          );
        await rebase();
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...fields), nastyValue(), fc.nat(), async (field, value, at) => {
            let path: unknown = join(models, 'cand.pkl');
            let validation: unknown = { accuracy: 0.7 };
            let options: unknown = {};
            let hint: string = field;
            if (field === 'modelPath') path = value;
            else if (field === 'escape') {
              path = escapes[at % escapes.length];
              hint = 'modelPath';
            } else if (field === 'predictions')
              validation = {
                accuracy: 0.7,
                predictions: [
                  { symbol: 'AAPL', regime: 'normal', predictedLabel: 1, actualLabel: 0, confidence: 0.6 },
                  value,
                ],
              };
            else if (field === 'hugePredictions') {
              validation = {
                predictions: Array.from({ length: 20_000 }, (_, k) =>
                  k === 19_999
                    ? value
                    : { symbol: 'AAPL', regime: 'normal', predictedLabel: 1, actualLabel: k % 2, confidence: 0.6 },
                ),
              };
              hint = 'predictions';
            } else if (field === 'validation') validation = value;
            else if (field === 'actor' || field === 'notes') options = { [field]: value };
            else validation = { accuracy: 0.7, [field]: value };
            const rows = await history();
            const r = await attempt(
              () => gate.validateModel(path as string, validation as never, options as never),
              hint === 'validation' ? '' : hint,
              ['model_promotion_history', 'sqlite_sequence.model_promotion_history'],
            );
            // Every attempt, refused or not, is one audit row; a refused one is never approved.
            expect(await history()).toBe(rows + 1);
            const [last] = (await host.dataSource.query(
              'SELECT approved, promoted_to_production, action FROM model_promotion_history ORDER BY id DESC LIMIT 1',
            )) as { approved: unknown; promoted_to_production: unknown; action: string }[];
            expect(last?.action).toBe('validate');
            expect(Number(last?.promoted_to_production)).toBe(0);
            if (r !== 'ok') expect(Number(last?.approved)).toBe(0);
            else await rebase();
            expect(readFileSync(join(models, 'meta_learner_production.pkl'), 'utf8')).toBe('production');
          }),
          { seed: SEED + 2, numRuns: RUNS.gate, endOnFailure: true },
        );
        expect(await gate.verifyHistory()).toMatchObject({ ok: true });
      },
      Math.max(180_000, RUNS.gate * 200),
    );
  },
);
