import { type Logger, type Transactor, type TxContext, dialectOf } from '@vigil/core';
import type { DataSource } from 'typeorm';

const BUSY = /SQLITE_BUSY|SQLITE_LOCKED|database is locked/;

/**
 * SQLite ends a transaction by itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM:
 * https://www.sqlite.org/lang_transaction.html, "Response To Errors Within A Transaction"), so
 * the rollback after them finds none; that is the expected outcome, not a second failure.
 */
const NO_TRANSACTION = /no transaction is active/;

const isBusy = (e: unknown): boolean =>
  (e as { code?: string })?.code === 'SQLITE_BUSY' || BUSY.test(String((e as Error)?.message ?? ''));

export interface TransactorOptions {
  /** Whole-transaction retries when another process holds SQLite's write lock. */
  readonly busyRetries?: number;
  readonly busyBackoffMs?: number;
}

/**
 * Runs units of work one at a time, each in its own transaction. SQLite has one connection
 * per data source, so concurrent transactions on it would interleave; PostgreSQL gets the same
 * ordering, which keeps in-memory aggregates in commit order on both. `afterCommit` callbacks
 * run only once the commit has succeeded.
 */
export class SerialTransactor implements Transactor {
  #tail: Promise<unknown> = Promise.resolve();
  readonly #retries: number;
  readonly #backoff: number;

  constructor(
    private readonly ds: DataSource,
    private readonly logger: Logger,
    options: TransactorOptions = {},
  ) {
    this.#retries = options.busyRetries ?? 20;
    this.#backoff = options.busyBackoffMs ?? 25;
  }

  run<T>(work: (tx: TxContext) => Promise<T>): Promise<T> {
    const next = this.#tail.then(() => this.#withRetries(work));
    this.#tail = next.catch(() => undefined);
    return next;
  }

  async #withRetries<T>(work: (tx: TxContext) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once(work);
      } catch (e) {
        if (!isBusy(e) || attempt >= this.#retries || dialectOf(this.ds) !== 'sqlite') throw e;
        const wait = this.#backoff * 2 ** Math.min(attempt, 6) * (0.5 + Math.random());
        this.logger.debug('database busy; retrying transaction', { attempt: attempt + 1, waitMs: Math.round(wait) });
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  async #once<T>(work: (tx: TxContext) => Promise<T>): Promise<T> {
    const qr = this.ds.createQueryRunner();
    const after: (() => void)[] = [];
    try {
      await qr.startTransaction();
      let result: T;
      try {
        result = await work({ manager: qr.manager, afterCommit: (fn) => void after.push(fn) });
        await qr.commitTransaction();
      } catch (e) {
        if (qr.isTransactionActive) {
          await qr.rollbackTransaction().catch((re: unknown) => {
            if (NO_TRANSACTION.test(String((re as Error)?.message ?? re))) {
              // TypeORM's SQLite query runner is shared and still counts the transaction as open: reset it, or the next
              // transaction would become a savepoint inside a transaction that no longer exists
              Object.assign(qr, { isTransactionActive: false, transactionDepth: 0 });
              this.logger.debug('SQLite had already rolled the transaction back', { error: String(e) });
            } else this.logger.error('rollback failed', { error: String(re), after: String(e) });
          });
        }
        throw e;
      }
      for (const fn of after) {
        try {
          fn();
        } catch (e) {
          // The data is committed; an in-memory view failing to follow is a bug to log, not to report as a failed write.
          this.logger.error('afterCommit callback failed', { error: String(e) });
        }
      }
      return result;
    } finally {
      await qr.release();
    }
  }
}
