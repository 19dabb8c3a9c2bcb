#!/usr/bin/env node
// Sums vitest's "Tests  N failed | M passed | K skipped" lines from a turbo log into one
// plain closing line. A failed run with no counted failure (a build or typecheck error)
// still reports one failure, so the line never reads green when the run was red.
import { readFileSync } from 'node:fs';

const [file, status = '0'] = process.argv.slice(2);
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes.
const text = readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of text.split('\n')) {
  const m = line.match(/\bTests\s+(.*)\(\d+\)\s*$/);
  if (!m) continue;
  const part = (word) => Number(m[1].match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  passed += part('passed');
  failed += part('failed');
  skipped += part('skipped') + part('todo');
}
if (status !== '0' && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
