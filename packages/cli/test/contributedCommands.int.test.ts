import { PassThrough, Readable } from 'node:stream';
import { testDatabases } from '@vigil/host/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/main.js';
import { cliWorkspace } from './cliHarness.js';

/** `vigil <args>` in-process with no config and no database, for what must work offline (help). */
async function offline(args: readonly string[]): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const code = await runCli(args, { stdin: Readable.from(['']), stdout, stderr: new PassThrough() });
  return { code, stdout: Buffer.concat(chunks).toString('utf8') };
}

// Issue 11: the first-party plugins contribute their `vigil <id>` groups through the plugin contract.
describe('first-party plugin commands come from the plugins', () => {
  it('lists each group and its subcommands from the plugin definitions, without a database', async () => {
    const root = await offline(['--help']);
    expect(root.code).toBe(0);
    for (const group of ['drift', 'sectors', 'replay', 'gate'])
      expect(root.stdout).toMatch(new RegExp(`^\\s+${group} `, 'm'));
    const replay = await offline(['replay', '--help']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/stats \[options\]/);
    expect(replay.stdout).toMatch(/export \[options\] \[file\]/);
    const gate = await offline(['gate', '--help']);
    expect(gate.stdout).toMatch(/validate \[options\] <modelPath>/);
  });
});

describe.each(testDatabases())('a disabled first-party plugin says how to enable it (%s)', (database) => {
  it('exits 2 naming the config key, for each of its commands', async () => {
    const w = await cliWorkspace(
      database,
      () => 'plugins:\n  replay: { enabled: false }\n  gate: { enabled: false }\n',
    );
    try {
      for (const [id, args] of [
        ['replay', ['replay', 'stats']],
        ['replay', ['replay', 'export', '-']],
        ['gate', ['gate', 'history']],
        ['gate', ['gate', 'head']],
      ] as const) {
        const r = await w.cli(args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(
          `the ${id} plugin is disabled in the config (plugins.${id}.enabled: false); enable it to use 'vigil ${id}'`,
        );
      }
      // the enabled ones still answer
      const sectors = await w.cli(['sectors', 'report', '--json']);
      expect(sectors.code).toBe(0);
      expect(JSON.parse(sectors.stdout).sectors).toHaveLength(11);
    } finally {
      await w.cleanup();
    }
  });
});
