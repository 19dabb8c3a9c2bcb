import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from './report.js';
import { checkView, reportViews } from './reportView.js';

const entry = (o: Partial<HistoryEntry>): HistoryEntry => ({
  id: 1,
  action: 'validate',
  modelPath: '/srv/v/models/m.json',
  modelSha256: 'ab',
  modelVersion: null,
  validatedAt: '2026-01-01T00:00:00.000Z',
  approved: false,
  promotedToProduction: false,
  overallAccuracy: null,
  crashAccuracy: null,
  minSectorAccuracy: null,
  driftScore: null,
  replayImprovement: null,
  checksPassed: [],
  checksFailed: [],
  actor: null,
  notes: null,
  criteria: null,
  ...o,
});

describe('checkView', () => {
  it('keeps an advisory mark on an insufficient check, and adds none otherwise', () => {
    expect(checkView({ id: 'sectors.crash_accuracy', status: 'insufficient', advisory: true })).toMatchObject({
      status: 'insufficient',
      advisory: true,
    });
    expect(checkView({ id: 'gate.overall_accuracy', status: 'fail' })).not.toHaveProperty('advisory');
  });
});

describe('reportViews', () => {
  const validation = entry({
    id: 3,
    criteria: {
      results: [
        {
          id: 'gate.overall_accuracy',
          status: 'fail',
          value: 0.6,
          threshold: 0.65,
          message: '60% <= 65%',
          required: true,
        },
      ],
    },
  });
  const override = entry({
    id: 4,
    action: 'override',
    promotedToProduction: true,
    actor: 'ops',
    notes: 'market open',
    criteria: { overrides: 3 },
  });
  const refusedPromote = entry({ id: 5, action: 'promote', promotedToProduction: false, criteria: { decisionId: 3 } });

  it('shows an override with the checks it overrode, never as approved', () => {
    const [v] = reportViews([override], new Map([[3, validation]]), (p) => p.replace('/srv/v/', ''));
    expect(v).toMatchObject({
      id: 4,
      action: 'override',
      approved: false,
      recommendation: 'REJECT',
      actor: 'ops',
      modelPath: 'models/m.json',
      promotedToProduction: true,
    });
    expect(v?.checks).toEqual([
      {
        id: 'gate.overall_accuracy',
        description: '',
        status: 'fail',
        required: true,
        value: 0.6,
        threshold: 0.65,
        message: '60% <= 65%',
      },
    ]);
  });

  it('recommends PROMOTE for a promote row only if it promoted', () => {
    const [r] = reportViews([refusedPromote], new Map([[3, validation]]));
    expect(r?.recommendation).toBe('REJECT');
    const [p] = reportViews([{ ...refusedPromote, promotedToProduction: true }], new Map([[3, validation]]));
    expect(p?.recommendation).toBe('PROMOTE');
  });
});
