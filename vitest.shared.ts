import type { ViteUserConfig } from 'vitest/config';

// Tests run against each workspace package's TypeScript source (the "@vigil/source" export
// condition), so a change in core is seen by the host's tests without a rebuild.
const conditions = ['@vigil/source'];

export const vigilTestConfig: ViteUserConfig = {
  resolve: { conditions: [...conditions, 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: [...conditions, 'node', 'development|production'] } },
  test: {
    environment: 'node',
    setupFiles: [new URL('./vitest.setup.ts', import.meta.url).pathname],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Generous on purpose: a test's verdict must never depend on the machine's speed (issue 16), so the
    // limits only stop a hung test; no test sets a tighter one of its own.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
  },
};
