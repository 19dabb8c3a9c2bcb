import type { VigilHost } from '@vigil/host';
import { type Command, InvalidArgumentError } from 'commander';
import type { GlobalOptions } from '../context.js';

/** The `run` wrapper main.ts hands to command modules: it maps thrown errors to exit codes. */
export type Run = (fn: () => Promise<number>) => Promise<void>;

/** The root program's global options (`--config`, `--db`, `--json`, `--log-level`), read at action time. */
export const globalsOf = (program: Command) => (): GlobalOptions => program.opts<GlobalOptions>();

/** An error the `run` wrapper reports as a usage error (exit 2). */
export const usageError = (message: string): Error => Object.assign(new Error(message), { usage: true });

/** A commander argument parser for a bounded integer; a bad value is a usage error naming the option. */
export const intArg =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
    return n;
  };

/** A commander argument parser for a finite number >= 0. */
export const nonNegative = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`must be a finite number >= 0, got ${JSON.stringify(value)}`);
  return n;
};

/** A repeatable, comma-separable option (`--episodes a:x:y --episodes b:x:y` or `--episodes a:x:y,b:x:y`). */
export const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** Fails with a usage error when a command needs a plugin the config disabled. */
export function requirePlugin(host: VigilHost, id: string): void {
  if (!host.plugins.some((p) => p.id === id)) {
    throw usageError(
      `the ${id} plugin is disabled in the config (plugins.${id}.enabled: false); enable it to use 'vigil ${id}'`,
    );
  }
}

/** `jsonl` or `csv` from `--format`, else from the file's extension, else `jsonl`. */
export function formatOf(file: string | undefined, format: string | undefined): 'jsonl' | 'csv' {
  if (format !== undefined && format !== 'jsonl' && format !== 'csv')
    throw usageError(`--format must be jsonl or csv, got ${JSON.stringify(format)}`);
  return (format as 'jsonl' | 'csv' | undefined) ?? (file?.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl');
}
