import type { LoggedPrediction, PredictionLog } from '@vigil/core';

/** A resolved prediction from the log, in a stress regime. */
export interface StressRow {
  readonly id: string;
  readonly timestamp: string;
  readonly symbol: string;
  readonly regime: string;
  readonly features: Readonly<Record<string, number>>;
  readonly actualLabel: number;
  /** The model that logged this row; `rows()` without a model keeps one row per market event. */
  readonly modelVersion: string;
}

/** One market event: a symbol at a timestamp (its outcome is the same whichever model logged it). */
export const stressEventKey = (r: { readonly symbol: string; readonly timestamp: string }): string =>
  `${r.symbol}\u0000${r.timestamp}`;

/**
 * The stress episodes already in the prediction log: resolved predictions in a regime (the
 * crash regime by default), oldest first. A pipeline asks for them, has its candidate predict
 * them, and hands the predictions back as `validation.stressPredictions` ({ id, predictedLabel }).
 * Several models log the same market event (symbol and timestamp) under different ids; without
 * `modelVersion`, `rows()` keeps the first logged row of each event, so an event is never
 * counted once per model.
 */
export class StressHistory {
  constructor(
    private readonly log: PredictionLog,
    private readonly regime: string,
  ) {}

  async rows(o: { regime?: string; modelVersion?: string; limit?: number } = {}): Promise<StressRow[]> {
    const rows = await this.log.range({
      regime: o.regime ?? this.regime,
      resolved: true,
      ...(o.modelVersion !== undefined ? { modelVersion: o.modelVersion } : {}),
      ...(o.limit !== undefined ? { limit: o.limit } : {}),
    });
    const seen = new Set<string>();
    const events =
      o.modelVersion !== undefined
        ? rows
        : rows.filter((r) => {
            const k = stressEventKey(r);
            if (seen.has(k)) return false;
            seen.add(k);
            return true;
          });
    return events.map(stressRow);
  }

  /** The logged outcomes of the given ids (of any model) that are in the stress regime and resolved. */
  async outcomes(ids: readonly string[], regime = this.regime): Promise<Map<string, StressRow>> {
    const wanted = new Set(ids);
    const out = new Map<string, StressRow>();
    for (const r of await this.log.range({ regime, resolved: true })) if (wanted.has(r.id)) out.set(r.id, stressRow(r));
    return out;
  }
}

/** A resolved logged prediction as a stress row. */
function stressRow(r: LoggedPrediction): StressRow {
  return {
    id: r.id,
    timestamp: r.timestamp,
    symbol: r.symbol,
    regime: r.regime,
    features: r.features as Record<string, number>,
    actualLabel: r.actualLabel as number,
    modelVersion: r.modelVersion,
  };
}
