import { ConfigError, normalizeConfig } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { gatePlugin } from './plugin.js';

const problems = (raw: unknown): string[] => {
  try {
    normalizeConfig(raw, [gatePlugin]);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
};

// Issue 16 item 6: a threshold of 7 for a built-in criterion passed config validation (it was
// found only at the first validation), and zod skips a record's refinements once any entry has
// another problem, so the "every problem at once" list could drop threshold problems.
describe('gate options: every threshold problem at once', () => {
  it('refuses a built-in criterion threshold outside [0, 1] at config time', () => {
    expect(problems({ plugins: { gate: { options: { thresholds: { 'gate.overall_accuracy': 7 } } } } })).toEqual([
      'plugins.gate.options.thresholds.gate.overall_accuracy: must be a number in [0, 1] (the range of gate.overall_accuracy) (got 7)',
    ]);
  });

  it('lists every threshold problem together with the other config problems', () => {
    const p = problems({
      database: { type: 'mysql' },
      plugins: {
        gate: {
          options: {
            minSamples: 0,
            thresholds: { 'gate.overall_accuracy': 7, 'sectors.crash_accuracy': 'high', 'drift.drift_score': -1, 'Bad Id': 0.5, 'acme.turnover': Number.NaN, 'acme.custom': 40 },
          },
        },
      },
    });
    expect(p.map((x) => x.split(':')[0])).toEqual(
      expect.arrayContaining([
        'database.type',
        'plugins.gate.options.minSamples',
        'plugins.gate.options.thresholds.gate.overall_accuracy',
        'plugins.gate.options.thresholds.sectors.crash_accuracy',
        'plugins.gate.options.thresholds.drift.drift_score',
        'plugins.gate.options.thresholds.Bad Id',
        'plugins.gate.options.thresholds.acme.turnover',
      ]),
    );
    expect(p).toHaveLength(7);
  });

  it('accepts in-range built-in thresholds and any finite third-party one (its range is checked when criteria are known)', () => {
    expect(problems({ plugins: { gate: { options: { thresholds: { 'gate.overall_accuracy': 0.7, 'replay.replay_improvement': -0.05, 'acme.custom': 40 } } } } })).toEqual([]);
    expect(problems({ plugins: { gate: { options: { thresholds: { 'replay.replay_improvement': -2 } } } } })).toEqual(['plugins.gate.options.thresholds.replay.replay_improvement: must be a number in [-1, 1] (the range of replay.replay_improvement) (got -2)']);
  });
});
