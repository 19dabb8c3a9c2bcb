import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import type { Run } from './cliSupport.js';
import { driftCommands } from './driftCommands.js';

/** `vigil drift ...`, until drift contributes its commands like the other plugins (see contributedCommands). */
export function pluginCommands(program: Command, io: CliIO, run: Run): void {
  driftCommands(program, io, run);
}
