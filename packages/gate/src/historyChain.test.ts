import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, type HistoryRow, KEYED_PREFIX, normalizeRow, rowHash, verifyChain } from './historyChain.js';

function chain(
  n: number,
  startId = 1,
  key?: Uint8Array,
  from: HistoryRow[] = [],
  version: (i: number) => string | null = () => null,
): HistoryRow[] {
  const rows: HistoryRow[] = [...from];
  let prev = from.at(-1)?.row_hash ?? GENESIS_HASH;
  for (let i = 0; i < n; i++) {
    const base = {
      id: startId + from.length + i,
      model_path: `m${i}.pkl`,
      validation_timestamp: `2026-01-0${(i % 9) + 1}T00:00:00.000Z`,
      approved: i % 2,
      overall_accuracy: 0.6 + i / 100,
      crash_accuracy: null,
      min_sector_accuracy: 0.55,
      drift_score: 0.1,
      replay_improvement: -0.01,
      checks_passed: '["gate.overall_accuracy"]',
      checks_failed: '[]',
      promoted_to_production: 0,
      notes: null,
      model_sha256: 'ab'.repeat(32),
      criteria_json: '{}',
      actor: null,
      action: 'validate' as const,
      model_version: version(i),
      prev_hash: prev,
    };
    const row = { ...base, row_hash: rowHash(base, key) };
    rows.push(row);
    prev = row.row_hash;
  }
  return rows;
}

describe('model_version in the chain', () => {
  it('leaves the hash of a row without one as it was before the column existed', () => {
    const [row] = chain(1);
    const { model_version: _none, row_hash: _h, ...before } = row!;
    // what rowHash computed for this row before model_version was a column
    expect(rowHash(before as Omit<HistoryRow, 'row_hash'>)).toBe(row!.row_hash);
  });

  it('covers a named version: removing, adding or changing one breaks the chain at that row', () => {
    const rows = chain(3, 1, undefined, [], (i) => (i === 1 ? 'm1' : null));
    expect(verifyChain(rows).ok).toBe(true);
    for (const v of [null, 'm2']) {
      const changed = [...rows];
      changed[1] = { ...rows[1]!, model_version: v };
      expect(verifyChain(changed)).toMatchObject({ ok: false, firstBadId: 2 });
    }
    const added = [...rows];
    added[0] = { ...rows[0]!, model_version: 'm0' };
    expect(verifyChain(added)).toMatchObject({ ok: false, firstBadId: 1 });
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', () => {
    const rows = chain(5);
    expect(verifyChain(rows)).toEqual({
      ok: true,
      rows: 5,
      legacyRows: 0,
      firstBadId: null,
      reason: null,
      head: rows[4]!.row_hash,
      keyedRows: 0,
    });
  });

  it('names an altered row, whichever column changed', () => {
    for (const [k, v] of [
      ['approved', 1],
      ['overall_accuracy', 0.99],
      ['notes', 'x'],
      ['checks_failed', '[]x'],
      ['action', 'override'],
    ] as const) {
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
    expect(verifyChain(rows)).toMatchObject({
      ok: false,
      firstBadId: 3,
      reason: expect.stringContaining('row 2 is missing'),
    });
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
    expect(verifyChain(rows)).toMatchObject({
      ok: false,
      firstBadId: 2,
      reason: expect.stringContaining('earlier rows were removed'),
    });
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

// Issue 16 item 11: anyone who can write the database could change a row and recompute an
// unkeyed chain. A key kept outside the database (HMAC) and a head kept by an auditor stop that.
describe('keyed chains and recorded heads', () => {
  const key = Buffer.from('k'.repeat(40));
  /** What a forger with database access but no key does: change row `at`, recompute every hash after it. */
  const forge = (rows: HistoryRow[], at: number, forgerKey?: Uint8Array): HistoryRow[] => {
    const out = rows.slice(0, at);
    let prev = out.at(-1)?.row_hash ?? GENESIS_HASH;
    for (const r of rows.slice(at)) {
      const base = { ...r, prev_hash: prev, approved: r.id === at + 1 ? 1 - r.approved : r.approved } as Omit<
        HistoryRow,
        'row_hash'
      > & { row_hash?: string };
      delete base.row_hash;
      const row = { ...base, row_hash: rowHash(base, forgerKey) } as HistoryRow;
      out.push(row);
      prev = row.row_hash;
    }
    return out;
  };

  it('an unkeyed chain can be forged undetected (the defect), a keyed one cannot', () => {
    expect(verifyChain(forge(chain(5), 2)).ok).toBe(true);
    const keyed = chain(5, 1, key);
    expect(keyed.every((r) => r.row_hash.startsWith(KEYED_PREFIX))).toBe(true);
    expect(verifyChain(keyed, { key })).toMatchObject({ ok: true, rows: 5, keyedRows: 5 });
    expect(verifyChain(forge(keyed, 2, Buffer.from('x'.repeat(40))), { key })).toMatchObject({
      ok: false,
      firstBadId: 3,
      reason: expect.stringContaining('another key'),
    });
    // recomputing without a key: every row is unkeyed again, so the head an auditor kept is gone
    const rewritten = forge(keyed, 0);
    expect(verifyChain(rewritten, { key })).toMatchObject({ ok: false, firstBadId: 1 });
    expect(verifyChain(rewritten, { head: keyed[4]!.row_hash })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('recorded head'),
    });
  });

  it('accepts unkeyed rows written before the key was set, and none after the first keyed row', () => {
    const mixed = chain(3, 1, key, chain(2));
    expect(verifyChain(mixed, { key, keyedFrom: 3 })).toMatchObject({ ok: true, rows: 5, keyedRows: 3 });
    // by default every row must be keyed: a chain rewritten whole without the key fails
    expect(verifyChain(mixed, { key })).toMatchObject({ ok: false, firstBadId: 1 });
    expect(verifyChain(forge(chain(5, 1, key), 0), { key })).toMatchObject({
      ok: false,
      firstBadId: 1,
      reason: expect.stringContaining('without the history key'),
    });
    const forged = forge(mixed, 3);
    expect(verifyChain(forged, { key, keyedFrom: 3 })).toMatchObject({
      ok: false,
      firstBadId: 4,
      reason: expect.stringContaining('without the history key'),
    });
  });

  it('without the key a keyed chain cannot be verified, and says how to set it', () => {
    expect(verifyChain(chain(2, 1, key))).toMatchObject({
      ok: false,
      firstBadId: 1,
      reason: expect.stringContaining('VIGIL_HISTORY_KEY'),
    });
  });

  it('a recorded head catches removal of the newest rows and rewriting of an unkeyed chain', () => {
    const rows = chain(5);
    expect(verifyChain(rows, { head: rows[2]!.row_hash }).ok).toBe(true);
    expect(verifyChain(rows.slice(0, 4), { head: rows[4]!.row_hash })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not in the chain'),
    });
    expect(verifyChain(forge(rows, 1), { head: rows[3]!.row_hash }).ok).toBe(false);
  });
});
