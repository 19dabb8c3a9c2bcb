// Ingests batches through a host with every first-party plugin, using the BUILT dists.
// Args: <database config JSON> <gate root> <writer> <first batch> <batch size> <last batch (exclusive) | -1 = until killed>
// Prints `ready`, then `obs <k>` once observe(batch k) has resolved and `res <k>` once resolve(batch k)
// has: an acknowledgement the parent may rely on. Batch k is resolved after batch k+1 is observed.
import { driftPlugin } from '@vigil/drift';
import { gatePlugin } from '@vigil/gate';
import { createHost } from '@vigil/host';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';
import { fullConfig, makeBatch, outcomesOf } from './workload.mjs';

const [dbJson, root, writer, first, size, last] = process.argv.slice(2);
const host = createHost({
  config: fullConfig(JSON.parse(dbJson), root),
  plugins: [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin],
});
await host.start();
const say = (line) => process.stdout.write(`${line}\n`);
say('ready');
const n = Number(size);
const end = Number(last) < 0 ? Number.POSITIVE_INFINITY : Number(last);
let k = Number(first);
// A batch observed before the previous run died may still lack its outcomes: resolve it again (a no-op if done).
if (k > 0) {
  await host.resolve(outcomesOf(makeBatch(writer, k - 1, n)));
  say(`res ${k - 1}`);
}
for (; k < end; k++) {
  const batch = makeBatch(writer, k, n);
  await host.observe(batch);
  say(`obs ${k}`);
  if (k > 0) {
    await host.resolve(outcomesOf(makeBatch(writer, k - 1, n)));
    say(`res ${k - 1}`);
  }
}
if (end > 0) {
  await host.resolve(outcomesOf(makeBatch(writer, end - 1, n)));
  say(`res ${end - 1}`);
}
await host.stop();
say('done');
