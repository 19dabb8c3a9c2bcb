// Promotes two validated candidates in turn through the BUILT gate until killed.
// Args: <database config JSON> <root> <candidate A> <candidate B> <kill point> <occurrence>
// Kill points: 'none' (the parent kills it at a random time), 'staged' and 'beforeRename' (the
// gate's promotion steps), 'afterLink' (backup hard link made), 'afterRename' (production
// replaced, history not yet committed). The child SIGKILLs itself at that point's Nth occurrence.
// Prints `ready`, then `promoted <sha256>` after each promotion returns.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { gatePlugin, gatePromotionStepsToken, gateToken } from '@vigil/gate';
import { createHost } from '@vigil/host';

const [dbJson, root, a, b, point, occurrence] = process.argv.slice(2);
let seen = 0;
const maybeDie = (at) => {
  if (at === point && ++seen === Number(occurrence)) process.kill(process.pid, 'SIGKILL');
};
// The gate imports rename/link from node:fs/promises; patch the builtin so its live ESM bindings follow.
const fsp = createRequire(import.meta.url)('node:fs/promises');
const { rename, link } = fsp;
fsp.rename = async (...args) => {
  await rename(...args);
  if (String(args[1]).endsWith('meta_learner_production.pkl')) maybeDie('afterRename');
};
fsp.link = async (...args) => {
  await link(...args);
  maybeDie('afterLink');
};
syncBuiltinESMExports();

const host = createHost({
  config: {
    database: JSON.parse(dbJson),
    log: { level: 'silent' },
    plugins: {
      gate: { options: { root, modelsDir: 'models', lockStaleMs: 2000, required: ['gate.overall_accuracy'] } },
    },
  },
  plugins: [gatePlugin],
});
await host.start();
host.container.register(gatePromotionStepsToken, {
  useValue: { staged: () => maybeDie('staged'), beforeRename: () => maybeDie('beforeRename') },
});
const gate = host.container.resolve(gateToken);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  try {
    const r = await gate.promoteModel(i % 2 ? b : a, { modelVersion: 'v1', actor: `child-${process.pid}` });
    process.stdout.write(`promoted ${r.modelSha256}\n`);
  } catch (e) {
    // A killed predecessor's lock stays until it goes stale (lockStaleMs).
    if (e.code !== 'VIGIL_CONFLICT') throw e;
    await new Promise((r) => setTimeout(r, 100));
  }
}
