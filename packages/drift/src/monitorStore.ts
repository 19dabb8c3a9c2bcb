import { type Dialect, bulkInsert, dialectOf, placeholder, quoteIdent } from '@vigil/core';
import type { EntityManager } from 'typeorm';
import type { EpisodeState } from './Episode.js';
import type { ClosedStep, PanelCoreState } from './PanelDrift.js';
import { decodeStep, encodeStep } from './stepJson.js';
import { DRIFT_STATE_TABLE } from './entities/DriftState.js';
import { DRIFT_STEPS_TABLE } from './entities/DriftStep.js';

/** What drift_state holds per model: everything but the closed steps (those are rows of drift_steps). */
export interface PersistedModelState {
  readonly features: readonly string[];
  readonly core: PanelCoreState;
  readonly episode: EpisodeState | null;
}

export interface LoadedModel {
  readonly state: PersistedModelState;
  readonly history: ClosedStep[];
}

/** Every model's persisted state with its last `keep` closed steps, oldest first. */
export async function loadModels(manager: EntityManager, keep: number): Promise<Map<string, LoadedModel>> {
  const ph = placeholder(dialectOf(manager.connection) as Dialect);
  const states = (await manager.query(
    `SELECT model_version, state_json FROM ${quoteIdent(DRIFT_STATE_TABLE)} ORDER BY model_version`,
  )) as { model_version: string; state_json: string }[];
  const out = new Map<string, LoadedModel>();
  for (const s of states) {
    const rows = (await manager.query(
      `SELECT step_json FROM ${quoteIdent(DRIFT_STEPS_TABLE)} WHERE model_version = ${ph(1)} ORDER BY id DESC LIMIT ${ph(2)}`,
      [s.model_version, keep],
    )) as { step_json: string }[];
    out.set(s.model_version, {
      state: JSON.parse(s.state_json) as PersistedModelState,
      history: rows.reverse().map((r) => decodeStep(r.step_json)),
    });
  }
  return out;
}

/**
 * Writes one model's state after a batch, inside the batch's transaction: its newly closed steps
 * (then drops the ones it no longer needs) and its state row.
 */
export async function saveModel(
  manager: EntityManager,
  model: string,
  state: PersistedModelState,
  newSteps: readonly ClosedStep[],
  keep: number,
  now: string,
): Promise<void> {
  const ph = placeholder(dialectOf(manager.connection) as Dialect);
  if (newSteps.length) {
    await bulkInsert(
      manager,
      DRIFT_STEPS_TABLE,
      ['model_version', 'step', 'step_json'],
      newSteps.map((s) => [model, s.step, encodeStep(s)]),
    );
    const cut = (await manager.query(
      `SELECT id FROM ${quoteIdent(DRIFT_STEPS_TABLE)} WHERE model_version = ${ph(1)} ORDER BY id DESC LIMIT 1 OFFSET ${ph(2)}`,
      [model, keep - 1],
    )) as { id: unknown }[];
    if (cut.length)
      await manager.query(
        `DELETE FROM ${quoteIdent(DRIFT_STEPS_TABLE)} WHERE model_version = ${ph(1)} AND id < ${ph(2)}`,
        [model, Number(cut[0]?.id)],
      );
  }
  await manager.query(
    `INSERT INTO ${quoteIdent(DRIFT_STATE_TABLE)} (model_version, state_json, updated_at) VALUES (${ph(1)}, ${ph(2)}, ${ph(3)})
     ON CONFLICT (model_version) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at`,
    [model, JSON.stringify(state), now],
  );
}
