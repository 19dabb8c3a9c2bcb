import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from './canonicalJson.js';

export type HistoryAction = 'validate' | 'promote' | 'override' | 'rollback';

/** One `model_promotion_history` row: the spec's columns, then the gate's audit columns. */
export interface HistoryRow {
  readonly id: number;
  readonly model_path: string;
  readonly validation_timestamp: string;
  readonly approved: number;
  readonly overall_accuracy: number | null;
  readonly crash_accuracy: number | null;
  readonly min_sector_accuracy: number | null;
  readonly drift_score: number | null;
  readonly replay_improvement: number | null;
  readonly checks_passed: string;
  readonly checks_failed: string;
  readonly promoted_to_production: number;
  readonly notes: string | null;
  readonly model_sha256: string | null;
  readonly criteria_json: string | null;
  readonly actor: string | null;
  readonly action: HistoryAction;
  /**
   * The `modelVersion` the model's predictions carry (promote, override, rollback; a validation
   * when named); null on rows written before it was recorded, or when nobody named it.
   */
  readonly model_version: string | null;
  readonly prev_hash: string;
  readonly row_hash: string;
}

/** The chain's anchor: the first hashed row links to this. */
export const GENESIS_HASH = '0'.repeat(64);

const NUMERIC = [
  'id',
  'approved',
  'overall_accuracy',
  'crash_accuracy',
  'min_sector_accuracy',
  'drift_score',
  'replay_improvement',
  'promoted_to_production',
] as const;
const TEXT = [
  'model_path',
  'validation_timestamp',
  'checks_passed',
  'checks_failed',
  'notes',
  'model_sha256',
  'criteria_json',
  'actor',
  'action',
  'prev_hash',
] as const;

/**
 * A row as the database hands it back, with drivers' differences removed (PostgreSQL gives
 * numbers, SQLite may give strings for some affinities): numbers as numbers, text as text.
 */
export function normalizeRow(raw: Record<string, unknown>): HistoryRow {
  const out: Record<string, unknown> = {};
  for (const k of NUMERIC) out[k] = raw[k] === null || raw[k] === undefined ? null : Number(raw[k]);
  for (const k of TEXT) out[k] = raw[k] === null || raw[k] === undefined ? null : String(raw[k]);
  out.model_version = raw.model_version === null || raw.model_version === undefined ? null : String(raw.model_version);
  out.row_hash = raw.row_hash === null || raw.row_hash === undefined ? null : String(raw.row_hash);
  return out as unknown as HistoryRow;
}

/** How a keyed row's hash starts: `hmac-sha256:` and 64 hex digits. An unkeyed row's hash is the bare 64 digits. */
export const KEYED_PREFIX = 'hmac-sha256:';

/**
 * The hash over the previous row's hash and the canonical JSON of every column but row_hash
 * (model_version only when set):
 * SHA-256 without a key; with one, HMAC-SHA256 under the key (kept outside the database), marked
 * `hmac-sha256:`. Anyone who can write the database can recompute an unkeyed chain after changing
 * a row; only a holder of the key can recompute a keyed one.
 */
export function rowHash(row: Omit<HistoryRow, 'row_hash'>, key?: Uint8Array): string {
  const content: Record<string, unknown> = {};
  for (const k of [...NUMERIC, ...TEXT]) content[k] = row[k] ?? null;
  // hashed only when set: rows written before the column existed keep their hashes
  if (row.model_version !== null && row.model_version !== undefined) content.model_version = row.model_version;
  if (key)
    return `${KEYED_PREFIX}${createHmac('sha256', key).update(row.prev_hash).update('\n').update(canonicalJson(content)).digest('hex')}`;
  return createHash('sha256').update(row.prev_hash).update('\n').update(canonicalJson(content)).digest('hex');
}

export interface ChainReport {
  readonly ok: boolean;
  /** Rows checked (hashed rows; legacy rows written before the gate are counted apart). */
  readonly rows: number;
  /** Rows from before the chain began (no row_hash), e.g. from the original Python gate. */
  readonly legacyRows: number;
  /** The first row that was altered, or the row right after a removed one. */
  readonly firstBadId: number | null;
  readonly reason: string | null;
  /** The last row's hash: record it elsewhere to detect removal of the newest rows too. */
  readonly head: string;
  /** Rows hashed with the history key (HMAC); the rest of `rows` are unkeyed (SHA-256). */
  readonly keyedRows: number;
}

export interface VerifyOptions {
  /** The history key: keyed rows are checked with it; without it they cannot be checked and the chain is not ok. */
  readonly key?: Uint8Array | undefined;
  /**
   * With a key: the first row id that must be keyed (default 1, every row). Rows before it may be
   * unkeyed (a history that predates the key). Kept with the key, outside the database, so a
   * forger cannot pass off a rewritten chain as one that was never keyed.
   */
  readonly keyedFrom?: number | undefined;
  /** A head recorded earlier (a log line, `vigil gate head`): it must still be in the chain, or rows were rewritten or removed. */
  readonly head?: string | undefined;
}

/**
 * Walks rows in id order. Ids are assigned consecutively by the gate, so a missing id is a
 * removed row; a recomputed hash that differs is an altered row; a prev_hash that does not
 * name the row before is a removed or re-ordered row. With a key, every row from `keyedFrom` on
 * must be keyed, and no unkeyed row may follow a keyed one: an unkeyed row there was written or
 * rewritten by someone without the key. With a recorded `head`, that hash must still be in the chain.
 */
export function verifyChain(rows: readonly HistoryRow[], options: VerifyOptions = {}): ChainReport {
  let prev = GENESIS_HASH;
  let prevId: number | null = null;
  let checked = 0;
  let legacy = 0;
  let keyed = 0;
  let headSeen = options.head === undefined;
  const bad = (row: HistoryRow, reason: string): ChainReport => ({
    ok: false,
    rows: checked,
    legacyRows: legacy,
    firstBadId: row.id,
    reason,
    head: prev,
    keyedRows: keyed,
  });
  for (const row of rows) {
    if (row.row_hash === null || row.row_hash === undefined) {
      if (prevId === null) {
        legacy++;
        continue;
      }
      return bad(
        row,
        `row ${row.id} has no row_hash after the chain began: it was written or altered outside the gate`,
      );
    }
    if (prevId !== null && row.id !== prevId + 1) {
      const gap =
        row.id - prevId - 1 === 1 ? `row ${prevId + 1} is missing` : `rows ${prevId + 1}..${row.id - 1} are missing`;
      return bad(row, `${gap} (removed); row ${row.id} follows row ${prevId}`);
    }
    if (row.prev_hash !== prev) {
      return bad(
        row,
        prevId === null
          ? `row ${row.id} is the first hashed row but does not link to the chain's start: earlier rows were removed`
          : `row ${row.id} does not link to row ${prevId} (prev_hash differs): a row between them was removed or row ${prevId} was replaced`,
      );
    }
    const isKeyed = row.row_hash.startsWith(KEYED_PREFIX);
    if (isKeyed) {
      if (!options.key)
        return bad(
          row,
          `row ${row.id} is keyed (HMAC): set the history key (VIGIL_HISTORY_KEY or plugins.gate.options.historyKeyFile) to verify it`,
        );
      if (rowHash(row, options.key) !== row.row_hash)
        return bad(
          row,
          `row ${row.id} was altered, or hashed with another key: its content no longer matches its keyed row_hash`,
        );
      keyed++;
    } else {
      if (options.key && (keyed > 0 || row.id >= (options.keyedFrom ?? 1))) {
        return bad(
          row,
          `row ${row.id} is not keyed although ${keyed > 0 ? 'keyed rows come before it' : `every row from ${options.keyedFrom ?? 1} on must be (historyKeyedFrom)`}: it was written or rewritten without the history key`,
        );
      }
      if (rowHash(row) !== row.row_hash)
        return bad(row, `row ${row.id} was altered: its content no longer matches its row_hash`);
    }
    if (row.row_hash === options.head) headSeen = true;
    prev = row.row_hash;
    prevId = row.id;
    checked++;
  }
  if (!headSeen) {
    return {
      ok: false,
      rows: checked,
      legacyRows: legacy,
      firstBadId: null,
      reason: `the recorded head ${options.head} is not in the chain: rows were rewritten or the newest were removed`,
      head: prev,
      keyedRows: keyed,
    };
  }
  return { ok: true, rows: checked, legacyRows: legacy, firstBadId: null, reason: null, head: prev, keyedRows: keyed };
}
