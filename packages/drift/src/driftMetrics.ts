import type { MetricDefinition, MetricSample } from '@vigil/core';
import type { DriftEvent, DriftHistory } from './DriftHistory.js';
import type { DriftMonitor } from './DriftMonitor.js';
import type { ClosedStep } from './PanelDrift.js';
import type { DriftOptions } from './config.js';

interface Snapshot {
  readonly models: {
    readonly model: string;
    readonly episodeOpen: boolean;
    readonly episodes: number;
    readonly cusum: Readonly<Record<string, number>>;
    readonly step: ClosedStep | undefined;
    readonly checks: readonly DriftEvent[];
  }[];
}

interface FeatureDetail {
  readonly feature: string;
  readonly statistic: number;
  /** null for an untestable feature. */
  readonly threshold: number | null;
  readonly drifted: boolean;
  readonly status?: string;
}

/**
 * Drift state and statistics per model and feature for `GET /metrics` (docs/api.md, Metrics): the monitor's
 * committed streaming state (episodes, CUSUM sums, the last closed step) and each model's latest window checks
 * from drift_monitoring, read once per scrape.
 */
export function driftMetrics(monitor: DriftMonitor, history: DriftHistory, options: DriftOptions): MetricDefinition[] {
  let pending: Promise<Snapshot> | null = null;
  const read = async (): Promise<Snapshot> => {
    const models = [];
    for (const model of monitor.models) {
      const stream = monitor.streamOf(model);
      models.push({
        model,
        episodeOpen: monitor.episodeOf(model) !== null,
        episodes: await history.episodeCount(model),
        cusum: stream?.cusum ?? {},
        step: stream?.lastStep,
        checks: await history.latestChecks(model),
      });
    }
    return { models };
  };
  const snapshot = (): Promise<Snapshot> => {
    pending ??= read().finally(() => queueMicrotask(() => (pending = null)));
    return pending;
  };
  const perModel =
    (f: (m: Snapshot['models'][number]) => MetricSample[]): (() => Promise<MetricSample[]>) =>
    async () =>
      (await snapshot()).models.flatMap(f);
  const features = (m: Snapshot['models'][number]): FeatureDetail[] =>
    ((m.checks.find((c) => c.type === 'feature')?.details?.features as FeatureDetail[] | undefined) ?? []).filter((f) =>
      Number.isFinite(f.statistic),
    );
  return [
    {
      name: 'vigil_drift_episode_open',
      type: 'gauge',
      labelNames: ['model'],
      help: '1 while the model has an open drift episode, else 0',
      collect: perModel((m) => [{ labels: { model: m.model }, value: m.episodeOpen ? 1 : 0 }]),
    },
    {
      name: 'vigil_drift_retraining_requests_total',
      type: 'counter',
      labelNames: ['model'],
      help: 'Retraining requests raised for the model: one per drift episode that began while the model was live (a shadow or retired model asks none)',
      collect: perModel((m) => [{ labels: { model: m.model }, value: m.episodes }]),
    },
    {
      name: 'vigil_drift_cusum_sum',
      type: 'gauge',
      labelNames: ['model', 'statistic'],
      help: 'Per-step CUSUM sum (larger side, in reference standard deviations; alarm above vigil_drift_cusum_threshold); statistic is <feature>:abs, <feature>:level, confidence or class:<label>',
      collect: perModel((m) =>
        Object.entries(m.cusum).map(([statistic, value]) => ({ labels: { model: m.model, statistic }, value })),
      ),
    },
    {
      name: 'vigil_drift_cusum_threshold',
      type: 'gauge',
      help: 'The CUSUM alarm level h (reference standard deviations)',
      collect: () => (options.cusum ? [{ value: options.cusum.h }] : []),
    },
    {
      name: 'vigil_drift_step_records',
      type: 'gauge',
      labelNames: ['model'],
      help: "Predictions in the model's last closed step",
      collect: perModel((m) => (m.step ? [{ labels: { model: m.model }, value: m.step.stats.n }] : [])),
    },
    {
      name: 'vigil_drift_step_mean',
      type: 'gauge',
      labelNames: ['model', 'feature'],
      help: "Cross-sectional mean of the feature (after its per-symbol transform) in the model's last closed step",
      collect: perModel((m) =>
        Object.entries(m.step?.stats.features ?? {})
          .filter(([, x]) => x[0] > 0)
          .map(([feature, x]) => ({ labels: { model: m.model, feature }, value: x[1] })),
      ),
    },
    {
      name: 'vigil_drift_step_sd',
      type: 'gauge',
      labelNames: ['model', 'feature'],
      help: "Cross-sectional standard deviation (population) of the feature in the model's last closed step",
      collect: perModel((m) =>
        Object.entries(m.step?.stats.features ?? {})
          .filter(([, x]) => x[0] > 0)
          .map(([feature, x]) => ({ labels: { model: m.model, feature }, value: Math.sqrt(x[2]) })),
      ),
    },
    {
      name: 'vigil_drift_step_confidence',
      type: 'gauge',
      labelNames: ['model'],
      help: "Mean confidence of the model's predictions in its last closed step",
      collect: perModel((m) =>
        m.step && m.step.stats.predictions > 0 ? [{ labels: { model: m.model }, value: m.step.stats.confidence }] : [],
      ),
    },
    {
      name: 'vigil_drift_ks_statistic',
      type: 'gauge',
      labelNames: ['model', 'feature'],
      help: "KS statistic D of the feature in the model's latest window check (window of windowSteps steps vs its baseline)",
      collect: perModel((m) =>
        features(m).map((f) => ({ labels: { model: m.model, feature: f.feature }, value: f.statistic })),
      ),
    },
    {
      name: 'vigil_drift_ks_threshold',
      type: 'gauge',
      labelNames: ['model', 'feature'],
      help: 'The threshold that check judged the feature against (calibrated on the baseline); absent for an untestable feature (see vigil_drift_feature_untestable)',
      collect: perModel((m) =>
        features(m)
          .filter((f) => typeof f.threshold === 'number' && Number.isFinite(f.threshold))
          .map((f) => ({ labels: { model: m.model, feature: f.feature }, value: f.threshold as number })),
      ),
    },
    {
      name: 'vigil_drift_feature_untestable',
      type: 'gauge',
      labelNames: ['model', 'feature'],
      help: "1 when the model's latest window check could not test the feature (its calibrated threshold is above 1, the largest D there is), else 0",
      collect: perModel((m) =>
        features(m).map((f) => ({
          labels: { model: m.model, feature: f.feature },
          value: f.status === 'untestable' ? 1 : 0,
        })),
      ),
    },
    {
      name: 'vigil_drift_feature_drifted',
      type: 'gauge',
      labelNames: ['model', 'feature'],
      help: "1 when the feature drifted in the model's latest window check, else 0",
      collect: perModel((m) =>
        features(m).map((f) => ({ labels: { model: m.model, feature: f.feature }, value: f.drifted ? 1 : 0 })),
      ),
    },
    {
      name: 'vigil_drift_check_detected',
      type: 'gauge',
      labelNames: ['model', 'type'],
      help: "1 when the model's latest window check of this type (feature, regime, prediction) flagged drift, else 0",
      collect: perModel((m) =>
        m.checks.map((c) => ({ labels: { model: m.model, type: c.type }, value: c.detected ? 1 : 0 })),
      ),
    },
    {
      name: 'vigil_drift_check_statistic',
      type: 'gauge',
      labelNames: ['model', 'type'],
      help: "The latest window check's statistic: feature max D, regime total variation, prediction shift",
      collect: perModel((m) =>
        m.checks
          .filter((c) => c.statistic !== null)
          .map((c) => ({ labels: { model: m.model, type: c.type }, value: c.statistic as number })),
      ),
    },
  ];
}
