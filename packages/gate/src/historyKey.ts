import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { VigilError } from '@vigil/core';

/** The shortest history key accepted: 32 characters (256 bits of a random hex or base64 key). */
export const MIN_HISTORY_KEY_LENGTH = 32;

/**
 * The key for the history's HMAC chain, kept outside the database: the file named by
 * `historyKeyFile` (relative to the gate root), else VIGIL_HISTORY_KEY, else none (an unkeyed
 * chain, as before). Surrounding whitespace in the file is ignored. The key is never echoed.
 */
export function loadHistoryKey(
  o: { historyKeyFile?: string | undefined },
  root: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Buffer | undefined {
  let key: string | undefined;
  let source: string;
  if (o.historyKeyFile !== undefined) {
    source = `plugins.gate.options.historyKeyFile (${o.historyKeyFile})`;
    try {
      key = readFileSync(resolve(root, o.historyKeyFile), 'utf8').trim();
    } catch (cause) {
      throw new VigilError(
        'VIGIL_CONFIG_INVALID',
        `cannot read the history key file ${o.historyKeyFile}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`,
        { cause, issues: [{ path: 'plugins.gate.options.historyKeyFile', message: 'cannot be read' }] },
      );
    }
  } else {
    source = 'VIGIL_HISTORY_KEY';
    key = env.VIGIL_HISTORY_KEY || undefined;
  }
  if (key === undefined) return undefined;
  if (key.length < MIN_HISTORY_KEY_LENGTH) {
    throw new VigilError(
      'VIGIL_CONFIG_INVALID',
      `the history key from ${source} must be at least ${MIN_HISTORY_KEY_LENGTH} characters (got ${key.length}; the value is not shown)`,
      { issues: [{ path: source, message: `must be at least ${MIN_HISTORY_KEY_LENGTH} characters` }] },
    );
  }
  return Buffer.from(key, 'utf8');
}
