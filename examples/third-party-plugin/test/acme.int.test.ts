/**
 * A third-party plugin as a partner would write it: nothing in Vigil knows about it in advance.
 * It owns a table, reads the host's data source through the container, watches observations,
 * and contributes a gate criterion through the criterion token in core.
 */
import {
  type CriterionContext,
  columnTypes,
  dataSourceToken,
  defineCriterion,
  definePlugin,
  defineToken,
  dialectOf,
  placeholder,
  gateCriterionToken,
  type GateCriterion,
  type HookContext,
  type PredictionRecord,
} from '@vigil/core';
import { gatePlugin, gateToken } from '@vigil/gate';
import { makePredictions } from '@vigil/test-utils';
import { createTestHost, testDatabases } from '@vigil/host/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

class AcmeTurnover1800000000000 implements MigrationInterface {
  name = 'AcmeTurnover1800000000000';
  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(new Table({
      name: 'acme_turnover',
      columns: [
        { name: 'model_version', type: columnTypes.text, isPrimary: true },
        { name: 'flips', type: columnTypes.integer },
        { name: 'total', type: columnTypes.integer },
      ],
    }), true);
  }
  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('acme_turnover', true);
  }
}

/** Counts how often a model flips its call for the same symbol from one prediction to the next. */
class TurnoverTracker {
  readonly last = new Map<string, number>();
  constructor(readonly ds: DataSource) {}
  async rate(modelVersion: string): Promise<number | undefined> {
    const ph = placeholder(dialectOf(this.ds));
    const [row] = await this.ds.query(`SELECT flips, total FROM acme_turnover WHERE model_version = ${ph(1)}`, [modelVersion]);
    return row && Number(row.total) > 0 ? Number(row.flips) / Number(row.total) : undefined;
  }
}
const turnoverToken = defineToken<TurnoverTracker>('acme.turnover');

const maxTurnover = (tracker: TurnoverTracker): GateCriterion => defineCriterion({
  id: 'acme.max_turnover',
  description: 'the candidate flips its call for a symbol on at most this share of days',
  defaultThreshold: 0.5,
  requiredByDefault: false,
  async evaluate(ctx: CriterionContext) {
    const rate = await tracker.rate(String(ctx.validation.modelVersion));
    const threshold = ctx.threshold ?? 0.5;
    if (rate === undefined) return { status: 'insufficient', value: null, threshold, message: 'no predictions seen for this model' };
    return { status: rate <= threshold ? 'pass' : 'fail', value: rate, threshold, message: `turnover ${rate.toFixed(2)} vs max ${threshold}` };
  },
});

const acmePlugin = definePlugin({
  id: 'acme',
  options: z.object({ maxTurnover: z.number().min(0).max(1).default(0.5) }),
  migrations: [AcmeTurnover1800000000000],
  criterionIds: ['acme.max_turnover'],
  deps: { dataSource: dataSourceToken },
  init({ dataSource }) {
    const tracker = new TurnoverTracker(dataSource);
    return { provides: [[turnoverToken, tracker]], criteria: [maxTurnover(tracker)], hooks: { observe: (records, ctx) => observe(tracker, records, ctx) } };
  },
});

async function observe(tracker: TurnoverTracker, records: readonly PredictionRecord[], { manager, afterCommit }: HookContext): Promise<void> {
      const last = new Map(tracker.last);
      const counts = new Map<string, { flips: number; total: number }>();
      for (const r of records) {
        const prev = last.get(r.symbol);
        const c = counts.get(r.modelVersion) ?? { flips: 0, total: 0 };
        if (prev !== undefined) {
          c.total++;
          if (prev !== r.predictedLabel) c.flips++;
        }
        counts.set(r.modelVersion, c);
        last.set(r.symbol, r.predictedLabel);
      }
      const pg = manager.connection.options.type === 'postgres';
      for (const [mv, c] of counts) {
        await manager.query(
          pg
            ? 'INSERT INTO acme_turnover (model_version, flips, total) VALUES ($1, $2, $3) ON CONFLICT (model_version) DO UPDATE SET flips = acme_turnover.flips + $2, total = acme_turnover.total + $3'
            : 'INSERT INTO acme_turnover (model_version, flips, total) VALUES (?1, ?2, ?3) ON CONFLICT (model_version) DO UPDATE SET flips = flips + ?2, total = total + ?3',
          [mv, c.flips, c.total],
        );
      }
      afterCommit(() => {
        for (const [k, v] of last) tracker.last.set(k, v);
      });
}

describe.each(testDatabases())('a third-party plugin on %s', (database) => {
  it('loads from config, uses the shared data source and contributes a gate criterion', async () => {
    const host = await createTestHost({ database, plugins: [acmePlugin], config: { plugins: { acme: { options: { maxTurnover: 0.3 } } } } });
    try {
      const recs = makePredictions(400, { symbols: ['AAPL', 'MSFT'], modelVersion: 'm7' });
      await host.observe(recs);
      let flips = 0;
      for (const s of ['AAPL', 'MSFT']) {
        const calls = recs.filter((r) => r.symbol === s).map((r) => r.predictedLabel);
        for (let i = 1; i < calls.length; i++) if (calls[i] !== calls[i - 1]) flips++;
      }
      const tracker = host.container.resolve(turnoverToken);
      expect(tracker.ds).toBe(host.dataSource);
      expect(await tracker.rate('m7')).toBeCloseTo(flips / 398, 12);

      const criteria = host.container.resolveAll(gateCriterionToken);
      expect(criteria.map((c) => c.id)).toEqual(['acme.max_turnover']);
      const result = await criteria[0]!.evaluate({ modelPath: 'm7.pkl', validation: { modelVersion: 'm7' }, threshold: 0.3, container: host.container, now: new Date() });
      expect(result.status).toBe(flips / 398 <= 0.3 ? 'pass' : 'fail');
      expect(result.value).toBeCloseTo(flips / 398, 12);
    } finally {
      await host.dispose();
    }
  });

  it('is skipped entirely when disabled: no table, no token, no criterion, no hook', async () => {
    const host = await createTestHost({ database, plugins: [acmePlugin], config: { plugins: { acme: { enabled: false } } } });
    try {
      await host.observe(makePredictions(10));
      expect(host.container.isRegistered(turnoverToken, true)).toBe(false);
      expect(host.container.isRegistered(gateCriterionToken, true)).toBe(false);
      const tables: { name: string }[] = await host.dataSource.query(
        host.config.database.type === 'sqlite' ? "SELECT name FROM sqlite_master WHERE type = 'table'" : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()',
      );
      expect(tables.map((t) => t.name)).not.toContain('acme_turnover');
    } finally {
      await host.dispose();
    }
  });
});

describe.each(testDatabases())('a third-party criterion in the promotion gate on %s', (database) => {
  it('changes the decision: the same candidate is rejected or approved by the partner criterion alone', async () => {
    const root = mkdtempSync(join(tmpdir(), 'acme-gate-'));
    mkdirSync(join(root, 'models'), { recursive: true });
    writeFileSync(join(root, 'models', 'candidate.pkl'), 'weights');
    const decide = async (maxTurnover: number) => {
      const host = await createTestHost({
        database,
        plugins: [acmePlugin, gatePlugin],
        config: {
          plugins: {
            gate: {
              options: {
                root,
                modelsDir: 'models',
                required: ['gate.overall_accuracy', 'acme.max_turnover'],
                thresholds: { 'acme.max_turnover': maxTurnover },
                minSamples: 10,
              },
            },
          },
        },
      });
      try {
        await host.observe(makePredictions(200, { symbols: ['AAPL'], modelVersion: 'cand' }));
        return await host.container.resolve(gateToken).validateModel('models/candidate.pkl', { accuracy: 0.8, modelVersion: 'cand' });
      } finally {
        await host.dispose();
      }
    };
    try {
      const strict = await decide(0.1);
      expect(strict.approved).toBe(false);
      expect(strict.checksPassed).toEqual(['gate.overall_accuracy']);
      expect(strict.checksFailed).toEqual(['acme.max_turnover']);
      expect(strict.details['acme.max_turnover']?.message).toMatch(/^turnover 0\.\d\d vs max 0\.1$/);

      const lenient = await decide(0.9);
      expect(lenient.approved).toBe(true);
      expect([...lenient.checksPassed].sort()).toEqual(['acme.max_turnover', 'gate.overall_accuracy']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
