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

// Issue 16 item 6: zod stops refining a record once one entry fails, so the "every problem at
// once" list dropped threshold problems. (Ranges are each criterion's own: checkWiring reports
// every out-of-range threshold together when the host starts; see test/gate.int.test.ts.)
describe('gate options: every threshold problem at once', () => {
  it('lists every malformed threshold together with the other config problems', () => {
    const p = problems({
      database: { type: 'mysql' },
      plugins: {
        gate: {
          options: {
            minSamples: 0,
            thresholds: {
              'gate.overall_accuracy': 7,
              'sectors.crash_accuracy': 'high',
              'Bad Id': 0.5,
              'acme.turnover': Number.NaN,
              'acme.x': null,
            },
          },
        },
      },
    });
    expect(p.map((x) => x.split(':')[0]).sort()).toEqual(
      [
        'database.type',
        'plugins.gate.options.minSamples',
        'plugins.gate.options.thresholds.Bad Id',
        'plugins.gate.options.thresholds.acme.turnover',
        'plugins.gate.options.thresholds.acme.x',
        'plugins.gate.options.thresholds.sectors.crash_accuracy',
      ].sort(),
    );
  });

  it('accepts any finite threshold keyed by a criterion id', () => {
    expect(
      problems({
        plugins: {
          gate: {
            options: {
              thresholds: { 'gate.overall_accuracy': 0.7, 'replay.replay_improvement': -0.05, 'acme.custom': 40 },
            },
          },
        },
      }),
    ).toEqual([]);
  });
});
