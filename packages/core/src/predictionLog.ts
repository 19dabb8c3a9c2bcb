import type { EntityManager } from 'typeorm';
import type { PredictionRecord } from './records.js';

/** A logged prediction with its outcome, once known. */
export interface LoggedPrediction extends PredictionRecord {
  readonly observedAt: string;
  readonly actualLabel: number | null;
  readonly resolvedAt: string | null;
}

/**
 * A resolved prediction's outcome without its features (`PredictionLog.outcomes`): what a paired
 * comparison of two models over the same rows reads.
 */
export interface LoggedOutcome {
  readonly id: string;
  readonly symbol: string;
  readonly timestamp: string;
  readonly predictedLabel: number;
  readonly actualLabel: number;
}

/** One model version's predictions in a range (`PredictionLog.modelSummary`). */
export interface ModelSummary {
  readonly modelVersion: string;
  readonly logged: number;
  readonly resolved: number;
  readonly correct: number;
  readonly first: string | null;
  readonly last: string | null;
}

/**
 * The prediction log, owned by the host (its table is the host's). Plugins read it through this
 * service, never by table name. Pass a transaction's manager to read inside it.
 */
export interface PredictionLog {
  /** One prediction by id, with its outcome if any. */
  byId(id: string, manager?: EntityManager): Promise<LoggedPrediction | undefined>;
  /** The latest `limit` predictions by observation order, oldest first. */
  recent(limit: number, manager?: EntityManager): Promise<LoggedPrediction[]>;
  /**
   * Predictions whose `timestamp` lies in [from, to), oldest first, at most `limit`; optionally
   * only one regime, one model version, or only resolved ones (the gate's stress history).
   */
  range(
    q: { from?: string; to?: string; limit?: number; regime?: string; modelVersion?: string; resolved?: boolean },
    manager?: EntityManager,
  ): Promise<LoggedPrediction[]>;
  /**
   * One model version's resolved predictions whose `timestamp` lies in [from, to), oldest first:
   * id, symbol, timestamp and both labels only (never the features, which `range` parses), for
   * paired comparisons such as the gate's shadow comparison. Read through the log's
   * (model_version, timestamp) index.
   */
  outcomes(q: { modelVersion: string; from?: string; to?: string }, manager?: EntityManager): Promise<LoggedOutcome[]>;
  /**
   * Per model version, the predictions whose `timestamp` lies in [from, to): how many, how many
   * resolved and correct, and the first and last timestamp. Sorted by model version.
   */
  modelSummary(
    q: { from?: string; to?: string; modelVersion?: string },
    manager?: EntityManager,
  ): Promise<ModelSummary[]>;
  /**
   * Resolved predictions whose `timestamp` lies in [from, to) (optionally one model version),
   * counted per symbol, regime or UTC day: how many and how many correct. Aggregated in the
   * database, so a report over millions of rows holds one row per group.
   */
  outcomeCounts(
    q: { from?: string; to?: string; modelVersion?: string },
    by: 'symbol' | 'regime' | 'day',
    manager?: EntityManager,
  ): Promise<{ key: string; resolved: number; correct: number }[]>;
  /** How many predictions are logged, and how many resolved. */
  counts(manager?: EntityManager): Promise<{ logged: number; resolved: number }>;
}
