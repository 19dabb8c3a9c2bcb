import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import type { Run } from './cliSupport.js';
import { driftCommands } from './driftCommands.js';
import { gateCommands } from './gateCommands.js';
import { replayCommands } from './replayCommands.js';
import { sectorsCommands } from './sectorsCommands.js';

/** The plugin subcommands: `drift`, `sectors`, `replay`, `gate`. */
export function pluginCommands(program: Command, io: CliIO, run: Run): void {
  driftCommands(program, io, run);
  sectorsCommands(program, io, run);
  replayCommands(program, io, run);
  gateCommands(program, io, run);
}
