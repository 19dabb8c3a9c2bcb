import { EntitySchema } from 'typeorm';

export const SHADOW_TABLE = 'gate_shadow';

/**
 * One shadow observation: a challenger model whose predictions are logged under its own
 * `modelVersion` (never acted on) beside the champion's, from data time `since` to `until`.
 */
export interface ShadowRow {
  id: number;
  /** The challenger's model id, as its predictions carry it in `modelVersion`. */
  model: string;
  /** The champion's model id: the model in production whose rows it is compared with. */
  champion: string;
  /** The candidate's file or directory below the gate's root, when given: validation finds the shadow by it. */
  model_path: string | null;
  /** Data time (prediction `timestamp`, canonical ISO UTC) from which rows count. */
  since: string;
  /** Data time at which the observation stopped (exclusive); null while it runs. */
  until: string | null;
  /** Wall-clock times the shadow was started and stopped. */
  started_at: string;
  stopped_at: string | null;
  actor: string | null;
  notes: string | null;
}

export const ShadowRecordEntity = new EntitySchema<ShadowRow>({
  name: 'GateShadow',
  tableName: SHADOW_TABLE,
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    model: { type: 'text' },
    champion: { type: 'text' },
    model_path: { type: 'text', nullable: true },
    since: { type: 'text' },
    until: { type: 'text', nullable: true },
    started_at: { type: 'text' },
    stopped_at: { type: 'text', nullable: true },
    actor: { type: 'text', nullable: true },
    notes: { type: 'text', nullable: true },
  },
});
