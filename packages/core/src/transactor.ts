import type { EntityManager } from 'typeorm';

/** What a transactional unit of work gets. */
export interface TxContext {
  /** Runs every query inside the transaction. */
  readonly manager: EntityManager;
  /**
   * Defers an in-memory update (a heap, an aggregate) until the transaction has committed,
   * so state kept beside the tables never runs ahead of them when a later step rolls back.
   */
  afterCommit(fn: () => void): void;
}

/**
 * Serialises writes over the one data source and wraps each in a transaction
 * (SQLite: `BEGIN IMMEDIATE`, busy retries). Every plugin write goes through it.
 */
export interface Transactor {
  run<T>(work: (tx: TxContext) => Promise<T>): Promise<T>;
}
