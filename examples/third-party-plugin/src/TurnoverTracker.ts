import { type HookContext, type PredictionRecord, dialectOf, placeholder } from '@vigil/core';
import type { DataSource } from 'typeorm';

/** Counts how often a model flips its call for the same symbol from one prediction to the next. */
export class TurnoverTracker {
  readonly last = new Map<string, number>();
  constructor(readonly ds: DataSource) {}

  /** Share of consecutive predictions (per symbol) where the call flipped; undefined before any pair. */
  async rate(modelVersion: string): Promise<number | undefined> {
    const ph = placeholder(dialectOf(this.ds));
    const [row] = await this.ds.query(`SELECT flips, total FROM acme_turnover WHERE model_version = ${ph(1)}`, [
      modelVersion,
    ]);
    return row && Number(row.total) > 0 ? Number(row.flips) / Number(row.total) : undefined;
  }

  /** Every model version's turnover, highest first. */
  async all(): Promise<{ modelVersion: string; flips: number; total: number; rate: number | null }[]> {
    const rows = (await this.ds.query(
      'SELECT model_version, flips, total FROM acme_turnover ORDER BY model_version',
    )) as { model_version: string; flips: unknown; total: unknown }[];
    return rows
      .map((r) => ({
        modelVersion: r.model_version,
        flips: Number(r.flips),
        total: Number(r.total),
        rate: Number(r.total) > 0 ? Number(r.flips) / Number(r.total) : null,
      }))
      .sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1));
  }

  /** The observe hook: same transaction as the prediction log; memory follows only a commit. */
  async observe(records: readonly PredictionRecord[], { manager, afterCommit }: HookContext): Promise<void> {
    const last = new Map(this.last);
    const counts = new Map<string, { flips: number; total: number }>();
    for (const r of records) {
      const prev = last.get(r.symbol);
      const c = counts.get(r.modelVersion) ?? { flips: 0, total: 0 };
      if (prev !== undefined) {
        c.total++;
        if (prev !== r.predictedLabel) c.flips++;
      }
      counts.set(r.modelVersion, c);
      last.set(r.symbol, r.predictedLabel);
    }
    const pg = manager.connection.options.type === 'postgres';
    for (const [mv, c] of counts) {
      await manager.query(
        pg
          ? 'INSERT INTO acme_turnover (model_version, flips, total) VALUES ($1, $2, $3) ON CONFLICT (model_version) DO UPDATE SET flips = acme_turnover.flips + $2, total = acme_turnover.total + $3'
          : 'INSERT INTO acme_turnover (model_version, flips, total) VALUES (?1, ?2, ?3) ON CONFLICT (model_version) DO UPDATE SET flips = flips + ?2, total = total + ?3',
        [mv, c.flips, c.total],
      );
    }
    afterCommit(() => {
      for (const [k, v] of last) this.last.set(k, v);
    });
  }
}
