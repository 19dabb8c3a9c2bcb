// The reliability tests at heavier settings than CI runs them (which prints the same figures):
// 200 kills of a writer, 60 of a promotion, 4x the concurrent-writer batches, 10x the fuzz cases.
// Set DATABASE_URL to include PostgreSQL. Usage: node scripts/heavy.mjs [test name filter]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = {
  ...process.env,
  VIGIL_CRASH_KILLS: process.env.VIGIL_CRASH_KILLS ?? '200',
  VIGIL_PROMOTION_KILLS: process.env.VIGIL_PROMOTION_KILLS ?? '60',
  VIGIL_WRITER_BATCHES: process.env.VIGIL_WRITER_BATCHES ?? '160',
  VIGIL_FUZZ_OBSERVE: process.env.VIGIL_FUZZ_OBSERVE ?? '10000',
  VIGIL_FUZZ_RESOLVE: process.env.VIGIL_FUZZ_RESOLVE ?? '8000',
  VIGIL_FUZZ_GATE: process.env.VIGIL_FUZZ_GATE ?? '4000',
};
const args = ['vitest', 'run', ...process.argv.slice(2)];
const r = spawnSync('npx', args, { cwd: pkg, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
