import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type Logger, type ValidationPrediction, createLogger, pairedByDay, predictionLogToken } from '@vigil/core';
import {
  type RetrainingRequest,
  driftEventsToken,
  driftHistoryToken,
  driftMonitorToken,
  driftPlugin,
} from '@vigil/drift';
import { gatePlugin, gateToken } from '@vigil/gate';
import { type VigilHost, createHost } from '@vigil/host';
import { errorReplayBufferToken, replayPlugin } from '@vigil/replay';
import { sectorTrackerToken, sectorsPlugin, stressHistoryToken } from '@vigil/sectors';
import { FEATURES, HORIZON, type Sample, buildDataset } from './dataset.js';
import { type VolatilityModel, predict, saveModel, train, trainingSetOf } from './model.js';
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
  /** Trading days between two retrainings that drift asked for, at least. */
  readonly retrainCooldown?: number;
  /** Trading days after which the pipeline retrains on schedule, drift or not (two months). */
  readonly retrainEvery?: number;
  /** Trading days a newly promoted model is watched against the model it replaced. */
  readonly watchDays?: number;
  /** One-sided level of the watch's sign test over days at which a promoted model is rolled back. */
  readonly watchSignificance?: number;
  readonly seed?: number;
  readonly logger?: Logger;
  /** Called once per trading day with the day's index and the number of days. */
  readonly onProgress?: (day: number, days: number, date: string) => void;
  /** Show the emergency path once: in the first crash, a rejected candidate goes live by override, under the same watch. */
  readonly emergencyDrill?: boolean;
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
 * Held-out validation: the most recent `validationDays` of resolved history. Training uses the
 * `trainingDays` before it, without crash-regime days: those stay out of every model's training,
 * so the crash episodes in the prediction log are an honest stress test for any candidate
 * (sectors.crash_accuracy scores the candidate on them when the validation window is calm).
 */
function splitForValidation(
  resolved: readonly Sample[],
  trainingDays: number,
  validationDays: number,
): { trainRows: Sample[]; validation: Sample[] } {
  const tailStart = resolved.length - validationDays * 9;
  const validation = resolved.slice(tailStart);
  const trainRows = resolved
    .slice(0, tailStart)
    .filter((s) => s.regime !== 'crash')
    .slice(-trainingDays * 9);
  return { trainRows, validation };
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
  const validationDays = o.validationDays ?? 90;
  const cooldown = o.retrainCooldown ?? 40;
  const watchDays = o.watchDays ?? 30;
  const retrainEvery = o.retrainEvery ?? 42;
  const watchSignificance = o.watchSignificance ?? 0.05;
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
        // drift's documented defaults (per-step CUSUMs over trading days, BACKTEST.md), requests from the market's daily move
        drift: { options: { cusum: { features: ['spy_ret_1d'] } } },
        replay: {
          options: { featureNames: [...FEATURES], maxSize: 1000, seed, replayFraction: 0.05, replayWeight: 1 },
        },
        gate: {
          options: {
            root: o.workDir,
            modelsDir: MODELS,
            productionFile: 'production/direction_model.json',
            productionDir: 'production/direction_model.d',
            minSamples: 100,
          },
        },
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
    const stress = c.resolve(stressHistoryToken);
    const requests: (RetrainingRequest & { day: number })[] = [];
    let today = firstLive;
    c.resolve(driftEventsToken).on('retrainingRequested', (r) => requests.push({ ...r, day: today }));

    const resolvedBefore = (day: number) => samples.filter((s) => s.label !== null && s.dayIndex + HORIZON <= day);
    const setBaseline = (rows: readonly Sample[], model: VolatilityModel) =>
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
    const predictionsOf = (model: VolatilityModel, validation: readonly Sample[]): ValidationPrediction[] =>
      validation.map((s) => {
        const p = predict(model, s.x);
        return {
          symbol: s.symbol,
          regime: s.regime,
          predictedLabel: p.label,
          actualLabel: s.label as number,
          confidence: p.confidence,
          features: s.features,
        };
      });
    const validate = async (
      model: VolatilityModel,
      path: string,
      day: number,
      trainRows: readonly Sample[],
      validation: readonly Sample[],
      champion: VolatilityModel | null,
      extra: Record<string, unknown>,
    ) => {
      const predictions = predictionsOf(model, validation);
      // what the candidate learnt from, for drift.drift_score (its world against the validation weeks)
      const trainingFeatures = Object.fromEntries(FEATURES.map((f) => [f, trainRows.map((s) => s.features[f])]));
      // the live model on the very same rows: the paired comparison replay_improvement judges
      const baseline = champion ? { baselinePredictions: predictionsOf(champion, validation) } : {};
      // the crash episodes already in the prediction log, predicted by the candidate (never trained on)
      const stressRows = await stress.rows();
      const stressPredictions = stressRows.map((r) => ({
        id: r.id,
        predictedLabel: predict(
          model,
          FEATURES.map((f) => r.features[f] as number),
        ).label,
      }));
      const report = await gate.validateModel(
        relative(o.workDir, path),
        { predictions, ...baseline, stressPredictions, trainingFeatures, ...extra },
        { actor: 'demo-pipeline' },
      );
      decisions.push({
        date: days[day] as string,
        model: model.version,
        approved: report.approved,
        checks: report.results.map((r) => ({
          id: r.id,
          status: r.status,
          value: r.value ?? null,
          threshold: r.threshold ?? null,
          message: r.message,
        })),
        action: 'validate',
      });
      return report;
    };
    const r0 = await validate(live, m0Path, firstLive, first.trainRows, v0, null, {});
    if (!r0.approved) {
      await gate.overrideModel(`${MODELS}/candidates/m0.json`, {
        actor: 'demo-bootstrap',
        reason: 'initial deployment: there is no production model to keep',
      });
      decisions.push({
        date: days[firstLive] as string,
        model: 'm0',
        approved: false,
        checks: [],
        action: 'override',
        note: 'demo-bootstrap: initial deployment, there is no production model to keep',
      });
    } else await gate.promoteModel(`${MODELS}/candidates/m0.json`);
    await setBaseline(first.trainRows.slice(-250 * 9), live);

    const accuracyOn = (m: VolatilityModel, rows: readonly Sample[]) =>
      rows.length ? rows.filter((s) => predict(m, s.x).label === s.label).length / rows.length : null;
    let lastRetrain = firstLive;
    let lastAskedRetrain = -Infinity;
    const drill = o.emergencyDrill ?? true;
    let drilled = false;
    let version = 0;
    const replayFigures: DemoSummary['replay']['retrains'][number][] = [];
    /** Each live prediction's label, by sample id: the live record the summary scores. */
    const livePredicted = new Map<string, number>();
    /** After a promotion: the replaced model keeps scoring in the pipeline (never acted on) until the watch ends. */
    let watch: {
      since: number;
      until: number;
      replaced: VolatilityModel;
      promoted: VolatilityModel;
      rows: Sample[];
    } | null = null;
    const watches: DemoSummary['watches'][number][] = [];
    for (let day = firstLive; day < days.length; day++) {
      today = day;
      const todays = byDay.get(day) ?? [];
      await host.observe(
        todays.map((s) => {
          const p = predict(live, s.x);
          livePredicted.set(s.id, p.label);
          return {
            id: s.id,
            timestamp: `${s.date}T21:00:00.000Z`,
            symbol: s.symbol,
            regime: s.regime,
            features: s.features,
            predictedLabel: p.label,
            confidence: p.confidence,
            modelVersion: live.version,
          };
        }),
      );
      if (watch && day < watch.until) watch.rows.push(...todays.filter((s) => s.label !== null));
      const due = (byDay.get(day - HORIZON) ?? []).filter((s) => s.label !== null && day - HORIZON >= firstLive);
      if (due.length)
        await host.resolve(
          due.map((s) => ({ id: s.id, actualLabel: s.label as number, resolvedAt: `${s.date}T21:00:00.000Z` })),
        );
      o.onProgress?.(day - firstLive + 1, days.length - firstLive, days[day] as string);

      // The watch ends once every prediction made during it has resolved: roll back if the
      // promoted model did significantly worse than the one it replaced on the same rows.
      if (watch && day === watch.until + HORIZON) {
        const w = watch;
        watch = null;
        // the sign test over days (core's pairedByDay): the rows of one day are not independent
        const test = pairedByDay(
          w.rows.map((s) => ({
            day: s.dayIndex,
            old: predict(w.replaced, s.x).label === s.label,
            new: predict(w.promoted, s.x).label === s.label,
          })),
        );
        const promotedAccuracy = test.newAccuracy ?? 0;
        const replacedAccuracy = test.oldAccuracy ?? 0;
        const rolledBack = test.pWorse < watchSignificance;
        watches.push({
          promoted: w.promoted.version,
          replaced: w.replaced.version,
          from: days[w.since] as string,
          to: days[w.until - 1] as string,
          rows: w.rows.length,
          promotedAccuracy,
          replacedAccuracy,
          pReplacedBetter: test.pWorse,
          rolledBack,
        });
        if (rolledBack) {
          const why = `${w.promoted.version} did worse live than ${w.replaced.version} over ${w.rows.length} rows (${(promotedAccuracy * 100).toFixed(1)}% vs ${(replacedAccuracy * 100).toFixed(1)}%, better on ${test.daysNewBetter} days vs ${test.daysOldBetter}, sign test one-sided p=${test.pWorse.toPrecision(3)})`;
          await gate.rollback({ actor: 'demo-watch', notes: why });
          decisions.push({
            date: days[day] as string,
            model: w.replaced.version,
            approved: true,
            checks: [],
            action: 'rollback',
            note: `demo-watch: ${why}`,
          });
          live = w.replaced;
        }
      }

      // Retrain when drift asks (at most once per cooldown) or on schedule; never while a promotion is watched.
      const asked = requests.some((r) => r.day === day) && day - lastAskedRetrain >= cooldown;
      const scheduled = day - lastRetrain >= retrainEvery;
      if (!(asked || scheduled) || watch) continue;
      // Retrain: recent resolved history minus a held-out validation tail, plus the replay mix.
      lastRetrain = day;
      if (asked) lastAskedRetrain = day;
      version++;
      const { trainRows, validation } = splitForValidation(resolvedBefore(day), trainingDays, validationDays);
      const mix = await buffer.buildTrainingMix(
        { features: trainRows.map((s) => s.x), labels: trainRows.map((s) => s.label as number) },
        // the live model's own mistakes: each model keeps its own buffer
        { seed: seed + version, model: live.version },
      );
      const candidate = train(`m${version}`, days[day - HORIZON] as string, mix);
      const withoutReplay = train(`m${version}-noreplay`, days[day - HORIZON] as string, trainingSetOf(trainRows));
      const path = join(o.workDir, MODELS, 'candidates', `m${version}.json`);
      saveModel(candidate, path);
      // every buffered error, the held-out ones (never in the training mix) included: only those are judged
      const mine = { model: live.version };
      const buffered = [...(await buffer.getBufferedSamples(mine)), ...(await buffer.getHeldOutSamples(mine))];
      const heldOut = await buffer.getHeldOutSamples(mine);
      const replayPredictions = buffered.map((b) => ({
        bufferId: b.bufferId,
        predictedLabel: predict(candidate, b.features).label,
      }));
      const replayBaselinePredictions = buffered.map((b) => ({
        bufferId: b.bufferId,
        predictedLabel: predict(live, b.features).label,
      }));
      const fixedWith = heldOut.filter((b) => predict(candidate, b.features).label === b.actualLabel).length;
      const fixedWithout = heldOut.filter((b) => predict(withoutReplay, b.features).label === b.actualLabel).length;
      replayFigures.push({
        date: days[day] as string,
        model: candidate.version,
        buffered: buffered.length,
        heldOut: heldOut.length,
        replayRows: mix.isReplay.filter(Boolean).length,
        fixedWithReplay: heldOut.length ? fixedWith / heldOut.length : null,
        fixedWithoutReplay: heldOut.length ? fixedWithout / heldOut.length : null,
        accuracyWithReplay: accuracyOn(candidate, validation),
        accuracyWithoutReplay: accuracyOn(withoutReplay, validation),
        liveAccuracy: accuracyOn(live, validation),
      });
      const report = await validate(candidate, path, day, trainRows, validation, live, {
        replayPredictions,
        replayBaselinePredictions,
      });
      if (report.approved) {
        await gate.promoteModel(`${MODELS}/candidates/m${version}.json`, { actor: 'demo-pipeline' });
        decisions.push({
          date: days[day] as string,
          model: candidate.version,
          approved: true,
          checks: [],
          action: 'promote',
        });
        watch = { since: day + 1, until: day + 1 + watchDays, replaced: live, promoted: candidate, rows: [] };
        live = candidate;
        await setBaseline(trainRows.slice(-250 * 9), live);
        await buffer.clearBuffer();
      } else if (drill && !drilled && asked && todays[0]?.regime === 'crash') {
        // The emergency path, once: in the first crash, on-call pushes a retrain made with the
        // spec's heavy replay mix (20% replay rows at 3x weight) past the gate by override. The
        // watch then judges it live against the model it replaced, like any promotion.
        drilled = true;
        const heavy = train(
          `m${version}-replay20`,
          days[day - HORIZON] as string,
          await buffer.buildTrainingMix(trainingSetOf(trainRows), {
            seed: seed + version,
            model: live.version,
            replayFraction: 0.2,
            replayWeight: 3,
          }),
        );
        const heavyPath = join(o.workDir, MODELS, 'candidates', `${heavy.version}.json`);
        saveModel(heavy, heavyPath);
        const r = await validate(heavy, heavyPath, day, trainRows, validation, live, {});
        if (!r.approved) {
          await gate.overrideModel(`${MODELS}/candidates/${heavy.version}.json`, {
            actor: 'demo-oncall',
            reason: 'emergency during the crash: ship the retrain with the spec replay mix now, gate checks overridden',
          });
          decisions.push({
            date: days[day] as string,
            model: heavy.version,
            approved: false,
            checks: [],
            action: 'override',
            note: 'demo-oncall: emergency during the crash, gate checks overridden',
          });
          watch = { since: day + 1, until: day + 1 + watchDays, replaced: live, promoted: heavy, rows: [] };
          live = heavy;
        }
      }
    }

    const scored = samples.filter((s) => s.label !== null && livePredicted.has(s.id));
    const share = (f: (s: Sample) => boolean) => (scored.length ? scored.filter(f).length / scored.length : null);
    const skill = {
      target: "next 5 trading days' Parkinson volatility above the stock's one-year median (a high-volatility week)",
      rows: scored.length,
      model: share((s) => livePredicted.get(s.id) === s.label),
      persistence: share((s) => s.persistence === s.label),
      // paired on the same rows: is the model better than "next week like this week"?
      pBetterThanPersistence: pairedByDay(
        scored.map((s) => ({
          day: s.dayIndex,
          old: s.persistence === s.label,
          new: livePredicted.get(s.id) === s.label,
        })),
      ).pBetter,
      majority: (() => {
        const ones = share((s) => s.label === 1);
        return ones === null ? null : Math.max(ones, 1 - ones);
      })(),
    };

    // figures are per model: the weakest sectors and the buffer of the model live at the end
    const weakest = tracker.getWeakestSectors(3, { model: live.version });
    const stats = await buffer.getErrorStats({ model: live.version });
    const alarms = await host.container.resolve(driftHistoryToken).read({ detectedOnly: true });
    const episodes = await host.container.resolve(driftHistoryToken).episodes();
    const summary: DemoSummary = {
      period: { from: days[firstLive] as string, to: days.at(-1) as string, tradingDays: days.length - firstLive },
      predictions: samples.filter((s) => s.dayIndex >= firstLive).length,
      resolved: (await host.container.resolve(predictionLogToken).counts()).resolved,
      accuracy: (() => {
        // the live system's accuracy: every model's predictions while it was live, summed explicitly
        const perf = tracker.models().flatMap((model) => Object.values(tracker.getSectorPerformance({ model })));
        const total = perf.reduce((a, p) => a + p.total, 0);
        return total ? perf.reduce((a, p) => a + p.correct, 0) / total : null;
      })(),
      driftAlerts: alarms.map((r) => ({
        date: r.timestamp.slice(0, 10),
        type: r.type,
        statistic: Number(r.statistic),
      })),
      retrainingRequests: requests.map((r) => ({
        date: days[r.day] as string,
        model: r.model,
        reasons: r.reasons,
        features: r.driftedFeatures,
      })),
      driftEpisodes: episodes.map((e) => ({
        model: e.model,
        onset: e.onset,
        end: e.end,
        peak: e.peak,
        peakDate: e.peakStep,
        statistics: e.statistics,
      })),
      weakestSectors: weakest.sectors.map((s) => ({
        sector: s.sector,
        accuracy: s.accuracy,
        upper: s.interval.upper,
        resolved: s.total,
      })),
      insufficientSectors: weakest.insufficientEvidence.map((s) => s.sector),
      replay: {
        stats: {
          total: stats.totalErrors,
          byRegime: stats.byRegime,
          avgConfidence: stats.avgConfidence,
          highConfidence: stats.highConfidenceErrors,
          replayed: stats.replayedErrors,
        },
        retrains: replayFigures,
      },
      gate: decisions,
      historyVerified: (await gate.verifyHistory()).ok,
      liveModel: live.version,
      skill,
      watches,
    };
    if (!o.keepHost) await host.stop();
    return o.keepHost ? { summary, host } : { summary };
  } catch (e) {
    await host.stop().catch(() => undefined);
    throw e;
  }
}
