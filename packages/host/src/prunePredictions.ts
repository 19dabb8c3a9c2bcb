import { type RetentionPolicy, VigilError, dialectOf, placeholder } from '@vigil/core';
import type { EntityManager } from 'typeorm';
import { PREDICTIONS_TABLE } from './predictionLog.js';

export interface PruneResult {
  /** Rows deleted (or, on a dry run, that would be). */
  readonly deleted: number;
  /** Of those, rows past the age limit. */
  readonly byAge: number;
  /** Of those, rows past a model's row limit (and not already past the age limit). */
  readonly byRows: number;
  /** The observed_at cut-off the age limit used, if any. */
  readonly cutoff: string | null;
}

/**
 * The retention policy for the raw prediction log (`vigil_predictions`): deletes RESOLVED rows
 * observed more than `days` days before `now`, and, per model version, resolved rows older than
 * its `rowsPerModel` newest rows (all rows count towards the N; observed_at then id orders them).
 * Unresolved rows are always kept (an outcome may still arrive for them). Nothing else is
 * touched: sector_performance, the replay buffer (its own copy of features), drift checks and
 * episodes, drift baselines and gate history keep their rows. One statement per limit, on the
 * observed_at index, inside the caller's transaction.
 */
export async function prunePredictions(
  m: EntityManager,
  policy: RetentionPolicy,
  now: Date,
  dryRun = false,
): Promise<PruneResult> {
  checkPolicy(policy);
  const ph = placeholder(dialectOf(m.connection));
  const T = PREDICTIONS_TABLE;
  const run = async (where: string, params: unknown[]): Promise<number> => {
    const [r] = (await m.query(`SELECT COUNT(*) AS n FROM ${T} WHERE ${where}`, params)) as { n: unknown }[];
    const n = Number(r?.n ?? 0);
    if (!dryRun && n > 0) await m.query(`DELETE FROM ${T} WHERE ${where}`, params);
    return n;
  };
  let byAge = 0;
  let cutoff: string | null = null;
  if (policy.days !== undefined) {
    cutoff = new Date(now.getTime() - policy.days * 86_400_000).toISOString();
    byAge = await run(`observed_at < ${ph(1)} AND actual_label IS NOT NULL`, [cutoff]);
  }
  let byRows = 0;
  if (policy.rowsPerModel !== undefined) {
    const models = (await m.query(`SELECT DISTINCT model_version FROM ${T}`)) as { model_version: string }[];
    for (const { model_version: model } of models) {
      // the newest row past the limit: it and every older resolved row of this model go
      const [edge] = (await m.query(
        `SELECT observed_at, id FROM ${T} WHERE model_version = ${ph(1)} ORDER BY observed_at DESC, id DESC LIMIT 1 OFFSET ${ph(2)}`,
        [model, policy.rowsPerModel],
      )) as { observed_at: string; id: string }[];
      if (!edge) continue;
      const age = cutoff === null ? '' : ` AND observed_at >= ${ph(5)}`; // not counted twice on a dry run
      byRows += await run(
        `model_version = ${ph(1)} AND actual_label IS NOT NULL AND (observed_at < ${ph(2)} OR (observed_at = ${ph(3)} AND id <= ${ph(4)}))${age}`,
        [model, edge.observed_at, edge.observed_at, edge.id, ...(cutoff === null ? [] : [cutoff])],
      );
    }
  }
  return { deleted: byAge + byRows, byAge, byRows, cutoff };
}

function checkPolicy(p: RetentionPolicy): void {
  for (const key of ['days', 'rowsPerModel'] as const) {
    const v = p[key];
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
      throw new VigilError(
        'VIGIL_INVALID_INPUT',
        `retention.${key} must be a positive integer, got ${String(v)}; nothing was deleted`,
        {
          issues: [{ path: `retention.${key}`, message: 'must be a positive integer', value: v }],
        },
      );
    }
  }
  if (p.days === undefined && p.rowsPerModel === undefined) {
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      'retention needs days or rowsPerModel (config key `retention`, or `vigil prune --days N --rows-per-model N`); nothing was deleted',
      {
        issues: [{ path: 'retention', message: 'needs days or rowsPerModel', value: p }],
      },
    );
  }
}
