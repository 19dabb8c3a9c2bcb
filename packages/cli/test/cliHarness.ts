import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { normalSampler, seededRandom } from '@vigil/test-utils';
import { type TestDatabase, createTestDatabase } from '@vigil/host/testing';
import { runCli } from '../src/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Collects what a stream receives as it arrives, so a large output never stalls on back-pressure. */
function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** A scratch directory, a database (SQLite file or a PostgreSQL schema) and a config file for in-process CLI runs. */
export interface CliWorkspace {
  readonly dir: string;
  readonly db: string;
  readonly config: string;
  /** Runs `vigil <args> --config <file> --db <db>` in-process. */
  cli(args: readonly string[], stdin?: string): Promise<CliRun>;
  file(name: string, content: string): string;
  cleanup(): Promise<void>;
}

export async function cliWorkspace(database: TestDatabase, configYaml: (dir: string) => string): Promise<CliWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  const handle = await createTestDatabase(database);
  const db = handle.config.type === 'sqlite' ? handle.config.path : handle.config.url;
  const config = join(dir, 'vigil.yaml');
  writeFileSync(config, configYaml(dir));
  // only `vigil migrate` creates a database; every other command needs one (issue 16)
  const migrated = await runCli(['migrate', '--config', config, '--db', db, '--log-level', 'silent'], {
    stdin: Readable.from(['']),
    stdout: capture().stream,
    stderr: capture().stream,
  });
  if (migrated !== 0) throw new Error(`vigil migrate failed with exit code ${migrated}`);
  return {
    dir,
    db,
    config,
    async cli(args, stdin = '') {
      const stdout = capture();
      const stderr = capture();
      const code = await runCli([...args, '--config', config, '--db', db, '--log-level', 'silent'], {
        stdin: Readable.from([stdin]),
        stdout: stdout.stream,
        stderr: stderr.stream,
      });
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    },
    file(name, content) {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    async cleanup() {
      await handle.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A seeded uniform generator and a standard normal sampler from it. */
export function rng(seed: number): { uniform: () => number; normal: () => number } {
  const uniform = seededRandom(seed);
  return { uniform, normal: normalSampler(uniform) };
}
