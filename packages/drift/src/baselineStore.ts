import { type Dialect, bulkInsert, dialectOf, placeholder, quoteIdent } from '@vigil/core';
import type { EntityManager } from 'typeorm';
import type { ReplayCalibration } from './calibrate.js';
import { DRIFT_BASELINE_TABLE, type DriftBaselineRow } from './entities/DriftBaseline.js';
import type { ClosedStep } from './PanelDrift.js';
import type { PredictionSample } from './mixDrift.js';

/** A baseline as stored: raw (untransformed) time-ordered feature series. */
export interface StoredBaseline {
  readonly features: Map<string, Float64Array>;
  readonly regimes: string[] | undefined;
  readonly predictions: PredictionSample[] | undefined;
  readonly calibration: ReplayCalibration | undefined;
  /** The baseline's steps (statistics only): the CUSUMs' first reference for a model that starts on it. */
  readonly steps?: readonly ClosedStep[] | undefined;
}

/**
 * Replaces the stored baseline inside the caller's transaction. On PostgreSQL the table is
 * locked first, so two processes saving at once take turns and the last one wins whole (as
 * SQLite's single writer does); otherwise the second DELETE misses the first's uncommitted
 * rows and its INSERT fails on idx_drift_baseline_kind_name.
 */
export async function saveBaseline(manager: EntityManager, b: StoredBaseline, now: string, model = '*'): Promise<void> {
  const dialect = dialectOf(manager.connection) as Dialect;
  if (dialect === 'postgres') await manager.query(`LOCK TABLE ${quoteIdent(DRIFT_BASELINE_TABLE)} IN EXCLUSIVE MODE`);
  await manager.query(
    `DELETE FROM ${quoteIdent(DRIFT_BASELINE_TABLE)} WHERE model_version = ${placeholder(dialect)(1)}`,
    [model],
  );
  const rows: unknown[][] = [];
  for (const [name, v] of b.features) rows.push(['feature', name, v.length, JSON.stringify(Array.from(v)), now]);
  if (b.regimes) rows.push(['regimes', 'regimes', b.regimes.length, JSON.stringify(b.regimes), now]);
  if (b.predictions)
    rows.push([
      'predictions',
      'predictions',
      b.predictions.length,
      JSON.stringify(b.predictions.map((p) => [p.label, p.confidence])),
      now,
    ]);
  if (b.calibration)
    rows.push(['calibration', 'calibration', b.calibration.replays, JSON.stringify(b.calibration), now]);
  if (b.steps?.length)
    rows.push([
      'steps',
      'steps',
      b.steps.length,
      JSON.stringify(b.steps.map((s) => ({ step: s.step, timestamp: s.timestamp, stats: s.stats }))),
      now,
    ]);
  // one row per statement: a feature's JSON can be megabytes
  for (const r of rows)
    await bulkInsert(
      manager,
      DRIFT_BASELINE_TABLE,
      ['model_version', 'kind', 'name', 'size', 'values_json', 'created_at'],
      [[model, ...r]],
    );
}

/** Every stored baseline, by model ('*': the one for models without their own). */
export async function loadBaselines(manager: EntityManager): Promise<Map<string, StoredBaseline>> {
  const rows = (await manager.query(
    `SELECT model_version, kind, name, values_json FROM ${quoteIdent(DRIFT_BASELINE_TABLE)} ORDER BY id`,
  )) as Pick<DriftBaselineRow, 'model_version' | 'kind' | 'name' | 'values_json'>[];
  const byModel = new Map<string, typeof rows>();
  for (const r of rows) byModel.set(r.model_version, [...(byModel.get(r.model_version) ?? []), r]);
  const out = new Map<string, StoredBaseline>();
  for (const [model, list] of byModel) {
    const features = new Map<string, Float64Array>();
    let regimes: string[] | undefined;
    let predictions: PredictionSample[] | undefined;
    let calibration: ReplayCalibration | undefined;
    let steps: ClosedStep[] | undefined;
    for (const r of list) {
      const v = JSON.parse(r.values_json);
      if (r.kind === 'feature') features.set(r.name, Float64Array.from(v as number[]));
      else if (r.kind === 'regimes') regimes = v as string[];
      else if (r.kind === 'predictions')
        predictions = (v as [number, number][]).map(([label, confidence]) => ({ label, confidence }));
      else if (r.kind === 'calibration') calibration = v as ReplayCalibration;
      else if (r.kind === 'steps') steps = v as ClosedStep[];
    }
    if (features.size) out.set(model, { features, regimes, predictions, calibration, steps });
  }
  return out;
}
