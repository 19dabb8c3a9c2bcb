import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driftPlugin } from '@vigil/drift';
import { gatePlugin, gateToken } from '@vigil/gate';
import { createTestHost, testDatabases } from '@vigil/host/testing';
import { replayPlugin } from '@vigil/replay';
import { sectorsPlugin } from '@vigil/sectors';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../src/index.js';
import { GOOD_VALIDATION, TOKEN } from './helpers.js';

const ALL = [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin];
/** Each plugin's paths, and the criteria it provides (what the gate no longer has when it is off). */
const SURFACE: Record<string, { paths: string[]; criteria: string[] }> = {
  drift: { paths: ['/api/drift', '/api/drift?type=cusum'], criteria: ['drift.drift_score'] },
  replay: { paths: ['/api/replay?top=5'], criteria: ['replay.replay_improvement'] },
  sectors: {
    paths: ['/api/sectors', '/api/sectors/Energy/symbols'],
    criteria: ['sectors.crash_accuracy', 'sectors.min_sector_accuracy'],
  },
  gate: { paths: ['/api/gate/latest', '/api/gate/history'], criteria: ['gate.overall_accuracy'] },
};

describe.each(testDatabases())('each plugin disabled in turn, on %s', (database) => {
  it.each(Object.keys(SURFACE))(
    '%s disabled: the host starts, its routes say so, it has no view and no OpenAPI paths, the gate report names its criteria',
    async (off) => {
      const root = mkdtempSync(join(tmpdir(), 'vigil-disabled-'));
      mkdirSync(join(root, 'models'));
      writeFileSync(join(root, 'models', 'm.pkl'), 'weights');
      const host = await createTestHost({
        database,
        plugins: ALL,
        config: { plugins: { gate: { options: { root, modelsDir: 'models' } }, [off]: { enabled: false } } },
      });
      const app = await buildServer({ host, token: TOKEN, dashboard: false });
      try {
        expect(host.state).toBe('started');
        for (const url of SURFACE[off]!.paths) {
          const r = await app.inject({ method: 'GET', url });
          expect(r.statusCode, url).toBe(404);
          expect(r.json().error).toEqual({
            code: 'VIGIL_PLUGIN_DISABLED',
            message: `plugin '${off}' is disabled in the config (plugins.${off}.enabled: false); enable it to use its routes (api/${off})`,
            issues: [],
          });
        }
        for (const [id, s] of Object.entries(SURFACE))
          if (id !== off)
            expect((await app.inject({ method: 'GET', url: s.paths[0]! })).statusCode, s.paths[0]).toBe(200);

        const views = (await app.inject({ method: 'GET', url: '/api/views' })).json() as {
          pluginId: string;
          route: string;
          script: string;
        }[];
        expect(views.map((v) => v.pluginId)).toEqual(['sectors', 'drift', 'replay', 'gate'].filter((id) => id !== off));
        const paths = Object.keys(
          (await app.inject({ method: 'GET', url: '/openapi.json' })).json().paths as Record<string, unknown>,
        );
        expect(paths.filter((p) => p.startsWith(`/api/${off}`))).toEqual([]);
        expect(paths).toContain('/api/health');

        if (off !== 'gate') {
          const report = await host.container.resolve(gateToken).validateModel('models/m.pkl', GOOD_VALIDATION);
          for (const id of SURFACE[off]!.criteria) {
            expect(report.details[id], id).toMatchObject({
              status: 'insufficient',
              required: false,
              details: { disabled: true, plugin: off },
            });
            expect(report.details[id]?.message).toBe(
              `criterion '${id}' was not evaluated: plugin '${off}', which provides it, is disabled; enable ${off} to run it`,
            );
          }
          // what is left still decides: every other spec criterion passes on these figures
          expect(report.approved).toBe(true);
        }
      } finally {
        await app.close();
        await host.dispose();
        rmSync(root, { recursive: true, force: true });
      }
    },
  );
});
