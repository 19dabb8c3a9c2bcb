import { type Issue, describeValue, throwIfIssues } from '@vigil/core';
import type { DataSource } from 'typeorm';
import { countHistory, latestHistory, readAllHistory, readHistory } from './PromotionHistory.js';
import { type ChainReport, GENESIS_HASH, KEYED_PREFIX, verifyChain } from './historyChain.js';
import { type GateReport, type HistoryEntry, reportFromRow, toHistoryEntry } from './report.js';

/** Reads `model_promotion_history` for the API, the CLI, the dashboard and auditors; writes nothing. */
export class HistoryReader {
  readonly #ds: DataSource;
  /** The history's HMAC key, to verify keyed rows with. */
  readonly #key: Buffer | undefined;
  /** With a key, every row from this id on must be keyed (options.historyKeyedFrom). */
  readonly #keyedFrom: number | undefined;

  constructor(o: { dataSource: DataSource; key: Buffer | undefined; keyedFrom: number | undefined }) {
    this.#ds = o.dataSource;
    this.#key = o.key;
    this.#keyedFrom = o.keyedFrom;
  }

  /** History rows, newest first, with the total count for paging. */
  async getHistory(o: { limit?: number; offset?: number } = {}): Promise<{ total: number; entries: HistoryEntry[] }> {
    const limit = o.limit ?? 50;
    const offset = o.offset ?? 0;
    const issues: Issue[] = [];
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      issues.push({
        path: 'limit',
        message: `must be an integer in [1, 1000], got ${describeValue(limit)}`,
        value: limit,
      });
    if (!Number.isInteger(offset) || offset < 0)
      issues.push({
        path: 'offset',
        message: `must be a non-negative integer, got ${describeValue(offset)}`,
        value: offset,
      });
    throwIfIssues('history query', issues);
    const m = this.#ds.manager;
    const [total, rows] = await Promise.all([countHistory(m), readHistory(m, limit, offset)]);
    return { total, entries: rows.map(toHistoryEntry) };
  }

  /** The most recent validation report, for the dashboard; undefined before the first. */
  async getLatestReport(): Promise<GateReport | undefined> {
    const row = await latestHistory(this.#ds.manager, ['validate']);
    return row ? reportFromRow(row) : undefined;
  }

  /**
   * Checks the history's hash chain (with the history key when one is set); names the first row
   * altered or the row after one removed. `head`: a head recorded earlier must still be in it.
   */
  async verifyHistory(options: { head?: string } = {}): Promise<ChainReport> {
    return verifyChain(await readAllHistory(this.#ds.manager), {
      key: this.#key,
      keyedFrom: this.#keyedFrom,
      head: options.head,
    });
  }

  /** The newest row's id and hash (the chain's head), for an auditor to keep outside the database. */
  async historyHead(): Promise<{ id: number | null; head: string; keyed: boolean }> {
    const [last] = await readHistory(this.#ds.manager, 1, 0);
    return {
      id: last?.id ?? null,
      head: last?.row_hash ?? GENESIS_HASH,
      keyed: Boolean(last?.row_hash?.startsWith(KEYED_PREFIX)),
    };
  }
}
