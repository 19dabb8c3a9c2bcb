import {
  type ReportBlock,
  type ReportChartBlock,
  type ReportQuery,
  type PredictionLog,
  type ReportSection,
  type ReportSeries,
  dialectOf,
  placeholder,
  quoteIdent,
} from '@vigil/core';
import type { DataSource } from 'typeorm';
import type { DriftHistory } from './DriftHistory.js';
import type { DriftEpisode } from './DriftHistory.js';
import type { DriftOptions } from './config.js';
import { DRIFT_MONITORING_TABLE } from './entities/DriftMonitoring.js';
import { meanSd } from './stats/meanSd.js';
import { stepOf } from './steps.js';

/** Steps of context drawn before an episode's onset and after its end in its chart. */
const CONTEXT_DAYS = 30;
const CHECKS = ['feature', 'regime', 'prediction'] as const;

type Check = { timestamp: string; type: string; statistic: number; detected: boolean; model: string | null };
/** A check that compared nothing (status 'insufficient'), or a feature check with features it could not test. */
type Unjudged = { type: string; insufficient: boolean; untestable: readonly string[] };

const shiftDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day.slice(0, 10)}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The windowed checks (feature max-D, regime and prediction distances) of one model or all, in a range. */
async function readChecks(ds: DataSource, q: { model?: string; from?: string; to?: string }): Promise<Check[]> {
  const ph = placeholder(dialectOf(ds));
  const params: unknown[] = [];
  const where = [`drift_type IN ('feature', 'regime', 'prediction')`, 'ks_statistic IS NOT NULL'];
  if (q.model !== undefined) where.push(`model_version = ${ph(params.push(q.model))}`);
  if (q.from !== undefined) where.push(`timestamp >= ${ph(params.push(q.from))}`);
  if (q.to !== undefined) where.push(`timestamp < ${ph(params.push(q.to))}`);
  const rows = (await ds.query(
    `SELECT timestamp, drift_type, ks_statistic, drift_detected, model_version FROM ${quoteIdent(DRIFT_MONITORING_TABLE)} WHERE ${where.join(' AND ')} ORDER BY timestamp, id`,
    params,
  )) as {
    timestamp: string;
    drift_type: string;
    ks_statistic: unknown;
    drift_detected: unknown;
    model_version: string | null;
  }[];
  return rows.map((r) => ({
    timestamp: String(r.timestamp),
    type: r.drift_type,
    statistic: Number(r.ks_statistic),
    detected: Number(r.drift_detected) === 1,
    model: r.model_version,
  }));
}

/** The window checks of one model or all in a range without a full verdict: 'insufficient' ones, untestable features. */
async function readUnjudged(ds: DataSource, q: { model?: string; from?: string; to?: string }): Promise<Unjudged[]> {
  const ph = placeholder(dialectOf(ds));
  const params: unknown[] = [];
  const where = [`drift_type IN ('feature', 'regime', 'prediction')`];
  if (q.model !== undefined) where.push(`model_version = ${ph(params.push(q.model))}`);
  if (q.from !== undefined) where.push(`timestamp >= ${ph(params.push(q.from))}`);
  if (q.to !== undefined) where.push(`timestamp < ${ph(params.push(q.to))}`);
  const rows = (await ds.query(
    `SELECT drift_type, details_json FROM ${quoteIdent(DRIFT_MONITORING_TABLE)} WHERE ${where.join(' AND ')} ORDER BY timestamp, id`,
    params,
  )) as { drift_type: string; details_json: string | null }[];
  return rows.map((r) => {
    const d = JSON.parse(String(r.details_json ?? '{}')) as { status?: string; untestable_feature_names?: string[] };
    return {
      type: r.drift_type,
      insufficient: d.status === 'insufficient',
      untestable: d.untestable_feature_names ?? [],
    };
  });
}

function checksChart(
  title: string,
  checks: readonly Check[],
  o: DriftOptions,
  spans: ReportChartBlock['spans'],
): ReportChartBlock {
  return {
    kind: 'chart',
    title,
    x: { label: 'step', type: 'time' },
    y: { label: 'statistic (KS D / distance)' },
    series: CHECKS.map((type) => ({
      name: `${type} check`,
      points: checks.filter((c) => c.type === type).map((c) => ({ x: c.timestamp.slice(0, 19), y: c.statistic })),
    })).filter((s) => s.points.length > 0),
    thresholds: [{ label: `alert threshold ${o.alertThreshold}`, value: o.alertThreshold }],
    spans,
    note: 'Shaded: drift episodes (CUSUM onset to end). Feature checks plot the largest KS D over the features; each feature is judged against its own calibrated threshold. Regime and prediction checks flag only beyond the alert threshold and with a design-effect corrected test, so the line is their floor, not their verdict. Checks that compared nothing (not enough steps) are not drawn.',
  };
}

/**
 * One episode's per-step chart, from the model's predictions in the prediction log around it:
 * for each statistic that drove it (a feature's step mean for `<f>:abs`/`<f>:level`, the mean
 * confidence, a class's share), the step's value in standard deviations from its mean over the
 * steps before the onset, the way the CUSUMs standardise against their reference.
 */
async function episodeChart(log: PredictionLog, o: DriftOptions, e: DriftEpisode): Promise<ReportChartBlock> {
  const from = shiftDays(e.onset, -CONTEXT_DAYS);
  const to = shiftDays(e.end ?? e.peakStep, CONTEXT_DAYS + 1);
  const rows = await log.range({ from, to, modelVersion: e.model });
  const names = e.statistics.length ? [...e.statistics] : ['confidence'];
  const statisticOf = (name: string, r: (typeof rows)[number]): number | undefined => {
    if (name === 'confidence') return r.confidence;
    if (name.startsWith('class:')) return String(r.predictedLabel) === name.slice(6) ? 1 : 0;
    const v = r.features[name.replace(/:(abs|level)$/, '')];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const steps = new Map<string, Map<string, number[]>>();
  for (const r of rows) {
    const step = stepOf(r.timestamp, o.stepMinutes);
    const at = steps.get(step) ?? new Map<string, number[]>();
    steps.set(step, at);
    for (const name of names) {
      const v = statisticOf(name, r);
      if (v === undefined) continue;
      const xs = at.get(name) ?? [];
      xs.push(v);
      at.set(name, xs);
    }
  }
  const ordered = [...steps].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const series: ReportSeries[] = names.map((name) => {
    const means = ordered.map(([step, at]) => {
      const xs = at.get(name) ?? [];
      return [step, xs.length ? meanSd(xs).mean : Number.NaN] as const;
    });
    const before = means.filter(([step, m]) => step < e.onset && Number.isFinite(m)).map(([, m]) => m);
    const ref = meanSd(before);
    return {
      name: name.startsWith('class:')
        ? `share of class ${name.slice(6)}`
        : name === 'confidence'
          ? 'mean confidence'
          : `${name.replace(/:(abs|level)$/, '')} (step mean)`,
      points: means.map(([step, m]) => ({
        x: step,
        y: Number.isFinite(m) && ref.sd > 0 ? (m - ref.mean) / ref.sd : null,
      })),
    };
  });
  const last = ordered.at(-1)?.[0] ?? e.peakStep;
  return {
    kind: 'chart',
    title: `Episode ${e.model} ${e.onset} → ${e.end ?? 'open'} (peak CUSUM ${e.peak.toFixed(2)} sd on ${e.peakStep})`,
    x: { label: 'step', type: 'time' },
    y: { label: 'sd from the pre-onset steps' },
    series,
    spans: [{ label: 'episode', from: e.onset, to: e.end ?? last }],
    note: `Per step (${o.stepMinutes === null ? 'UTC trading day' : `${o.stepMinutes}-minute bar`}), from the model's predictions: each statistic that drove the episode, standardised by its mean and sd over the ${CONTEXT_DAYS} days before the onset. Shaded: the episode${e.end ? '' : ' (still open)'}.`,
  };
}

/**
 * Drift episodes of the query's model (every model by default) that overlap [from, to): onset,
 * peak and end, the statistics that drove them, and a per-step chart of the window checks
 * around each one; then the checks over the whole range with every episode shaded.
 */
export async function driftReportSections(
  ds: DataSource,
  log: PredictionLog,
  history: DriftHistory,
  o: DriftOptions,
  q: ReportQuery,
): Promise<ReportSection[]> {
  const episodes = (await history.episodes(q.model)).filter(
    (e) =>
      (q.to === undefined || e.onset < q.to) &&
      (q.from === undefined || e.end === null || e.end >= q.from.slice(0, 10)),
  );
  const checks = await readChecks(ds, q);
  const unjudged = await readUnjudged(ds, q);
  const insufficient = unjudged.filter((c) => c.insufficient).length;
  const untestable = [...new Set(unjudged.flatMap((c) => c.untestable))].sort();
  const open = episodes.filter((e) => e.end === null);
  const blocks: ReportBlock[] = [
    {
      kind: 'figures',
      items: [
        { label: 'episodes', value: episodes.length, unit: 'count', status: episodes.length ? 'warning' : 'ok' },
        { label: 'open now', value: open.length, unit: 'count', status: open.length ? 'alert' : 'ok' },
        {
          label: 'retraining requests',
          value: episodes.length,
          unit: 'count',
          detail: 'one per episode, at its onset',
        },
        { label: 'window checks in range', value: checks.length, unit: 'count' },
        {
          label: 'window checks flagged',
          value: checks.filter((c) => c.detected).length,
          unit: 'count',
          detail: 'recorded, not acted on',
        },
        {
          label: 'window checks without a verdict',
          value: insufficient,
          unit: 'count',
          detail: 'not enough steps of the model, or a baseline too short to calibrate',
        },
        {
          label: 'untestable features',
          value: untestable.length,
          unit: 'count',
          detail: untestable.length
            ? `calibrated threshold above 1 in some check: ${untestable.join(', ')}`
            : 'every feature testable',
        },
      ],
    },
    {
      kind: 'table',
      title: 'Drift episodes',
      columns: [
        { key: 'model', label: 'model' },
        { key: 'onset', label: 'onset' },
        { key: 'peakStep', label: 'peak step' },
        { key: 'peak', label: 'peak CUSUM (sd)', unit: 'number' },
        { key: 'end', label: 'end' },
        { key: 'statistics', label: 'statistics (features)' },
        { key: 'reasons', label: 'detectors' },
      ],
      rows: episodes.map((e) => ({
        model: e.model,
        onset: e.onset,
        peakStep: e.peakStep,
        peak: e.peak,
        end: e.end ?? 'open',
        statistics: e.statistics.join(', ') || null,
        reasons: e.reasons.join(', ') || null,
      })),
      note: o.cusum
        ? `An episode starts when a CUSUM passes h = ${o.cusum.h} and ends at the first quiet step.`
        : undefined,
    },
  ];
  for (const e of episodes) blocks.push(await episodeChart(log, o, e));
  blocks.push(
    checksChart(
      'Window checks over the report range',
      checks,
      o,
      episodes.map((e) => ({
        label: `${e.model} ${e.onset}`,
        from: e.onset,
        to: e.end ?? checks.at(-1)?.timestamp.slice(0, 10) ?? e.peakStep,
      })),
    ),
  );
  return [
    {
      id: 'drift',
      title: 'Drift episodes',
      status: open.length ? 'alert' : episodes.length ? 'warning' : 'ok',
      summary: episodes.length
        ? `${episodes.length} drift episode(s) in range, ${open.length} still open; each raised one retraining request.`
        : 'No drift episode in range.',
      blocks,
    },
  ];
}
