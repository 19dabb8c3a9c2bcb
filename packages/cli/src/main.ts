import { type AnyPlugin, isVigilError } from '@vigil/core';
import { Command, CommanderError } from 'commander';
import { contributedCommands } from './commands/contributedCommands.js';
import { demoCommand } from './commands/demoCommand.js';
import { firstPartyPlugins } from './context.js';
import { hostCommands } from './commands/hostCommands.js';
import { reportCommand } from './commands/reportCommand.js';
import { exitCodeFor } from './exitCode.js';
import { type CliIO, EXIT } from './io.js';

export { exitCodeFor };

/**
 * Runs the `vigil` command line and returns its exit code: 0 ok, 1 rejected or drift found,
 * 2 usage or input error, 3 an internal failure (a bug, a failed write), 75 busy: try again
 * (`EXIT`, `exitCodeFor`). Nothing here calls process.exit, so tests run it in-process.
 */
export interface CliOptions {
  /** The plugins `vigil` installs (default: the four first-party ones); config enables or disables each. */
  readonly plugins?: readonly AnyPlugin[];
}

/**
 * The `vigil` program with every command registered (host, demo, report and each installed
 * plugin's group), without parsing anything: `runCli` parses with it, and tests walk its
 * command tree (e.g. to check every command has an HTTP equivalent).
 */
export function vigilProgram(
  io: CliIO,
  options: CliOptions = {},
  onExitCode: (code: number) => void = () => undefined,
): Command {
  const program = new Command('vigil')
    .description('Vigil: keeps ML trading models honest in production')
    .option('-c, --config <file>', 'config file (YAML or JSON); default ./vigil.yaml if present')
    .option(
      '--db <path|url>',
      'database: an SQLite file path or a postgres:// URL (overrides config); `vigil migrate` creates it',
    )
    .option('--json', 'machine-readable output', false)
    .option('--log-level <level>', 'debug | info | warn | error | silent')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 rejected or drift found, 2 usage or input error, 3 internal failure, 75 busy (try again).',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const run = async (fn: () => Promise<number>): Promise<void> => {
    try {
      onExitCode(await fn());
    } catch (e) {
      const code = exitCodeFor(e);
      onExitCode(code);
      io.stderr.write(`vigil: ${(e as Error).message}\n`);
      if (code === EXIT.busy) io.stderr.write('vigil: busy; try again shortly (exit 75)\n');
      if (code === EXIT.internal && !isVigilError(e) && process.env.VIGIL_DEBUG)
        io.stderr.write(`${(e as Error).stack}\n`);
    }
  };
  hostCommands(program, io, run);
  demoCommand(program, io, run);
  reportCommand(program, io, run, options.plugins ?? firstPartyPlugins);
  contributedCommands(program, io, run, options.plugins ?? firstPartyPlugins);
  return program;
}

export async function runCli(argv: readonly string[], io: CliIO = process, options: CliOptions = {}): Promise<number> {
  let code: number = EXIT.ok;
  const program = vigilProgram(io, options, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw e;
  }
  return code;
}
