import { UNKNOWN_MODEL, type Issue, describeValue, throwIfIssues } from '@vigil/core';
import type { DataSource } from 'typeorm';
import {
  countHistory,
  historyById,
  latestHistory,
  latestProductionRow,
  readAllHistory,
  readHistory,
} from './PromotionHistory.js';
import { type ChainReport, GENESIS_HASH, KEYED_PREFIX, verifyChain } from './historyChain.js';
import { type GateReport, type HistoryEntry, reportFromRow, toHistoryEntry } from './report.js';

/** What is in production now (`GET /api/gate/production`). */
export interface ProductionNow {
  /** The row that put it there, and what it was. */
  readonly historyId: number;
  readonly action: HistoryEntry['action'];
  readonly modelPath: string;
  readonly modelSha256: string | null;
  /**
   * The `modelVersion` its predictions carry, as the promotion (override, rollback) named it;
   * null when the row named none (written before the version was recorded): unknown.
   */
  readonly modelVersion: string | null;
  /** Wall-clock time the row was recorded. */
  readonly recordedAt: string;
  /** Data time (as-of) of the evidence, when the caller gave one. */
  readonly asOf: string | null;
  readonly actor: string | null;
  /** The approved validation (or the override) of the same bytes; null for a model no decision covers. */
  readonly decision: {
    readonly historyId: number;
    readonly action: HistoryEntry['action'];
    readonly approved: boolean;
    readonly recordedAt: string;
    readonly asOf: string | null;
  } | null;
}

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

  /**
   * What is in production now: the newest row that put a model there (promote, override or
   * rollback), and the decision that allowed those bytes (the newest approved validation or
   * override of the same SHA-256); null before the first promotion.
   */
  async productionNow(): Promise<ProductionNow | null> {
    const m = this.#ds.manager;
    const row = await latestProductionRow(m);
    if (!row) return null;
    const e = toHistoryEntry(row);
    const decisionRow =
      row.action === 'override' || row.model_sha256 === null
        ? row
        : await latestHistory(m, ['validate', 'override'], row.model_sha256);
    const d = decisionRow ? toHistoryEntry(decisionRow) : null;
    const asOf = (x: HistoryEntry | null): string | null => {
      const v = (x?.criteria as { asOf?: unknown } | null)?.asOf;
      return typeof v === 'string' ? v : null;
    };
    return {
      historyId: e.id,
      action: e.action,
      modelPath: e.modelPath,
      modelSha256: e.modelSha256,
      modelVersion: e.modelVersion,
      recordedAt: e.validatedAt,
      asOf: asOf(e) ?? asOf(d),
      actor: e.actor,
      decision: d && {
        historyId: d.id,
        action: d.action,
        approved: d.approved,
        recordedAt: d.validatedAt,
        asOf: asOf(d),
      },
    };
  }

  /**
   * The newest validation or override, of one model when `model` is given (the modelVersion its
   * row names; 'unknown': rows that name none), with the validation an override acted on (its
   * checks are the ones shown): indexed reads, however long the history.
   */
  async latestDecision(model?: string): Promise<{ entry: HistoryEntry; lookup: Map<number, HistoryEntry> } | null> {
    const m = this.#ds.manager;
    const version = model === undefined ? undefined : model === UNKNOWN_MODEL ? null : model;
    const row = await latestHistory(m, ['validate', 'override'], undefined, version);
    if (!row) return null;
    const entry = toHistoryEntry(row);
    const lookup = new Map<number, HistoryEntry>();
    const c = (entry.criteria ?? {}) as { results?: unknown; overrides?: unknown; decisionId?: unknown };
    const acted = c.results ? undefined : (c.overrides ?? c.decisionId);
    if (typeof acted === 'number') {
      const r = await historyById(m, acted);
      if (r) lookup.set(acted, toHistoryEntry(r));
    }
    return { entry, lookup };
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
