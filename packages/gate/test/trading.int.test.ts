import { createTestHost, testDatabases, type TestHost } from '@vigil/host/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gatePlugin } from '../src/plugin.js';
import { gateToken } from '../src/tokens.js';

const TRADING = ['gate.high_conviction_hit_rate', 'gate.information_coefficient', 'gate.turnover'];

/** 300 predictions over 3 symbols: right 80% of the time, confident when right, positions held ~10 steps. */
const predictions = Array.from({ length: 300 }, (_, i) => {
  const t = Math.floor(i / 3);
  const predictedLabel = Math.floor(t / 10) % 2;
  const right = i % 5 !== 0;
  return {
    symbol: ['AAPL', 'XOM', 'JPM'][i % 3] as string,
    regime: 'normal',
    predictedLabel,
    actualLabel: right ? predictedLabel : 1 - predictedLabel,
    confidence: right ? 0.8 : 0.6,
  };
});

describe.each(testDatabases())('trading criteria through the gate on %s', (database) => {
  let host: TestHost | undefined;
  let root: string;
  afterEach(async () => {
    await host?.dispose();
    host = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  const start = async (gate: object) => {
    root = mkdtempSync(join(tmpdir(), 'vigil-trading-'));
    writeFileSync(join(root, 'm.json'), '{}');
    host = await createTestHost({
      database,
      plugins: [gatePlugin],
      config: { plugins: { gate: { options: { root, modelsDir: '.', ...gate } } } },
    });
    return host.container.resolve(gateToken);
  };

  it('are off by default: not run, not reported', async () => {
    const gate = await start({ required: ['gate.overall_accuracy'] });
    const report = await gate.validateModel('m.json', { predictions });
    expect(report.results.map((r) => r.id)).toEqual(['gate.overall_accuracy']);
    expect(report.approved).toBe(true);
  });

  it('when enabled they run and report with evidence and interval, and block only when required', async () => {
    const gate = await start({ required: ['gate.overall_accuracy'], trading: { enabled: true } });
    const report = await gate.validateModel('m.json', { predictions });
    expect(report.results.map((r) => r.id).sort()).toEqual(['gate.overall_accuracy', ...TRADING].sort());
    for (const id of TRADING) {
      expect(report.details[id]).toMatchObject({ status: 'pass', required: false });
      expect(report.details[id]?.details).toHaveProperty('interval');
    }
    expect(report.details['gate.turnover']?.value).toBeCloseTo(27 / 297, 12);
    expect(report.approved).toBe(true);
    // a high-churn copy: every position flips each step -> turnover fails; required, it blocks
    const churn = predictions.map((p, i) => ({
      ...p,
      predictedLabel: Math.floor(i / 3) % 2,
      actualLabel: Math.floor(i / 3) % 2,
    }));
    const optional = await gate.validateModel('m.json', { predictions: churn });
    expect(optional.details['gate.turnover']?.status).toBe('fail');
    expect(optional.approved).toBe(true);
    await host?.dispose();
    rmSync(root, { recursive: true, force: true });
    const strict = await start({ required: ['gate.overall_accuracy', 'gate.turnover'], trading: { enabled: true } });
    const blocked = await strict.validateModel('m.json', { predictions: churn });
    expect(blocked.approved).toBe(false);
    expect(blocked.reasons.join('\n')).toMatch(/gate\.turnover: fail: turnover 100\.0%/);
  });
});
