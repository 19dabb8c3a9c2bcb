import { type EntityManager, QueryFailedError } from 'typeorm';

/** The part of node-sqlite3's Statement this file uses. */
interface Sqlite3Statement {
  run(...paramsThenCallback: unknown[]): unknown;
  reset(cb: () => void): unknown;
  finalize(cb: () => void): unknown;
}

/** The part of node-sqlite3's Database this file uses. */
interface Sqlite3Database {
  prepare(sql: string, cb: (err: Error | null) => void): Sqlite3Statement;
  close(cb?: (err: Error | null) => void): unknown;
}

/** A cached statement: `users` runs may still use it, so an evicted one is finalized only once they are done. */
interface Entry {
  readonly statement: Promise<Sqlite3Statement>;
  /** Its bound parameters: what a compiled multi-row INSERT's size follows. */
  readonly params: number;
  users: number;
  evicted: boolean;
}

/**
 * Bound parameters of the statements kept per connection, least recently used dropped first. A
 * compiled multi-row INSERT takes about 90 bytes per parameter (1.6 MB for 2,000 rows of 9
 * columns, measured with SQLite 3.52), so this keeps about 10 MB: each table's full-size
 * statement and the batch remainders that recur.
 */
const MAX_PARAMS = 120_000;

/** Parameters passed as separate arguments at most (144 KB of stack for 18,000). */
const MAX_SPREAD = 20_000;

interface Cache {
  readonly entries: Map<string, Entry>;
  params: number;
}
const caches = new WeakMap<Sqlite3Database, Cache>();
/** Connections whose close has begun: no statement is prepared on them any more (their writes go through `manager.query`). */
const closing = new WeakSet<Sqlite3Database>();

const finalize = (e: Entry): Promise<void> =>
  e.statement.then(
    (st) => new Promise<void>((done) => void st.finalize(() => done())),
    () => undefined,
  );

/**
 * The node-sqlite3 connection behind `manager`, or undefined on any other driver (PostgreSQL,
 * better-sqlite3) or when TypeORM would refuse the query (released runner, closed source): the
 * caller then goes through `manager.query`, which raises TypeORM's own error.
 */
function sqlite3Connection(manager: EntityManager): Sqlite3Database | undefined {
  const ds = manager.connection;
  if (ds.options.type !== 'sqlite' || !ds.isInitialized || manager.queryRunner?.isReleased) return undefined;
  const db = (ds.driver as unknown as { databaseConnection?: Sqlite3Database }).databaseConnection;
  return typeof db?.prepare === 'function' && !closing.has(db) ? db : undefined;
}

/**
 * The connection's statement cache. The first use wraps the connection's `close` so every cached
 * statement is finalized (after any run still queued on it) before the connection closes:
 * SQLite refuses to close a connection with unfinalized statements, so `DataSource.destroy`
 * would fail otherwise. From then on the connection gets no new statement: a write still under way
 * goes on through `manager.query`, as it would without this cache.
 */
function cacheOf(db: Sqlite3Database): Cache {
  let cache = caches.get(db);
  if (cache) return cache;
  const own: Cache = { entries: new Map(), params: 0 };
  caches.set(db, own);
  const close = db.close;
  db.close = function closeAfterFinalizing(this: Sqlite3Database, cb?: (err: Error | null) => void) {
    closing.add(db);
    caches.delete(db);
    db.close = close;
    const entries = [...own.entries.values()];
    own.entries.clear();
    void Promise.all(entries.map(finalize)).then(() => close.call(db, cb));
    return db;
  };
  cache = own;
  return cache;
}

function evict(cache: Cache, sql: string, e: Entry): void {
  cache.entries.delete(sql);
  cache.params -= e.params;
  e.evicted = true;
  if (e.users === 0) void finalize(e);
}

function acquire(db: Sqlite3Database, sql: string, params: number): Entry {
  const cache = cacheOf(db);
  let e = cache.entries.get(sql);
  if (e) {
    // most recently used last: eviction takes the first
    cache.entries.delete(sql);
    cache.entries.set(sql, e);
  } else {
    const statement = new Promise<Sqlite3Statement>((ok, fail) => {
      const st = db.prepare(sql, (err) => (err ? fail(err) : ok(st)));
    });
    const entry: Entry = { statement, params, users: 0, evicted: false };
    // a statement that fails to prepare (no such table, ...) is not kept: the next call prepares afresh
    statement.catch(() => {
      if (cache.entries.get(sql) === entry) evict(cache, sql, entry);
    });
    cache.entries.set(sql, entry);
    cache.params += params;
    for (const [oldSql, old] of cache.entries) {
      if (cache.params <= MAX_PARAMS || old === entry) break;
      evict(cache, oldSql, old);
    }
    e = entry;
  }
  e.users++;
  return e;
}

function release(e: Entry): void {
  if (--e.users === 0 && e.evicted) void finalize(e);
}

/**
 * Runs a write statement on SQLite through a prepared statement kept for the connection, so
 * a statement run again (an insert of the same table and row count, batch after batch) is
 * compiled once: a 2,000-row INSERT costs SQLite ~0.4 us per row to compile, as much as a third of
 * executing it. Other drivers go through `manager.query`. The statement runs on the same
 * connection as TypeORM's queries, so inside a transaction it is part of it; errors come back as
 * TypeORM's `QueryFailedError`, carrying the driver's code (SQLITE_BUSY, SQLITE_CONSTRAINT...) as
 * `manager.query` would.
 */
export async function runCachedWrite(manager: EntityManager, sql: string, params: unknown[]): Promise<void> {
  const db = params.length <= MAX_PARAMS ? sqlite3Connection(manager) : undefined;
  if (!db) {
    await manager.query(sql, params);
    return;
  }
  const logger = manager.connection.logger;
  logger.logQuery(sql, params, manager.queryRunner);
  const entry = acquire(db, sql, params.length);
  try {
    const st = await entry.statement;
    await new Promise<void>((ok, fail) => {
      const done = (err: Error | null) => {
        if (!err) return ok();
        // leave no statement mid-step behind the error: the transaction's rollback (or the next run) starts clean
        st.reset(() => fail(err));
      };
      // node-sqlite3 reads parameters passed as arguments ~16 ns faster each than from one array; it takes
      // arguments as positional only when the first is no plain object, and a spread stays well within the stack
      if (params.length <= MAX_SPREAD && typeof params[0] !== 'object') st.run(...params, done);
      else st.run(params, done);
    });
  } catch (err) {
    logger.logQueryError(err as Error, sql, params, manager.queryRunner);
    throw new QueryFailedError(sql, params, err as Error);
  } finally {
    release(entry);
  }
}
