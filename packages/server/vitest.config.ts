import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { vigilTestConfig } from '../../vitest.shared.js';

// The dashboard end-to-end test seeds its database with the demo scenario. @vigil/demo is not a
// dependency of the server (it depends on the server through the CLI's side), so the test reaches
// its source directly; its own imports resolve from packages/demo as usual.
const demoSource = fileURLToPath(new URL('../demo/src/index.ts', import.meta.url));

export default defineConfig({
  ...vigilTestConfig,
  resolve: { ...vigilTestConfig.resolve, alias: { '@vigil/demo': demoSource } },
});
