import type { Command } from 'commander';
import type { CliIO } from '../io.js';

export function pluginCommands(_program: Command, _io: CliIO, _run: (fn: () => Promise<number>) => Promise<void>): void {}
