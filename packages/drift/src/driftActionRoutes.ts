import { type QueryString, VigilError, describeValue } from '@vigil/core';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { DriftMonitor } from './DriftMonitor.js';
import type { DriftOptions } from './config.js';
import { RECOMMENDED_DEFAULTS } from './config.js';
import { runBacktest } from './driftBacktestCommand.js';
import { storeBaseline } from './driftBaselineCommand.js';
import { checkWindow } from './driftCheckCommand.js';
import { type FeatureTable, featureRowsOf, parseFeatureRows } from './featureRows.js';

const ROWS_HELP =
  'rows: one object per observation; every field other than id, timestamp, date, symbol, regime, predictedLabel, confidence, modelVersion is a feature (or nest them under "features"); or a text/csv body with a header line';
const rowsBody = {
  type: 'object',
  required: ['rows'],
  properties: { rows: { type: 'array', items: { type: 'object' }, description: ROWS_HELP } },
} as const;
const backtestOptions = {
  baselineSize: { type: 'integer', minimum: 10, description: 'rows (days) in the rolling reference before each check' },
  episodes: {
    type: 'array',
    items: { type: 'string' },
    description: 'stress episodes to score, name:from:to (e.g. aug2015:2015-08-18:2015-09-30)',
  },
  detector: { type: 'string', enum: ['spec', 'recommended'] },
  features: { type: 'array', items: { type: 'string' }, description: 'features to watch (default: every one)' },
  horizon: { type: 'integer', minimum: 0, description: 'caught when in drift at most this many days after a start' },
  calmMargin: {
    type: 'integer',
    minimum: 0,
    description: 'days around each episode that are neither calm nor episode',
  },
  from: { type: 'string', description: 'report alarms from this date on' },
  to: { type: 'string', description: 'report alarms up to this date' },
} as const;

/** A 2xx response: the named fields, each described; anything else passes through unchanged. */
const described = (fields: Record<string, string>) => ({
  200: {
    type: 'object',
    additionalProperties: true,
    properties: Object.fromEntries(Object.entries(fields).map(([k, description]) => [k, { description }])),
  },
});
const baselineResponse = described({
  rows: 'rows stored',
  features:
    '[{ name, size, mean, sd, transform, threshold, designEffect, untestable }] per stored feature (untestable: its threshold exceeds 1 at windows of windowSize, so no D can flag it)',
  ignoredColumns: 'columns not in plugins.drift.options.features',
  regimes: 'regime mix of the baseline (null without a regime column)',
  predictions: '{ count, labels } (null without predictions)',
  windowSize: 'values per window check',
  rule: "'calibrated' or 'threshold+pvalue'",
  calibration: '{ targetRate, inSampleRate, replays, windowSize } (null when not calibrated)',
  warnings: 'configuration warnings',
});
const checkResponse = described({
  driftDetected: 'any of feature, regime, prediction drift',
  rows: 'rows sent',
  window: 'rows checked (the last `last`)',
  recorded: 'always false: computed, not written to drift_monitoring',
  note: 'where recorded checks come from',
  calibrationNote: 'how the thresholds fit this window (null: as calibrated)',
  feature: 'FeatureDriftResult: per feature D, p-values, threshold, drifted',
  regime: 'RegimeDriftResult, or { skipped }',
  prediction: 'PredictionDriftResult, or { skipped }',
});
const backtestResponse = described({
  detector: "'recommended' or 'spec'",
  features: 'features watched',
  baselineSize: 'rows in the rolling reference',
  alarms: 'onset days of drift episodes (one request each)',
  episodes: '[{ name, start, status, firstAlarm, delay, onset, caught, peakScore, reason? }]',
  caught: 'episodes caught within the horizon',
  scorable: 'episodes the data can score',
  falseAlarmRate: 'share of calm days on which an episode starts',
  calmDriftShare: 'share of calm days in drift',
  chanceLevel: 'share of calm days in drift within the horizon',
  calmRule: 'the calm-day rule, in words',
  warnings: 'episodes not scorable, and why',
});

/** A JSON body's rows or a text/csv body, parsed as the CLI parses a file. */
function tableOf(body: unknown, what: string): FeatureTable {
  if (typeof body === 'string') return parseFeatureRows(body, 'csv', what);
  return featureRowsOf((body as { rows?: unknown } | undefined)?.rows, 'body.rows', what);
}

const list = (v: unknown): string[] | undefined =>
  v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).filter(Boolean);

function intOf(v: unknown, name: string, min: number, fallback: number): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < min) {
    const message = `must be an integer >= ${min}, got ${describeValue(v)}`;
    throw new VigilError('VIGIL_INVALID_INPUT', `${name}: ${message}`, { issues: [{ path: name, message, value: v }] });
  }
  return n;
}

/**
 * `POST /api/drift/baseline`, `/check`, `/backtest`: the CLI's `vigil drift baseline|check|backtest` over HTTP,
 * the same functions (storeBaseline, checkWindow, runBacktest) and errors. Bodies: `{ rows: [...] }` (JSON, options
 * beside them) or `text/csv` (options in the querystring). Like every POST, they need the API token.
 */
export function driftActionRoutes(
  app: FastifyInstance,
  monitor: DriftMonitor,
  options: DriftOptions,
  writeAuth: onRequestHookHandler,
): void {
  // drift's routes read CSV as the CLI reads a file (the server's own CSV parser is for observe/resolve records)
  app.removeContentTypeParser('text/csv');
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, async (_req: unknown, body: string) => {
    if (body.includes('\u0000'))
      throw new VigilError('VIGIL_INVALID_INPUT', 'body: CSV must not contain NUL characters', {
        issues: [{ path: 'body', message: 'contains NUL', value: null }],
      });
    return body;
  });
  const consumes = ['application/json', 'text/csv'];

  app.post(
    '/baseline',
    {
      onRequest: writeAuth,
      schema: {
        tags: ['drift'],
        summary:
          'replace the stored drift baseline with these rows (as `vigil drift baseline`); regime and predictedLabel/confidence, when present, become the regime and prediction baselines',
        security: [{ bearer: [] }],
        consumes,
        body: { oneOf: [rowsBody, { type: 'string' }] },
        response: baselineResponse,
      },
    },
    async (req) => storeBaseline(monitor, options, tableOf(req.body, 'drift baseline rows')),
  );

  app.post(
    '/check',
    {
      onRequest: writeAuth,
      schema: {
        security: [{ bearer: [] }],
        tags: ['drift'],
        summary:
          'feature, regime and prediction drift of these rows against the stored baseline (as `vigil drift check`); computed, not recorded',
        consumes,
        querystring: { type: 'object', properties: { last: { type: 'string' } } },
        body: {
          oneOf: [
            { ...rowsBody, properties: { ...rowsBody.properties, last: { type: 'integer', minimum: 2 } } },
            { type: 'string' },
          ],
        },
        response: checkResponse,
      },
    },
    async (req) => {
      const q = req.query as QueryString;
      const b = typeof req.body === 'string' ? {} : (req.body as { last?: unknown });
      const last = b.last ?? q.last;
      return checkWindow(
        monitor,
        options,
        tableOf(req.body, 'drift window rows'),
        last === undefined ? undefined : intOf(last, 'last', 2, 2),
      );
    },
  );

  app.post(
    '/backtest',
    {
      onRequest: writeAuth,
      schema: {
        security: [{ bearer: [] }],
        tags: ['drift'],
        summary:
          'run a drift detector over dated rows with a rolling baseline (as `vigil drift backtest`): per-episode delay, calm-day false-alarm rate, chance level',
        consumes,
        querystring: {
          type: 'object',
          properties: Object.fromEntries(Object.keys(backtestOptions).map((k) => [k, {}])),
        },
        body: {
          oneOf: [{ ...rowsBody, properties: { ...rowsBody.properties, ...backtestOptions } }, { type: 'string' }],
        },
        response: backtestResponse,
      },
    },
    async (req) => {
      const o = (typeof req.body === 'string' ? req.query : req.body) as Record<string, unknown>;
      const table = tableOf(req.body, 'backtest history');
      const features = list(o.features);
      try {
        return runBacktest(table, {
          baselineSize: intOf(o.baselineSize, 'baselineSize', 10, RECOMMENDED_DEFAULTS.referenceSteps),
          episodes: list(o.episodes) ?? [],
          detector: o.detector === undefined ? 'recommended' : String(o.detector),
          ...(features ? { features } : {}),
          horizon: intOf(o.horizon, 'horizon', 0, 5),
          calmMargin: intOf(o.calmMargin, 'calmMargin', 0, 20),
          ...(o.from !== undefined ? { from: String(o.from) } : {}),
          ...(o.to !== undefined ? { to: String(o.to) } : {}),
        });
      } catch (e) {
        // a history too short for the detector is the caller's input (the CLI exits 2 for it too)
        if (e instanceof VigilError && e.code === 'VIGIL_INSUFFICIENT_DATA')
          throw new VigilError('VIGIL_INVALID_INPUT', e.message, {
            issues: [{ path: 'body.rows', message: e.message }],
          });
        throw e;
      }
    },
  );
}
