import { describe, expect, it } from 'vitest';
import type { HistoryRow } from './historyChain.js';
import { decisionFor, lastProductionRow } from './productionRecord.js';

let id = 0;
const row = (o: Partial<HistoryRow>): HistoryRow =>
  ({
    id: ++id,
    model_path: 'm',
    validation_timestamp: '',
    approved: 0,
    overall_accuracy: null,
    crash_accuracy: null,
    min_sector_accuracy: null,
    drift_score: null,
    replay_improvement: null,
    checks_passed: '[]',
    checks_failed: '[]',
    promoted_to_production: 0,
    notes: null,
    model_sha256: null,
    criteria_json: null,
    actor: null,
    action: 'validate',
    prev_hash: '',
    row_hash: '',
    ...o,
  }) as HistoryRow;

describe('lastProductionRow', () => {
  it('takes the newest promotion of the same kind, skipping refusals and the other kind', () => {
    const rows = [
      row({ action: 'promote', promoted_to_production: 1, model_sha256: 'a', criteria_json: '{"kind":"file"}' }),
      row({ action: 'promote', promoted_to_production: 1, model_sha256: 'd', criteria_json: '{"kind":"directory"}' }),
      row({ action: 'rollback', promoted_to_production: 1, model_sha256: 'b', criteria_json: '{"kind":"file"}' }),
      row({ action: 'promote', promoted_to_production: 0, model_sha256: 'c', criteria_json: '{"refused":{}}' }),
    ];
    expect(lastProductionRow(rows, 'file')?.model_sha256).toBe('b');
    expect(lastProductionRow(rows, 'directory')?.model_sha256).toBe('d');
    expect(lastProductionRow([], 'file')).toBeUndefined();
  });
});

describe('decisionFor', () => {
  it('finds the newest approved validation or override of the content, never a rejection', () => {
    const rows = [
      row({ model_sha256: 'x', approved: 1 }),
      row({ model_sha256: 'x', approved: 0 }),
      row({ model_sha256: 'y', approved: 0 }),
    ];
    expect(decisionFor(rows, 'x')?.id).toBe(rows[0]?.id);
    expect(decisionFor(rows, 'y')).toBeUndefined();
    expect(decisionFor([...rows, row({ action: 'override', model_sha256: 'y' })], 'y')?.action).toBe('override');
  });
});
