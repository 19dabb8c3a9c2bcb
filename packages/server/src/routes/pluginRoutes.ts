import { VigilError, dataSourceToken, dialectOf, placeholder } from '@vigil/core';
import { driftOptionsSchema } from '@vigil/drift';
import { gateToken, reportViews, type ReportView } from '@vigil/gate';
import type { VigilHost } from '@vigil/host';
import { errorReplayBufferToken } from '@vigil/replay';
import { GICS_SECTORS, sectorTrackerToken } from '@vigil/sectors';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { pathBelow } from './gateReports.js';
import { text, words } from './text.js';

type Q = Record<string, string | undefined>;

/** A bounded integer query parameter, refused with a 400 that names it. */
function intParam(q: Q, name: string, def: number, min: number, max: number): number {
  const raw = q[name];
  if (raw === undefined || raw === '') return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new VigilError('VIGIL_INVALID_INPUT', `querystring.${name}: must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`, {
      issues: [{ path: `querystring.${name}`, message: `must be an integer in [${min}, ${max}]`, value: raw }],
    });
  }
  return v;
}

const interval = (i: { lower: number; upper: number } | undefined, total: number): [number, number] | null => (i && total > 0 ? [i.lower, i.upper] : null);

const str = text(2000);
/** drift_monitoring.drift_type values: the three windowed checks and the streaming CUSUM's alarms. */
const DRIFT_TYPES = ['feature', 'regime', 'prediction', 'cusum'];
const numbers = { type: 'object', additionalProperties: { type: 'number' }, maxProperties: 10_000 } as const;
const validationPrediction = {
  type: 'object',
  required: ['symbol', 'regime', 'predicted', 'actual', 'confidence'],
  properties: {
    symbol: text(100),
    regime: text(100),
    predicted: { type: 'integer' },
    actual: { type: 'integer' },
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

/** Routes of the enabled plugins (sectors, drift, replay, gate); a disabled plugin's routes answer 404. */
export function pluginRoutes(app: FastifyInstance, host: VigilHost, writeAuth: onRequestHookHandler): void {
  const enabled = new Set(host.plugins.map((p) => p.id));
  const c = host.container;

  if (enabled.has('sectors')) {
    app.get('/api/sectors', { schema: { tags: ['sectors'], summary: 'accuracy by GICS sector with Wilson intervals, by regime; the weakest sectors' } }, async () => {
      const tracker = c.resolve(sectorTrackerToken);
      const perf = tracker.getSectorPerformance();
      const weakest = tracker.getWeakestSectors(3);
      const names = [...GICS_SECTORS, ...Object.keys(perf).filter((s) => !(GICS_SECTORS as readonly string[]).includes(s))];
      return {
        sectors: names.map((sector) => {
          const p = perf[sector];
          return {
            sector,
            tracked: p?.tracked ?? 0,
            resolved: p?.total ?? 0,
            correct: p?.correct ?? 0,
            accuracy: p?.accuracy ?? null,
            ci: interval(p?.interval, p?.total ?? 0),
            byRegime: Object.fromEntries(Object.entries(p?.by_regime ?? {}).map(([r, s]) => [r, { resolved: s.total, correct: s.correct, accuracy: s.accuracy, ci: interval(s.interval, s.total) }])),
          };
        }),
        weakest: weakest.sectors.map((s) => ({ sector: s.sector, accuracy: s.accuracy, upper: s.interval.upper, resolved: s.total })),
        insufficient: weakest.insufficientEvidence.map((s) => s.sector),
        minResolved: weakest.minResolved,
      };
    });

    app.get('/api/sectors/:sector/symbols', { schema: { tags: ['sectors'], summary: "a sector's symbols with their accuracy and best regime" } }, async (req) => {
      const sector = (req.params as { sector: string }).sector;
      const tracker = c.resolve(sectorTrackerToken);
      const all = tracker.getSymbolPerformance();
      if (!(GICS_SECTORS as readonly string[]).includes(sector) && !Object.values(all).some((s) => s.sectors.includes(sector))) {
        throw new VigilError('VIGIL_NOT_FOUND', `no sector ${JSON.stringify(sector)}; GICS sectors are: ${GICS_SECTORS.join(', ')}`);
      }
      return {
        sector,
        symbols: Object.entries(all)
          .filter(([, s]) => s.sectors.includes(sector))
          .map(([symbol, s]) => ({ symbol, tracked: s.tracked, resolved: s.total, correct: s.correct, accuracy: s.accuracy, ci: interval(s.interval, s.total), bestRegime: s.best_regime }))
          .sort((a, b) => (a.symbol < b.symbol ? -1 : 1)),
      };
    });
  }

  if (enabled.has('drift')) {
    app.get('/api/drift', { schema: { tags: ['drift'], summary: 'drift checks over time (drift_monitoring), oldest first' } }, async (req) => {
      const q = req.query as Q;
      const limit = intParam(q, 'limit', 500, 1, 10_000);
      const type = q.type;
      if (type !== undefined && !DRIFT_TYPES.includes(type)) {
        throw new VigilError('VIGIL_INVALID_INPUT', `querystring.type: must be one of ${DRIFT_TYPES.join(', ')}, got ${JSON.stringify(type)}`, { issues: [{ path: 'querystring.type', message: `must be one of ${DRIFT_TYPES.join(', ')}`, value: type }] });
      }
      const ds = c.resolve(dataSourceToken);
      const ph = placeholder(dialectOf(ds));
      const columns = 'id, timestamp, drift_type, ks_statistic, drift_detected, details_json';
      const rows: Record<string, unknown>[] = type
        ? await ds.query(`SELECT ${columns} FROM drift_monitoring WHERE drift_type = ${ph(1)} ORDER BY id DESC LIMIT ${ph(2)}`, [type, limit])
        : await ds.query(`SELECT ${columns} FROM drift_monitoring ORDER BY id DESC LIMIT ${ph(1)}`, [limit]);
      const parsed = driftOptionsSchema.safeParse(host.config.plugins.drift?.options ?? {});
      const options = parsed.success ? parsed.data : undefined;
      const t = options?.alertThreshold ?? 0.15;
      return {
        events: rows.reverse().map((r) => ({
          id: Number(r.id),
          timestamp: String(r.timestamp),
          type: String(r.drift_type),
          statistic: r.ks_statistic === null ? null : Number(r.ks_statistic),
          detected: Number(r.drift_detected) === 1,
          details: r.details_json ? JSON.parse(String(r.details_json)) : null,
        })),
        // The line a statistic is judged against, where there is one. Feature checks judge each
        // feature against its own calibrated threshold (in details.features), so the max-D headline
        // has none when calibration is on. Regime and prediction alerts need a distance above
        // alertThreshold (and a significant test). CUSUM rows are alarms only, their statistic in
        // baseline standard deviations against h.
        thresholds: { feature: options?.calibration ? null : t, regime: t, prediction: t, cusum: options?.cusum ? options.cusum.h : null },
      };
    });
  }

  if (enabled.has('replay')) {
    app.get('/api/replay', { schema: { tags: ['replay'], summary: 'error replay buffer: stats and the worst errors' } }, async (req) => {
      const top = intParam(req.query as Q, 'top', 20, 0, 1000);
      const buffer = c.resolve(errorReplayBufferToken);
      const s = await buffer.getErrorStats();
      const ds = c.resolve(dataSourceToken);
      const rows: Record<string, unknown>[] = await ds.query(
        `SELECT id, symbol, date, regime, true_label, predicted_label, confidence, error_score, replayed_count FROM error_replay_buffer ORDER BY error_score DESC, id ASC LIMIT ${placeholder(dialectOf(ds))(1)}`,
        [top],
      );
      return {
        stats: { total: s.totalErrors, maxSize: s.maxSize, byRegime: s.byRegime, byLabel: s.byLabel, avgConfidence: s.avgConfidence, replayed: s.replayedErrors, highConfidence: s.highConfidenceErrors },
        top: rows.map((r) => ({
          id: Number(r.id), symbol: String(r.symbol), date: String(r.date), regime: r.regime === null ? null : String(r.regime),
          trueLabel: Number(r.true_label), predictedLabel: Number(r.predicted_label), confidence: Number(r.confidence), errorScore: Number(r.error_score), replayedCount: Number(r.replayed_count),
        })),
      };
    });
  }

  if (enabled.has('gate')) {
    const gate = () => c.resolve(gateToken);
    const reports = async (limit: number, offset: number): Promise<{ rows: ReportView[]; total: number }> => {
      const page = await gate().getHistory({ limit, offset });
      // promote/override rows show the checks of the validation they acted on, which may be older than the page
      const context = await gate().getHistory({ limit: Math.min(1000, offset + limit + 200), offset: 0 });
      const lookup = new Map(context.entries.map((e) => [e.id, e]));
      return { rows: reportViews(page.entries, lookup, pathBelow(gate().paths.root)), total: page.total };
    };

    app.get('/api/gate/latest', { schema: { tags: ['gate'], summary: 'the latest validation or override report' } }, async () => {
      const { rows } = await reports(50, 0);
      return rows.find((r) => r.action === 'validate' || r.action === 'override') ?? null;
    });
    app.get('/api/gate/history', { schema: { tags: ['gate'], summary: 'every promotion attempt, newest first' } }, async (req) => {
      const q = req.query as Q;
      return reports(intParam(q, 'limit', 50, 1, 500), intParam(q, 'offset', 0, 0, 1_000_000_000));
    });
    app.get('/api/gate/verify', { schema: { tags: ['gate'], summary: "verify the history's hash chain" } }, async () => {
      const v = await gate().verifyHistory();
      return { ok: v.ok, rows: v.rows, firstBadId: v.firstBadId ?? null, reason: v.reason ?? null };
    });

    const one = async (historyId: number): Promise<ReportView> => {
      const { rows } = await reports(50, 0);
      return rows.find((r) => r.id === historyId) as ReportView;
    };
    app.post('/api/gate/validate', {
      ...auth(writeAuth),
      schema: { tags: ['gate'], summary: 'validate a candidate model against every criterion; logged', security: [{ bearer: [] }], body: { type: 'object', required: ['modelPath', 'validation'], properties: { modelPath: str, validation: validationResults, actor: str, notes: str }, additionalProperties: false } },
    }, async (req) => {
      const b = req.body as { modelPath: string; validation: Record<string, unknown>; actor?: string; notes?: string };
      const r = await gate().validateModel(b.modelPath, b.validation, { actor: b.actor, notes: b.notes });
      return one(r.historyId);
    });
    app.post('/api/gate/promote', {
      ...auth(writeAuth),
      schema: { tags: ['gate'], summary: 'copy an approved model to production atomically', security: [{ bearer: [] }], body: { type: 'object', required: ['modelPath'], properties: { modelPath: str, backupOld: { type: 'boolean' }, actor: str }, additionalProperties: false } },
    }, async (req) => {
      const b = req.body as { modelPath: string; backupOld?: boolean; actor?: string };
      const r = await gate().promoteModel(b.modelPath, { backupOld: b.backupOld ?? true, actor: b.actor });
      const shown = pathBelow(gate().paths.root);
      return { promoted: true, productionPath: shown(r.productionPath), backupPath: r.backupPath === null ? null : shown(r.backupPath), historyId: r.historyId };
    });
    app.post('/api/gate/override', {
      ...auth(writeAuth),
      schema: { tags: ['gate'], summary: 'emergency: promote a rejected model, with an actor and a reason', security: [{ bearer: [] }], body: { type: 'object', required: ['modelPath', 'actor', 'reason'], properties: { modelPath: str, actor: words(200), reason: words(2000) }, additionalProperties: false } },
    }, async (req) => {
      const b = req.body as { modelPath: string; actor: string; reason: string };
      const r = await gate().overrideModel(b.modelPath, { actor: b.actor, reason: b.reason });
      return one(r.historyId);
    });
    app.post('/api/gate/rollback', {
      ...auth(writeAuth),
      schema: { tags: ['gate'], summary: 'restore the previous production model', security: [{ bearer: [] }], body: { type: 'object', properties: { actor: str, kind: { type: 'string', enum: ['file', 'directory'] } }, additionalProperties: false } },
    }, async (req) => {
      const b = (req.body ?? {}) as { actor?: string; kind?: 'file' | 'directory' };
      const r = await gate().rollback({ actor: b.actor, ...(b.kind ? { kind: b.kind } : {}) });
      const shown = pathBelow(gate().paths.root);
      return { restored: shown(r.restoredFrom), productionPath: shown(r.productionPath), historyId: r.historyId };
    });
  }
}
