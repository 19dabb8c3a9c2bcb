// A separate process that promotes one candidate through the BUILT gate, for the cross-process
// lock test. Args: <database config JSON> <root> <candidate> <barrier dir> <id> <hold ms>.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatePlugin, gatePromotionStepsToken, gateToken } from '@vigil/gate';
import { createHost } from '@vigil/host';

const [dbJson, root, candidate, barrier, id, holdMs] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const host = createHost({
  config: {
    database: JSON.parse(dbJson),
    log: { level: 'silent' },
    plugins: { gate: { options: { root, modelsDir: 'models', lockStaleMs: 2000 } } },
  },
  plugins: [gatePlugin],
});
await host.start();
// Hold the lock a while once the copy is staged, so the two processes surely overlap; or, with
// 'crash', die by SIGKILL between copy and rename (no cleanup, no lock release, no commit).
const steps =
  holdMs === 'crash'
    ? { beforeRename: () => process.kill(process.pid, 'SIGKILL') }
    : { staged: () => sleep(Number(holdMs)) };
host.container.register(gatePromotionStepsToken, { useValue: steps });
const gate = host.container.resolve(gateToken);
writeFileSync(join(barrier, `ready-${id}`), '');
while (readdirSync(barrier).filter((n) => n.startsWith('ready-')).length < (holdMs === 'crash' ? 1 : 2)) await sleep(5);
let out;
try {
  const r = await gate.promoteModel(candidate, { modelVersion: 'v1', actor: `child-${id}` });
  out = { ok: true, productionPath: r.productionPath, sha: r.modelSha256 };
} catch (e) {
  out = { ok: false, code: e.code, message: e.message };
}
await host.stop();
if (!existsSync(barrier)) process.exit(2);
process.stdout.write(`${JSON.stringify(out)}\n`);
