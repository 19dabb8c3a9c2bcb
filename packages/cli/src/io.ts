import { readFile } from 'node:fs/promises';
import Table from 'cli-table3';
import { usageError } from './commands/cliSupport.js';

/** Where a command writes: stdout for results, stderr for progress and diagnostics. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
}

/**
 * Exit codes (README, "The vigil command"): 0 ok, 1 rejected or drift found, 2 usage or input
 * error (bad options, a missing or unreadable file, --db naming no Vigil database, a database that
 * refuses the connection), 3 internal failure, 75 busy: try again (EX_TEMPFAIL from sysexits.h:
 * a promotion lock held, a model changed while it was being promoted, SQLite locked by another writer).
 */
export const EXIT = { ok: 0, rejected: 1, usage: 2, internal: 3, busy: 75 } as const;

export function printJson(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(io: CliIO, head: string[], rows: (string | number)[][]): void {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map(String));
  io.stdout.write(`${t.toString()}\n`);
}

export const pct = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || Number.isNaN(v) ? '-' : `${(v * 100).toFixed(digits)}%`;
export const num = (v: number | null | undefined, digits = 3): string =>
  v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits);

/** The text of a file, or of stdin for no file or `-`; a file that cannot be read is a usage error naming it. */
export async function readInput(io: CliIO, file: string | undefined): Promise<string> {
  if (file === undefined || file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of io.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw usageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}
