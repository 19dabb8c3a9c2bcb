import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, type HistoryRow, normalizeRow, rowHash, verifyChain } from './historyChain.js';

function chain(n: number, startId = 1): HistoryRow[] {
  const rows: HistoryRow[] = [];
  let prev = GENESIS_HASH;
  for (let i = 0; i < n; i++) {
    const base = {
      id: startId + i, model_path: `m${i}.pkl`, validation_timestamp: `2026-01-0${(i % 9) + 1}T00:00:00.000Z`, approved: i % 2,
      overall_accuracy: 0.6 + i / 100, crash_accuracy: null, min_sector_accuracy: 0.55, drift_score: 0.1, replay_improvement: -0.01,
      checks_passed: '["gate.overall_accuracy"]', checks_failed: '[]', promoted_to_production: 0, notes: null,
      model_sha256: 'ab'.repeat(32), criteria_json: '{}', actor: null, action: 'validate' as const, prev_hash: prev,
    };
    const row = { ...base, row_hash: rowHash(base) };
    rows.push(row);
    prev = row.row_hash;
  }
  return rows;
}

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', () => {
    const rows = chain(5);
    expect(verifyChain(rows)).toEqual({ ok: true, rows: 5, legacyRows: 0, firstBadId: null, reason: null, head: rows[4]!.row_hash });
  });

  it('names an altered row, whichever column changed', () => {
    for (const [k, v] of [['approved', 1], ['overall_accuracy', 0.99], ['notes', 'x'], ['checks_failed', '[]x'], ['action', 'override']] as const) {
      const rows = chain(5);
      const changed = { ...rows[2]!, [k]: k === 'approved' ? 1 - rows[2]!.approved : v };
      rows[2] = changed as HistoryRow;
      const r = verifyChain(rows);
      expect(r, k).toMatchObject({ ok: false, firstBadId: 3 });
      expect(r.reason).toContain('row 3 was altered');
    }
  });

  it('names the row after a removed one, and the missing id', () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadId: 3, reason: expect.stringContaining('row 2 is missing') });
  });

  it('catches a removed row even when ids are renumbered to hide the gap', () => {
    const rows = chain(4);
    rows.splice(1, 1);
    const renumbered = rows.map((r, i) => ({ ...r, id: i + 1 }));
    const report = verifyChain(renumbered);
    expect(report.ok).toBe(false);
    expect(report.firstBadId).toBe(2);
  });

  it('catches removal of the first row', () => {
    const rows = chain(3).slice(1);
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadId: 2, reason: expect.stringContaining('earlier rows were removed') });
  });

  it('skips legacy rows written before the chain began, but not unhashed rows after it', () => {
    const legacy = { ...chain(1)[0]!, id: 1, row_hash: null as unknown as string };
    const rows = [legacy, ...chain(2, 2)];
    expect(verifyChain(rows)).toMatchObject({ ok: true, rows: 2, legacyRows: 1 });
    const late = [...chain(2), { ...legacy, id: 3 }];
    expect(verifyChain(late)).toMatchObject({ ok: false, firstBadId: 3 });
  });

  it('normalizes driver output so a row read back hashes the same', () => {
    const [row] = chain(1);
    const asText = Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]));
    const back = normalizeRow(asText);
    expect(rowHash(back)).toBe(row!.row_hash);
  });
});
