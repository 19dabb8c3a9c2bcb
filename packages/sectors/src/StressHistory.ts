import type { PredictionLog } from '@vigil/core';

/** A resolved prediction from the log, in a stress regime. */
export interface StressRow {
  readonly id: string;
  readonly timestamp: string;
  readonly symbol: string;
  readonly regime: string;
  readonly features: Readonly<Record<string, number>>;
  readonly actual: number;
  readonly modelVersion: string;
}

/**
 * The stress episodes already in the prediction log: resolved predictions in a regime (the
 * crash regime by default), oldest first. A pipeline asks for them, has its candidate predict
 * them, and hands the predictions back as `validation.stressPredictions` ({ id, predicted }).
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
    return rows.map((r) => ({
      id: r.id,
      timestamp: r.timestamp,
      symbol: r.symbol,
      regime: r.regime,
      features: r.features as Record<string, number>,
      actual: r.actualLabel as number,
      modelVersion: r.modelVersion,
    }));
  }

  /** The logged outcomes of the given ids that are in the stress regime and resolved. */
  async outcomes(ids: readonly string[], regime = this.regime): Promise<Map<string, StressRow>> {
    const wanted = new Set(ids);
    const out = new Map<string, StressRow>();
    for (const r of await this.rows({ regime })) if (wanted.has(r.id)) out.set(r.id, r);
    return out;
  }
}
