import { mkdir } from 'node:fs/promises';
import { VigilError } from '@vigil/core';
import lockfile from 'proper-lockfile';

/**
 * Runs `fn` holding the promotion lock: a `proper-lockfile` lock directory, so it holds across
 * processes. No waiting: a second caller gets `VIGIL_CONFLICT` at once. `fn` gets a probe that
 * turns true if the lock was lost (taken over as stale, or removed) so it can stop before the
 * irreversible step.
 */
export async function withPromotionLock<T>(
  dir: string,
  lockPath: string,
  staleMs: number,
  fn: (lost: () => boolean) => Promise<T>,
): Promise<T> {
  await mkdir(dir, { recursive: true });
  let lost: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: lockPath,
      realpath: false,
      retries: 0,
      stale: staleMs,
      onCompromised: (e) => {
        lost = e;
      },
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new VigilError(
        'VIGIL_CONFLICT',
        `another promotion or rollback is in progress (lock ${lockPath} is held); try again when it finishes; nothing was changed`,
        { cause: e },
      );
    }
    throw e;
  }
  try {
    return await fn(() => lost !== undefined);
  } finally {
    await release().catch(() => undefined);
  }
}
