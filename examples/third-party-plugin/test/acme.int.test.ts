/**
 * A third-party plugin as a partner would write it: nothing in Vigil knows about it in advance.
 * It owns a table, reads the host's data source through the container, watches observations,
 * and contributes a gate criterion through the criterion token in core.
 */
import { gateCriterionToken } from '@vigil/core';
import { gatePlugin, gateToken } from '@vigil/gate';
import { makePredictions } from '@vigil/test-utils';
import { createTestHost, testDatabases } from '@vigil/host/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acmePlugin, turnoverToken } from '../src/index.js';

describe.each(testDatabases())('a third-party plugin on %s', (database) => {
  it('loads from config, uses the shared data source and contributes a gate criterion', async () => {
    const host = await createTestHost({
      database,
      plugins: [acmePlugin],
      config: { plugins: { acme: { options: { maxTurnover: 0.3 } } } },
    });
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
      const result = await criteria[0]!.evaluate({
        modelPath: 'm7.pkl',
        validation: { modelVersion: 'm7' },
        threshold: 0.3,
        container: host.container,
        now: new Date(),
      });
      expect(result.status).toBe(flips / 398 <= 0.3 ? 'pass' : 'fail');
      expect(result.value).toBeCloseTo(flips / 398, 12);
    } finally {
      await host.dispose();
    }
  });

  it('is skipped entirely when disabled: no table, no token, no criterion, no hook', async () => {
    const host = await createTestHost({
      database,
      plugins: [acmePlugin],
      config: { plugins: { acme: { enabled: false } } },
    });
    try {
      await host.observe(makePredictions(10));
      expect(host.container.isRegistered(turnoverToken, true)).toBe(false);
      expect(host.container.isRegistered(gateCriterionToken, true)).toBe(false);
      const tables: { name: string }[] = await host.dataSource.query(
        host.config.database.type === 'sqlite'
          ? "SELECT name FROM sqlite_master WHERE type = 'table'"
          : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()',
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
                required: ['gate.overall_accuracy'],
                require: ['acme.max_turnover'],
                thresholds: { 'acme.max_turnover': maxTurnover },
                minSamples: 10,
              },
            },
          },
        },
      });
      try {
        await host.observe(makePredictions(200, { symbols: ['AAPL'], modelVersion: 'cand' }));
        return await host.container
          .resolve(gateToken)
          .validateModel('models/candidate.pkl', { accuracy: 0.8, modelVersion: 'cand' });
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
