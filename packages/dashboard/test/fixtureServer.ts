// A small fastify server that serves the dashboard, uPlot and fixture API documents per
// docs/api.md, mounted under a prefix (to prove the dashboard only uses relative URLs).
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { PluginView } from '@vigil/core';
import { driftView } from '@vigil/drift';
import { dayQuery, gateView, historyFilter } from '@vigil/gate';
import { replayView } from '@vigil/replay';
import { sectorsView } from '@vigil/sectors';
import { dashboardDir, uplotDir } from '../src/index.js';
import { driftDistributionDocument, driftSeriesDocument } from './fixtureDrift.js';
import { fixtureModels, rollingDocument } from './fixtureRolling.js';

/** The first-party plugins' views, as their packages declare them (scripts served from those packages). */
const VIEWS: Record<string, PluginView> = {
  sectors: sectorsView,
  drift: driftView,
  replay: replayView,
  gate: gateView,
};
import {
  type GateReport,
  DRIFT_THRESHOLDS,
  driftEvents,
  gateHistory,
  shadowComparison,
  replayDocument,
  replayRows,
  sectorsDocument,
  symbolsDocument,
} from './fixtureData.js';

export interface FixtureOptions {
  token: string;
  /** Mount point, e.g. '/vigil' (no trailing slash) or '' for the root. */
  prefix?: string;
  /** No data at all: nothing tracked, no drift checks, empty buffer, no gate report. */
  empty?: boolean;
  /** Serve the browser (HeadlessChrome user agent) a different Energy accuracy than other clients. */
  lieToBrowser?: boolean;
  /** Plugins to treat as disabled: no view, and their API paths answer 404 VIGIL_PLUGIN_DISABLED. */
  disabled?: readonly string[];
}

export interface Fixture {
  app: FastifyInstance;
  baseUrl: string;
  history: GateReport[];
  close(): Promise<void>;
}

/** The fixture's symbols and their GICS sectors (the replay buffer's symbols). */
const SYMBOL_SECTORS: Record<string, string> = {
  AAPL: 'Information Technology',
  NVDA: 'Information Technology',
  XOM: 'Energy',
  CVX: 'Energy',
  SLB: 'Energy',
  JPM: 'Financials',
  GS: 'Financials',
  TSLA: 'Consumer Discretionary',
  AMZN: 'Consumer Discretionary',
};

const apiError = (
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  issues?: { path: string; message: string }[],
) => reply.code(status).send({ error: { code, message, ...(issues ? { issues } : {}) } });

export async function startFixtureServer(opts: FixtureOptions): Promise<Fixture> {
  const prefix = opts.prefix ?? '/vigil';
  const history: GateReport[] = opts.empty ? [] : gateHistory();
  const drift = opts.empty ? [] : driftEvents();
  const app = Fastify({ logger: false });

  await app.register(
    async (scope) => {
      await scope.register(fastifyStatic, { root: dashboardDir, prefix: '/' });
      await scope.register(fastifyStatic, { root: uplotDir, prefix: '/vendor/uplot/', decorateReply: false });

      const disabled = new Set(opts.disabled ?? []);
      const enabled = Object.keys(VIEWS).filter((id) => !disabled.has(id));
      scope.get('/api/health', async () => ({ status: 'ok', plugins: enabled, database: 'sqlite', version: '0.1.0' }));
      scope.get('/api/views', async () =>
        enabled.map((id) => {
          const v = VIEWS[id] as PluginView;
          return {
            pluginId: id,
            title: v.title,
            label: v.label ?? v.title,
            route: v.route ?? id,
            script: `plugins/${id}/${v.script}`,
          };
        }),
      );
      for (const id of enabled)
        await scope.register(fastifyStatic, {
          root: (VIEWS[id] as PluginView).dir,
          prefix: `/plugins/${id}/`,
          decorateReply: false,
          index: false,
        });
      scope.addHook('onRequest', async (req, reply) => {
        const id = /\/api\/([a-z-]+)/.exec(req.url)?.[1];
        if (id && disabled.has(id))
          return apiError(
            reply,
            404,
            'VIGIL_PLUGIN_DISABLED',
            `plugin '${id}' is disabled in the config (plugins.${id}.enabled: false); enable it to use its routes (api/${id})`,
          );
      });

      scope.get('/api/sectors', async (req: FastifyRequest<{ Querystring: { symbols?: string } }>) => {
        const doc = sectorsDocument(opts.empty);
        if (opts.lieToBrowser && /HeadlessChrome/.test(req.headers['user-agent'] ?? '')) {
          const energy = doc.sectors.find((s) => s.sector === 'Energy');
          if (energy?.accuracy != null) energy.accuracy += 0.02;
        }
        if (req.query.symbols !== undefined)
          return {
            ...doc,
            symbols: Object.entries(SYMBOL_SECTORS).map(([symbol, sector]) => ({ symbol, sectors: [sector] })),
          };
        return doc;
      });
      scope.get('/api/sectors/models', async () => fixtureModels(opts.empty));
      scope.get(
        '/api/sectors/rolling',
        async (req: FastifyRequest<{ Querystring: Record<string, string | undefined> }>) =>
          rollingDocument(req.query, opts.empty),
      );
      scope.get('/api/sectors/:sector/symbols', async (req: FastifyRequest<{ Params: { sector: string } }>, reply) => {
        const doc = symbolsDocument(req.params.sector);
        if (!doc)
          return apiError(reply, 404, 'VIGIL_NOT_FOUND', `no GICS sector named ${JSON.stringify(req.params.sector)}`);
        return opts.empty ? { sector: doc.sector, symbols: [] } : doc;
      });

      scope.get('/api/drift', async (req: FastifyRequest<{ Querystring: { type?: string; limit?: string } }>) => {
        const limit = Number(req.query.limit ?? 500);
        const events = drift.filter((e) => !req.query.type || e.type === req.query.type);
        return { events: events.slice(Math.max(0, events.length - limit)), thresholds: DRIFT_THRESHOLDS };
      });

      scope.get(
        '/api/drift/series',
        async (req: FastifyRequest<{ Querystring: { model?: string; from?: string; to?: string } }>) =>
          driftSeriesDocument(req.query, opts.empty),
      );
      scope.get(
        '/api/drift/distribution',
        async (req: FastifyRequest<{ Querystring: { model?: string; feature?: string; step?: string } }>) =>
          opts.empty ? null : driftDistributionDocument(req.query),
      );

      scope.get('/api/replay', async (req: FastifyRequest<{ Querystring: { top?: string; model?: string } }>) =>
        replayDocument(Number(req.query.top ?? 20), opts.empty, req.query.model ?? 'm2'),
      );
      scope.get('/api/replay/models', async () =>
        opts.empty ? { models: [], latest: null } : { models: ['m1', 'm2'], latest: 'm2' },
      );
      scope.get(
        '/api/replay/export',
        async (req: FastifyRequest<{ Querystring: { model?: string; format?: string } }>, reply) => {
          const rows = opts.empty ? [] : replayRows(req.query.model ?? 'm2');
          if (req.query.format === 'csv') {
            reply.header('content-type', 'text/csv; charset=utf-8');
            return `${['id', 'modelVersion', 'bufferId', 'symbol'].join(',')}\n${rows.map((r) => [r.id, r.modelVersion, r.bufferId, r.symbol].join(',')).join('\n')}\n`;
          }
          return { model: req.query.model ?? 'm2', featureNames: ['f0', 'f1'], rows };
        },
      );

      // the gate's rule: the newest validation or override naming the model ('unknown': none; none or '*': any)
      scope.get(
        '/api/gate/latest',
        async (req: FastifyRequest<{ Querystring: { model?: string } }>) =>
          history.find(historyFilter(dayQuery(req.query.model ? { model: req.query.model } : {}))) ?? null,
      );
      scope.get(
        '/api/gate/history',
        async (
          req: FastifyRequest<{
            Querystring: { limit?: string; offset?: string; model?: string; from?: string; to?: string };
          }>,
        ) => {
          const { limit: l, offset: o, ...filters } = req.query;
          const limit = Number(l ?? 50);
          const offset = Number(o ?? 0);
          // the gate's own filter rule (model file's version name, data time in the days given)
          const rows = history.filter(historyFilter(dayQuery(filters)));
          return { rows: rows.slice(offset, offset + limit), total: rows.length };
        },
      );
      scope.get('/api/gate/production', async () => {
        const row = history.find((r) => r.promotedToProduction);
        return row
          ? {
              historyId: row.id,
              action: row.action,
              modelPath: row.modelPath,
              modelSha256: row.modelSha256,
              modelVersion: row.modelVersion,
              recordedAt: row.timestamp,
              asOf: null,
              actor: row.actor,
              decision: null,
            }
          : null;
      });
      // the live model: the production row's modelVersion (m1), not the newest observed model (m2)
      scope.get('/api/models/live', async () => {
        const row = history.find((r) => r.promotedToProduction);
        return disabled.has('gate')
          ? { asOf: new Date().toISOString(), source: 'none', live: null, shadows: [] }
          : {
              asOf: new Date().toISOString(),
              source: 'gate',
              live: row?.modelVersion ?? null,
              shadows: opts.empty ? [] : ['m7'],
            };
      });
      scope.get('/api/gate/shadows/compare', async () => (opts.empty ? null : shadowComparison()));
      scope.get('/api/gate/verify', async () => ({ ok: true, rows: history.length, firstBadId: null, reason: null }));
      scope.post('/api/gate/override', async (req: FastifyRequest<{ Body: Record<string, unknown> | null }>, reply) => {
        if (req.headers.authorization !== `Bearer ${opts.token}`)
          return apiError(reply, 401, 'VIGIL_UNAUTHORIZED', 'a valid bearer token is required for this endpoint');
        const body = req.body ?? {};
        const issues = ['modelPath', 'actor', 'reason']
          .filter((k) => typeof body[k] !== 'string' || (body[k] as string).trim() === '')
          .map((k) => ({ path: k, message: 'must be a non-empty string' }));
        if (issues.length)
          return apiError(
            reply,
            400,
            'VIGIL_INVALID_INPUT',
            `invalid override: ${issues.map((i) => i.path).join(', ')}`,
            issues,
          );
        const prev = history[0];
        const report: GateReport = {
          id: (prev?.id ?? 0) + 1,
          modelPath: body.modelPath as string,
          timestamp: new Date().toISOString(),
          action: 'override',
          approved: true,
          recommendation: 'PROMOTE',
          actor: body.actor as string,
          notes: body.reason as string,
          modelSha256: prev?.modelSha256 ?? '0'.repeat(64),
          modelVersion: typeof body.modelVersion === 'string' ? body.modelVersion : (prev?.modelVersion ?? null),
          checks: prev?.checks ?? [],
          promotedToProduction: false,
        };
        history.unshift(report);
        return report;
      });
    },
    { prefix },
  );

  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, baseUrl: `${address}${prefix}/`, history, close: () => app.close() };
}
