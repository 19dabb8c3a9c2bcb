import type { AnyPlugin, CommandContext } from '@vigil/core';
import type { Command } from 'commander';
import { withHost } from '../context.js';
import { type CliIO, EXIT, printJson, printTable } from '../io.js';
import { type Run, globalsOf, requirePlugin, usageError } from './cliSupport.js';

/**
 * `vigil <plugin-id> ...` for every installed plugin that declares `commands`: the plugin adds
 * its subcommands to its group; an action gets the plugin's service from a started host, or is
 * told how to enable the plugin. The CLI names no plugin here.
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
      run,
      usageError,
      printJson: (v) => printJson(io, v),
      printTable: (head, rows) => printTable(io, [...head], rows.map((r) => r.map((c) => (typeof c === 'number' ? c : String(c ?? '-'))))),
      withService: (token, fn) =>
        withHost(
          g(),
          async (host) => {
            requirePlugin(host, p.id);
            return fn(host.container.resolve(token));
          },
          plugins,
        ),
    };
    p.commands.register(group, ctx);
  }
}
