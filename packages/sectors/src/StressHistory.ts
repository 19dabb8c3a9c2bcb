import { PREDICTIONS_TABLE, type Transactor, dialectOf, placeholder } from '@vigil/core';

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
    private readonly transactor: Transactor,
    private readonly regime: string,
  ) {}

  async rows(o: { regime?: string; modelVersion?: string; limit?: number } = {}): Promise<StressRow[]> {
    return this.transactor.run(async (tx) => {
      const ph = placeholder(dialectOf(tx.manager.connection));
      const params: unknown[] = [o.regime ?? this.regime];
      let sql = `SELECT id, timestamp, symbol, regime, features_json, actual_label, model_version FROM ${PREDICTIONS_TABLE} WHERE regime = ${ph(1)} AND actual_label IS NOT NULL`;
      if (o.modelVersion !== undefined) {
        params.push(o.modelVersion);
        sql += ` AND model_version = ${ph(params.length)}`;
      }
      sql += ' ORDER BY timestamp, id';
      if (o.limit !== undefined) sql += ` LIMIT ${Math.max(0, Math.floor(o.limit))}`;
      const rows = (await tx.manager.query(sql, params)) as Record<string, unknown>[];
      return rows.map((r) => ({
        id: String(r.id),
        timestamp: String(r.timestamp),
        symbol: String(r.symbol),
        regime: String(r.regime),
        features: JSON.parse(String(r.features_json)) as Record<string, number>,
        actual: Number(r.actual_label),
        modelVersion: String(r.model_version),
      }));
    });
  }

  /** The logged outcomes of the given ids that are in the stress regime and resolved. */
  async outcomes(ids: readonly string[], regime = this.regime): Promise<Map<string, StressRow>> {
    const wanted = new Set(ids);
    const out = new Map<string, StressRow>();
    for (const r of await this.rows({ regime })) if (wanted.has(r.id)) out.set(r.id, r);
    return out;
  }
}
