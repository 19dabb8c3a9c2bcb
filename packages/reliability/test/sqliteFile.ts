import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The raw driver, no ORM: what is on disk, read the way an operator's sqlite3 shell would.
const sqlite3 = require('sqlite3') as {
  Database: new (path: string, mode: number, cb: (e: Error | null) => void) => RawDb;
  OPEN_READONLY: number;
  OPEN_READWRITE: number;
};

interface RawDb {
  all(sql: string, params: unknown[], cb: (e: Error | null, rows: unknown[]) => void): void;
  close(cb: (e: Error | null) => void): void;
}

export interface SqliteFile {
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Opens an SQLite file with the plain driver (read-write, so a WAL left by a killed process is recovered). */
export function openSqlite(path: string): Promise<SqliteFile> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, sqlite3.OPEN_READWRITE, (e) => {
      if (e) return reject(e);
      resolve({
        all: <T>(sql: string, params: unknown[] = []) =>
          new Promise<T[]>((res, rej) => db.all(sql, params, (err, rows) => (err ? rej(err) : res(rows as T[])))),
        close: () => new Promise<void>((res, rej) => db.close((err) => (err ? rej(err) : res()))),
      });
    });
  });
}
