import {
  EVERY_MODEL,
  type PluginRoutes,
  type QueryString as Q,
  VigilError,
  dayRange,
  daySchema,
  intParam,
  textSchema as text,
  wordsSchema as words,
} from '@vigil/core';
// route schemas carry OpenAPI tags and summaries (types from @fastify/swagger, which the server registers)
import type {} from '@fastify/swagger';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { ModelPromotionGate } from './ModelPromotionGate.js';
import type { ShadowRecords, ShadowView, StartShadow } from './ShadowRecords.js';
import { pathBelow, withoutPathsInText } from './gateReports.js';
import { allHistory } from './allHistory.js';
import { dayQuery, historyFilter } from './historyFilter.js';
import { type ReportView, reportViews } from './reportView.js';
import {
  comparisonSchema,
  historySchema,
  productionSchema,
  promoteSchema,
  query,
  reportSchema,
  rollbackSchema,
  shadowSchema,
  shadowsSchema,
  verifySchema,
} from './gateRouteSchemas.js';

const str = text(2000);
const numbers = { type: 'object', additionalProperties: { type: 'number' }, maxProperties: 10_000 } as const;
const validationPrediction = {
  type: 'object',
  // the labels are checked by checkValidation, which names an old field name (`predicted`) and its new one
  required: ['symbol', 'regime', 'confidence'],
  properties: {
    symbol: text(100),
    regime: text(100),
    predictedLabel: { type: 'integer' },
    actualLabel: { type: 'integer' },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    features: numbers,
  },
} as const;
const predictions = { type: 'array', items: validationPrediction, maxItems: 1_000_000 } as const;
/**
 * ValidationResults' known fields, typed, so a malformed body is refused here, before the gate
 * (which logs every attempt it sees, refused ones included). Plugin-specific extra fields pass
 * through to the criteria; the gate checks ranges and labels itself.
 */
const validationResults = {
  type: 'object',
  properties: {
    accuracy: { type: 'number' },
    regimeAccuracy: numbers,
    sectorAccuracy: numbers,
    driftScore: { type: 'number' },
    replayImprovement: { type: 'number' },
    predictions,
    baselinePredictions: predictions,
  },
} as const;
// onRequest: an unauthenticated write is refused before its body is even parsed or validated
const auth = (a: onRequestHookHandler) => ({ onRequest: a });

/** `/api/gate/*`: reports, history, verification and the write operations (docs/api.md, Promotion gate). */
export function gateRoutes(g: ModelPromotionGate, shadows: ShadowRecords): PluginRoutes {
  return async (app: FastifyInstance, opts: { writeAuth: unknown }) => {
    const writeAuth = opts.writeAuth as onRequestHookHandler;
    const gate = () => g;
    const reports = async (limit: number, offset: number): Promise<{ rows: ReportView[]; total: number }> => {
      const page = await gate().getHistory({ limit, offset });
      // promote/override rows show the checks of the validation they acted on, which may be older than the page
      const context = await gate().getHistory({ limit: Math.min(1000, offset + limit + 200), offset: 0 });
      const lookup = new Map(context.entries.map((e) => [e.id, e]));
      return {
        rows: reportViews(page.entries, lookup, pathBelow(gate().paths.root)).map(withoutPathsInText),
        total: page.total,
      };
    };

    app.get(
      '/latest',
      {
        schema: {
          tags: ['gate'],
          summary: 'the latest validation or override report (of one model with ?model=)',
          querystring: query({
            model:
              "the modelVersion the decision named ('unknown': decisions that named none); default or '*': any model",
          }),
          response: { 200: reportSchema(true) },
        },
      },
      async (req) => {
        const model = (req.query as Q).model;
        const d = await gate().latestDecision(
          typeof model === 'string' && model !== '' && model !== EVERY_MODEL ? model : undefined,
        );
        if (!d) return null;
        return reportViews([d.entry], d.lookup, pathBelow(gate().paths.root)).map(withoutPathsInText)[0] ?? null;
      },
    );
    app.get(
      '/history',
      {
        schema: {
          tags: ['gate'],
          summary: 'every promotion attempt, newest first',
          querystring: {
            type: 'object',
            properties: {
              ...query({ limit: 'rows per page, 1-500 (default 50)', offset: 'rows to skip (default 0)' }).properties,
              model: {
                ...str,
                maxLength: 100,
                description:
                  "the modelVersion a row names ('unknown': rows that name none; '*': every model, the default)",
              },
              from: {
                ...daySchema,
                description: "first UTC day (YYYY-MM-DD) of the decision's data time (as-of, else recorded time)",
              },
              to: { ...daySchema, description: 'last UTC day (YYYY-MM-DD), included: rows before the next day 00:00Z' },
            },
          },
          response: { 200: historySchema },
        },
      },
      async (req) => {
        const q = req.query as Q;
        const limit = intParam(q, 'limit', 50, 1, 500);
        const offset = intParam(q, 'offset', 0, 0, 1_000_000_000);
        const keep = historyFilter(dayQuery({ ...(q.model !== undefined ? { model: q.model } : {}), ...dayRange(q) }));
        // the history is small (one row per attempt), so it is read whole, filtered, then paged:
        // `total` counts the rows the filter keeps
        const entries = await allHistory(gate());
        const lookup = new Map(entries.map((e) => [e.id, e]));
        const rows = reportViews(entries, lookup, pathBelow(gate().paths.root)).filter(keep);
        return { rows: rows.slice(offset, offset + limit).map(withoutPathsInText), total: rows.length };
      },
    );
    app.get(
      '/production',
      {
        schema: {
          tags: ['gate'],
          summary: 'what is in production now, and the decision that put it there',
          querystring: query(),
          response: { 200: productionSchema },
        },
      },
      async () => {
        const now = await gate().productionNow();
        if (!now) return null;
        const shown = pathBelow(gate().paths.root);
        return { ...now, modelPath: shown(now.modelPath) };
      },
    );
    const shownShadow = (s: ShadowView): ShadowView => ({
      ...s,
      modelPath: s.modelPath === null ? null : pathBelow(gate().paths.root)(s.modelPath),
    });
    app.get(
      '/shadows',
      {
        schema: {
          tags: ['gate'],
          summary: 'challengers observed in shadow against the champion, newest first',
          querystring: query({ active: 'true or 1: only active ones; false: only stopped ones' }),
          response: { 200: shadowsSchema },
        },
      },
      async (req) => {
        const q = req.query as Q;
        const active = q.active === undefined ? undefined : q.active === 'true' || q.active === '1';
        return { shadows: (await shadows.list(active === undefined ? {} : { active })).map(shownShadow) };
      },
    );
    app.get(
      '/shadows/compare',
      {
        schema: {
          tags: ['gate'],
          summary:
            'a challenger against the champion over the same resolved rows, by trading day (?model=, default the newest shadow)',
          querystring: query({ model: "the challenger's model id (default: the newest shadow)" }),
          response: { 200: comparisonSchema },
        },
      },
      async (req) => {
        const model = (req.query as Q).model;
        const s = typeof model === 'string' && model !== '' ? await shadows.find({ model }) : (await shadows.list())[0];
        if (!s) {
          if (typeof model === 'string' && model !== '')
            throw new VigilError('VIGIL_NOT_FOUND', `no shadow record for model ${JSON.stringify(model)}`, {
              issues: [{ path: 'model', message: 'no shadow record', value: model }],
            });
          return null;
        }
        const c = await shadows.compare(s);
        return { ...c, shadow: shownShadow(c.shadow) };
      },
    );
    app.post(
      '/shadows/start',
      {
        ...auth(writeAuth),
        schema: {
          tags: ['gate'],
          summary: 'start observing a challenger in shadow of the champion (default: the model live at `since`)',
          security: [{ bearer: [] }],
          body: {
            type: 'object',
            required: ['model'],
            properties: {
              model: text(200),
              champion: {
                ...text(200),
                description:
                  "the champion's model id; default: the model live at `since` (400 naming champion when none is)",
              },
              modelPath: str,
              since: str,
              actor: str,
              notes: str,
            },
            additionalProperties: false,
          },
          response: { 200: shadowSchema },
        },
      },
      async (req) => {
        return shownShadow(await shadows.start(req.body as StartShadow));
      },
    );
    app.post(
      '/shadows/stop',
      {
        ...auth(writeAuth),
        schema: {
          tags: ['gate'],
          summary: "stop a challenger's shadow observation (its rows stay comparable)",
          security: [{ bearer: [] }],
          body: {
            type: 'object',
            required: ['model'],
            properties: { model: text(200), until: str, actor: str, notes: str },
            additionalProperties: false,
          },
          response: { 200: shadowSchema },
        },
      },
      async (req) => {
        const { model, ...rest } = req.body as { model: string; until?: string; actor?: string; notes?: string };
        return shownShadow(await shadows.stop(model, rest));
      },
    );
    app.get(
      '/verify',
      {
        schema: {
          tags: ['gate'],
          summary: "verify the history's hash chain",
          querystring: query(),
          response: { 200: verifySchema },
        },
      },
      async () => {
        const v = await gate().verifyHistory();
        return { ok: v.ok, rows: v.rows, firstBadId: v.firstBadId ?? null, reason: v.reason ?? null };
      },
    );
    // `vigil gate head`: the chain's head, for an auditor to keep outside the database
    app.get(
      '/head',
      {
        schema: {
          tags: ['gate'],
          summary: "the history's head: the newest row's id and hash (HMAC-keyed or not), to keep outside the database",
          querystring: { type: 'object', properties: {}, additionalProperties: false },
          response: {
            200: {
              type: 'object',
              required: ['id', 'head', 'keyed'],
              properties: {
                id: { type: 'integer', nullable: true },
                head: { type: 'string' },
                keyed: { type: 'boolean' },
              },
            },
          },
        },
      },
      async () => gate().historyHead(),
    );

    const one = async (historyId: number): Promise<ReportView> => {
      const { rows } = await reports(50, 0);
      return rows.find((r) => r.id === historyId) as ReportView;
    };
    app.post(
      '/validate',
      {
        ...auth(writeAuth),
        schema: {
          tags: ['gate'],
          summary: 'validate a candidate model against every criterion; logged',
          security: [{ bearer: [] }],
          body: {
            type: 'object',
            required: ['modelPath', 'validation'],
            properties: {
              modelPath: str,
              validation: validationResults,
              actor: str,
              notes: str,
              asOf: str,
              modelVersion: {
                ...text(100),
                description: "the modelVersion the candidate's predictions carry (optional)",
              },
            },
            additionalProperties: false,
          },
          response: { 200: reportSchema() },
        },
      },
      async (req) => {
        const b = req.body as {
          modelPath: string;
          validation: Record<string, unknown>;
          actor?: string;
          notes?: string;
          asOf?: string;
          modelVersion?: string;
        };
        const r = await gate().validateModel(b.modelPath, b.validation, {
          actor: b.actor,
          notes: b.notes,
          asOf: b.asOf,
          ...(b.modelVersion !== undefined ? { modelVersion: b.modelVersion } : {}),
        });
        return one(r.historyId);
      },
    );
    app.post(
      '/promote',
      {
        ...auth(writeAuth),
        schema: {
          tags: ['gate'],
          summary: 'copy an approved model to production atomically',
          security: [{ bearer: [] }],
          body: {
            type: 'object',
            required: ['modelPath'],
            properties: {
              modelPath: str,
              backupOld: { type: 'boolean' },
              actor: str,
              asOf: str,
              modelVersion: {
                ...text(100),
                description: "the modelVersion the model's predictions carry; required unless its validation named it",
              },
            },
            additionalProperties: false,
          },
          response: { 200: promoteSchema },
        },
      },
      async (req) => {
        const b = req.body as {
          modelPath: string;
          backupOld?: boolean;
          actor?: string;
          asOf?: string;
          modelVersion?: string;
        };
        const r = await gate().promoteModel(b.modelPath, {
          backupOld: b.backupOld ?? true,
          actor: b.actor,
          asOf: b.asOf,
          ...(b.modelVersion !== undefined ? { modelVersion: b.modelVersion } : {}),
        });
        const shown = pathBelow(gate().paths.root);
        return {
          promoted: true,
          productionPath: shown(r.productionPath),
          backupPath: r.backupPath === null ? null : shown(r.backupPath),
          modelVersion: r.modelVersion,
          historyId: r.historyId,
        };
      },
    );
    app.post(
      '/override',
      {
        ...auth(writeAuth),
        schema: {
          tags: ['gate'],
          summary: 'emergency: promote a rejected model, with an actor and a reason',
          security: [{ bearer: [] }],
          body: {
            type: 'object',
            required: ['modelPath', 'actor', 'reason'],
            properties: {
              modelPath: str,
              actor: words(200),
              reason: words(2000),
              asOf: str,
              modelVersion: {
                ...text(100),
                description: "the modelVersion the model's predictions carry; required unless its validation named it",
              },
            },
            additionalProperties: false,
          },
          response: { 200: reportSchema() },
        },
      },
      async (req) => {
        const b = req.body as {
          modelPath: string;
          actor: string;
          reason: string;
          asOf?: string;
          modelVersion?: string;
        };
        const r = await gate().overrideModel(b.modelPath, {
          actor: b.actor,
          reason: b.reason,
          asOf: b.asOf,
          ...(b.modelVersion !== undefined ? { modelVersion: b.modelVersion } : {}),
        });
        return one(r.historyId);
      },
    );
    app.post(
      '/rollback',
      {
        ...auth(writeAuth),
        schema: {
          tags: ['gate'],
          summary: 'restore the previous production model',
          security: [{ bearer: [] }],
          body: {
            type: 'object',
            properties: {
              actor: str,
              kind: { type: 'string', enum: ['file', 'directory'] },
              asOf: str,
              modelVersion: {
                ...text(100),
                description:
                  "the restored model's modelVersion, when no history row names it (must agree with one that does)",
              },
            },
            additionalProperties: false,
          },
          response: { 200: rollbackSchema },
        },
      },
      async (req) => {
        const b = (req.body ?? {}) as {
          actor?: string;
          kind?: 'file' | 'directory';
          asOf?: string;
          modelVersion?: string;
        };
        const r = await gate().rollback({
          actor: b.actor,
          asOf: b.asOf,
          ...(b.kind ? { kind: b.kind } : {}),
          ...(b.modelVersion !== undefined ? { modelVersion: b.modelVersion } : {}),
        });
        const shown = pathBelow(gate().paths.root);
        return {
          restored: shown(r.restoredFrom),
          productionPath: shown(r.productionPath),
          modelVersion: r.modelVersion,
          historyId: r.historyId,
        };
      },
    );
  };
}
