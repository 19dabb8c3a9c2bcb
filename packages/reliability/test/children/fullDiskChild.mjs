// Observes 2,000-record batches into an SQLite file until the disk refuses a write (the test runs
// this under `ulimit -f`, a file-size cap that acts as a full disk), then prints one JSON line:
// how many batches committed, the error, and every error the host logged.
import { MemoryLogger } from '@vigil/core';
import { createHost } from '@vigil/host';
import { makePredictions } from '@vigil/test-utils';

const logger = new MemoryLogger();
const host = createHost({
  config: { database: { type: 'sqlite', path: process.argv[2] }, log: { level: 'debug' } },
  plugins: [],
  logger,
});
await host.start();
let committed = 0;
let error;
for (let i = 0; i < 1000 && !error; i++) {
  try {
    await host.observe(makePredictions(2000, { idPrefix: `b${i}-`, features: 8 }));
    committed++;
  } catch (e) {
    error = { code: e.code, message: String(e.message).slice(0, 300) };
  }
}
await host.stop().catch(() => undefined);
console.log(
  JSON.stringify({
    committed,
    error,
    errors: logger.lines.filter((l) => l.level === 'error').map((l) => `${l.msg} ${JSON.stringify(l.ctx)}`),
  }),
);
