#!/usr/bin/env node
// Sums vitest's "Tests  N failed | M passed | K skipped" lines from a turbo log into one
// plain closing line. A failed run with no counted failure (a build or typecheck error)
// still reports one failure, so the line never reads green when the run was red.
// Before that line it repeats each failed test's name and first lines of its error, and
// each failed turbo task, so a log read only from its tail still says what broke.
import { readFileSync } from 'node:fs';

const [file, status = '0'] = process.argv.slice(2);
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes.
const text = readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
const lines = text.split('\n');
for (const [i, line] of lines.entries()) {
  const m = line.match(/\bTests\s+(.*)\(\d+\)\s*$/);
  if (m) {
    const part = (word) => Number(m[1].match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
    passed += part('passed');
    failed += part('failed');
    skipped += part('skipped') + part('todo');
  }
  // Turbo prefixes each line with "<package>:<task>: "; vitest's failure block starts " FAIL  file > test".
  const body = line.replace(/^\S+:\S+: /, '');
  if (/^ FAIL {2}\S/.test(body)) {
    const prefix = line.slice(0, line.length - body.length);
    const block = [`${prefix.replace(/: $/, '')}${body}`];
    for (const next of lines.slice(i + 1, i + 40)) {
      const b = next.replace(/^\S+:\S+: /, '');
      if (/^ FAIL {2}\S/.test(b) || /^⎯{3}/.test(b) || block.length >= 12) break;
      if (b.trim() !== '') block.push(`    ${b.trimEnd()}`);
    }
    failures.push(block.join('\n'));
  }
}
const failedTasks = text.match(/^Failed:\s+.*$/m)?.[0];
const shown = [...new Set(failures)];
if (shown.length)
  console.log(
    `\nfailed tests:\n${shown.slice(0, 20).join('\n')}${shown.length > 20 ? `\n... and ${shown.length - 20} more` : ''}`,
  );
if (failedTasks) console.log(failedTasks);
if (status !== '0' && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
