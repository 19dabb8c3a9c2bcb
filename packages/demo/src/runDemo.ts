import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type Logger, type ValidationPrediction, createLogger, predictionLogToken } from '@vigil/core';
import { type RetrainingRequest, driftEventsToken, driftHistoryToken, driftMonitorToken, driftPlugin } from '@vigil/drift';
import { gatePlugin, gateToken } from '@vigil/gate';
import { type VigilHost, createHost } from '@vigil/host';
import { errorReplayBufferToken, replayPlugin } from '@vigil/replay';
import { sectorTrackerToken, sectorsPlugin } from '@vigil/sectors';
import { FEATURES, HORIZON, type Sample, buildDataset } from './dataset.js';
import { type DirectionModel, predict, saveModel, train, trainingSetOf } from './model.js';
import { REGIMES } from './regimes.js';
import type { DemoSummary, GateDecision } from './summary.js';

export interface DemoOptions {
  /** SQLite file the scenario writes (replaced at start); or a postgres:// URL. */
  readonly database: string;
  /** Folder for candidate and production model files. */
  readonly workDir: string;
  /** First live trading day; the model trains on the history before it. */
  readonly liveFrom?: string;
  /** Trading days of history a retrained model learns from. */
  readonly trainingDays?: number;
  /** Most recent resolved trading days held out to validate a candidate. */
  readonly validationDays?: number;
  /** Trading days between two retrainings at least. */
  readonly retrainCooldown?: number;
  readonly seed?: number;
  readonly logger?: Logger;
  /** Called once per trading day with the day's index and the number of days. */
  readonly onProgress?: (day: number, days: number, date: string) => void;
  /** Leave the host running (to serve the dashboard) instead of stopping it. */
  readonly keepHost?: boolean;
}

export interface DemoResult {
  readonly summary: DemoSummary;
  /** The running host when `keepHost` was set. */
  readonly host?: VigilHost;
}

const MODELS = 'models';

/**
 * Held-out validation: the most recent `validationDays` of resolved history, plus every earlier
 * crash-regime day (kept out of training), because crash accuracy is the gate's most important
 * check and the latest weeks rarely hold a crash. Training uses the `trainingDays` before the tail.
 */
function splitForValidation(resolved: readonly Sample[], trainingDays: number, validationDays: number): { trainRows: Sample[]; validation: Sample[] } {
  const tailStart = resolved.length - validationDays * 9;
  const tail = resolved.slice(tailStart);
  const earlier = resolved.slice(0, tailStart);
  const crashes = earlier.filter((s) => s.regime === 'crash');
  const trainRows = earlier.filter((s) => s.regime !== 'crash').slice(-trainingDays * 9);
  return { trainRows, validation: [...crashes, ...tail] };
}

/**
 * The end-to-end scenario: a model predicts each of nine large caps' next-5-day direction every
 * trading day of 2015-2018; Vigil observes every prediction, resolves it five trading days later,
 * watches drift, buffers the worst errors and tracks sectors; when drift asks for retraining, a
 * candidate is trained with the replay mix and the gate decides whether it replaces the live model.
 */
export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const liveFrom = o.liveFrom ?? '2015-01-02';
  const trainingDays = o.trainingDays ?? 500;
  const validationDays = o.validationDays ?? 60;
  const cooldown = o.retrainCooldown ?? 40;
  const seed = o.seed ?? 7;
  const logger = o.logger ?? createLogger('error');
  const isPg = /^postgres(ql)?:\/\//.test(o.database);
  if (!isPg) for (const f of [o.database, `${o.database}-wal`, `${o.database}-shm`]) rmSync(f, { force: true });
  rmSync(join(o.workDir, MODELS), { recursive: true, force: true });

  const { days, samples } = buildDataset();
  const byDay = new Map<number, Sample[]>();
  for (const s of samples) byDay.set(s.dayIndex, [...(byDay.get(s.dayIndex) ?? []), s]);
  const firstLive = days.findIndex((d) => d >= liveFrom);

  const host = createHost({
    config: {
      database: isPg ? { type: 'postgres', url: o.database } : { type: 'sqlite', path: o.database },
      regimes: [...REGIMES],
      log: { level: 'warn' },
      plugins: {
        // drift runs with its documented defaults (per-step CUSUMs over trading days, BACKTEST.md)
        drift: {},
        replay: { options: { featureNames: [...FEATURES], maxSize: 1000, seed } },
        gate: { options: { root: o.workDir, modelsDir: MODELS, productionFile: 'production/direction_model.json', productionDir: 'production/direction_model.d', minSamples: 100 } },
      },
    },
    plugins: [driftPlugin, replayPlugin, sectorsPlugin, gatePlugin],
    logger,
  });
  await host.start();
  try {
    const c = host.container;
    const gate = c.resolve(gateToken);
    const buffer = c.resolve(errorReplayBufferToken);
    const monitor = c.resolve(driftMonitorToken);
    const tracker = c.resolve(sectorTrackerToken);
    const requests: (RetrainingRequest & { day: number })[] = [];
    let today = firstLive;
    c.resolve(driftEventsToken).on('retrainingRequested', (r) => requests.push({ ...r, day: today }));

    const resolvedBefore = (day: number) => samples.filter((s) => s.label !== null && s.dayIndex + HORIZON <= day);
    const setBaseline = (rows: readonly Sample[], model: DirectionModel) =>
      monitor.setBaseline({
        features: Object.fromEntries(FEATURES.map((f) => [f, rows.map((s) => s.features[f])])),
        // dated and per symbol: the baseline's trading days seed each new model's CUSUM reference
        timestamps: rows.map((s) => `${s.date}T21:00:00.000Z`),
        symbols: rows.map((s) => s.symbol),
        regimes: rows.map((s) => s.regime),
        predictions: rows.map((s) => predict(model, s.x)),
      });

    // Bootstrap: the first model goes live by a recorded override (there is no production model yet).
    const first = splitForValidation(resolvedBefore(firstLive), trainingDays, validationDays);
    const v0 = first.validation;
    let live = train('m0', days[firstLive - 1] as string, trainingSetOf(first.trainRows));
    const m0Path = join(o.workDir, MODELS, 'candidates', 'm0.json');
    saveModel(live, m0Path);
    const decisions: GateDecision[] = [];
    const validate = async (model: DirectionModel, path: string, day: number, validation: readonly Sample[], extra: Record<string, unknown>) => {
      const predictions: ValidationPrediction[] = validation.map((s) => {
        const p = predict(model, s.x);
        return { symbol: s.symbol, regime: s.regime, predicted: p.label, actual: s.label as number, confidence: p.confidence, features: s.features };
      });
      const report = await gate.validateModel(relative(o.workDir, path), { predictions, ...extra }, { actor: 'demo-pipeline' });
      decisions.push({
        date: days[day] as string,
        model: model.version,
        approved: report.approved,
        checks: report.results.map((r) => ({ id: r.id, status: r.status, value: r.value ?? null, threshold: r.threshold ?? null, message: r.message })),
        action: 'validate',
      });
      return report;
    };
    const r0 = await validate(live, m0Path, firstLive, v0, {});
    if (!r0.approved) {
      await gate.overrideModel(`${MODELS}/candidates/m0.json`, { actor: 'demo-bootstrap', reason: 'initial deployment: there is no production model to keep' });
      decisions.push({ date: days[firstLive] as string, model: 'm0', approved: false, checks: [], action: 'override' });
    } else await gate.promoteModel(`${MODELS}/candidates/m0.json`);
    await setBaseline(first.trainRows.slice(-250 * 9), live);

    let lastRetrain = firstLive;
    let version = 0;
    const replayFigures: DemoSummary['replay']['retrains'][number][] = [];
    for (let day = firstLive; day < days.length; day++) {
      today = day;
      const todays = byDay.get(day) ?? [];
      await host.observe(
        todays.map((s) => {
          const p = predict(live, s.x);
          return { id: s.id, timestamp: `${s.date}T21:00:00.000Z`, symbol: s.symbol, regime: s.regime, features: s.features, predictedLabel: p.label, confidence: p.confidence, modelVersion: live.version };
        }),
      );
      const due = (byDay.get(day - HORIZON) ?? []).filter((s) => s.label !== null && day - HORIZON >= firstLive);
      if (due.length) await host.resolve(due.map((s) => ({ id: s.id, actualLabel: s.label as number, resolvedAt: `${s.date}T21:00:00.000Z` })));
      o.onProgress?.(day - firstLive + 1, days.length - firstLive, days[day] as string);

      const pending = requests.filter((r) => r.day === day);
      if (pending.length === 0 || day - lastRetrain < cooldown) continue;
      // Retrain: recent resolved history minus a held-out validation tail, plus the replay mix.
      lastRetrain = day;
      version++;
      const { trainRows, validation } = splitForValidation(resolvedBefore(day), trainingDays, validationDays);
      const mix = await buffer.buildTrainingMix({ features: trainRows.map((s) => s.x), labels: trainRows.map((s) => s.label as number) }, { seed: seed + version });
      const candidate = train(`m${version}`, days[day - HORIZON] as string, mix);
      const withoutReplay = train(`m${version}-noreplay`, days[day - HORIZON] as string, trainingSetOf(trainRows));
      const path = join(o.workDir, MODELS, 'candidates', `m${version}.json`);
      saveModel(candidate, path);
      const buffered = await buffer.getBufferedSamples();
      const replayPredictions = buffered.map((b) => ({ bufferId: b.id, predicted: candidate.fit.predict(b.features) }));
      const replayBaselinePredictions = buffered.map((b) => ({ bufferId: b.id, predicted: live.fit.predict(b.features) }));
      const fixedWith = buffered.filter((b) => candidate.fit.predict(b.features) === b.label).length;
      const fixedWithout = buffered.filter((b) => withoutReplay.fit.predict(b.features) === b.label).length;
      replayFigures.push({
        date: days[day] as string,
        model: candidate.version,
        buffered: buffered.length,
        replayRows: mix.isReplay.filter(Boolean).length,
        fixedWithReplay: buffered.length ? fixedWith / buffered.length : null,
        fixedWithoutReplay: buffered.length ? fixedWithout / buffered.length : null,
      });
      const report = await validate(candidate, path, day, validation, { replayPredictions, replayBaselinePredictions });
      if (report.approved) {
        await gate.promoteModel(`${MODELS}/candidates/m${version}.json`, { actor: 'demo-pipeline' });
        decisions.push({ date: days[day] as string, model: candidate.version, approved: true, checks: [], action: 'promote' });
        live = candidate;
        await setBaseline(trainRows.slice(-250 * 9), live);
        await buffer.clearBuffer();
      }
    }

    const weakest = tracker.getWeakestSectors(3);
    const stats = await buffer.getErrorStats();
    const alarms = await host.container.resolve(driftHistoryToken).read({ detectedOnly: true });
    const episodes = await host.container.resolve(driftHistoryToken).episodes();
    const summary: DemoSummary = {
      period: { from: days[firstLive] as string, to: days.at(-1) as string, tradingDays: days.length - firstLive },
      predictions: samples.filter((s) => s.dayIndex >= firstLive).length,
      resolved: (await host.container.resolve(predictionLogToken).counts()).resolved,
      accuracy: (() => {
        const perf = Object.values(tracker.getSectorPerformance());
        const total = perf.reduce((a, p) => a + p.total, 0);
        return total ? perf.reduce((a, p) => a + p.correct, 0) / total : null;
      })(),
      driftAlerts: alarms.map((r) => ({ date: r.timestamp.slice(0, 10), type: r.type, statistic: Number(r.statistic) })),
      retrainingRequests: requests.map((r) => ({ date: days[r.day] as string, model: r.model, reasons: r.reasons, features: r.driftedFeatures })),
      driftEpisodes: episodes.map((e) => ({ model: e.model, onset: e.onset, end: e.end, peak: e.peak, peakDate: e.peakStep, statistics: e.statistics })),
      weakestSectors: weakest.sectors.map((s) => ({ sector: s.sector, accuracy: s.accuracy, upper: s.interval.upper, resolved: s.total })),
      insufficientSectors: weakest.insufficientEvidence.map((s) => s.sector),
      replay: { stats: { total: stats.totalErrors, byRegime: stats.byRegime, avgConfidence: stats.avgConfidence, highConfidence: stats.highConfidenceErrors, replayed: stats.replayedErrors }, retrains: replayFigures },
      gate: decisions,
      historyVerified: (await gate.verifyHistory()).ok,
      liveModel: live.version,
    };
    if (!o.keepHost) await host.stop();
    return o.keepHost ? { summary, host } : { summary };
  } catch (e) {
    await host.stop().catch(() => undefined);
    throw e;
  }
}
