import { type AnyPlugin, type CommandContext, optionsOf } from '@vigil/core';
import type { Command } from 'commander';
import { withHost } from '../context.js';
import { exitCodeFor } from '../exitCode.js';
import { type CliIO, EXIT, num, pct, printJson, printTable, readInput } from '../io.js';
import {
  type Run,
  collect,
  formatOf,
  globalsOf,
  intArg,
  nonNegative,
  requirePlugin,
  usageError,
} from './cliSupport.js';

/**
 * `vigil <plugin-id> ...` for every installed plugin that declares `commands`: the plugin adds
 * its subcommands to its group; an action gets the plugin's service from a started host, or is
 * told how to enable the plugin (exit 2). The CLI names no plugin here; the context carries the
 * CLI's shared helpers (output, option parsers, exit codes) so no plugin copies them.
 */
export function contributedCommands(program: Command, io: CliIO, run: Run, plugins: readonly AnyPlugin[]): void {
  const g = globalsOf(program);
  for (const p of plugins) {
    if (!p.commands || program.commands.some((c) => c.name() === p.id)) continue;
    const group = program.command(p.id).description(p.commands.description);
    const ctx: CommandContext = {
      io,
      json: () => Boolean(g().json),
      exit: EXIT,
      exitCodeFor,
      run,
      usageError,
      args: { int: intArg, nonNegative, list: collect },
      formatOf,
      readInput: (file) => readInput(io, file),
      pct,
      num,
      printJson: (v) => printJson(io, v),
      printTable: (head, rows) =>
        printTable(
          io,
          [...head],
          rows.map((r) => r.map((c) => (typeof c === 'number' ? c : String(c ?? '-')))),
        ),
      withService: (token, fn) =>
        withHost(
          g(),
          async (host) => {
            requirePlugin(host, p.id);
            return fn(host.container.resolve(token), optionsOf(host.config, p));
          },
          plugins,
        ),
    };
    p.commands.register(group, ctx);
  }
}
