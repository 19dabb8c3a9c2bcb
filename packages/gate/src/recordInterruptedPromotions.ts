import { stat } from 'node:fs/promises';
import type { Logger, Transactor } from '@vigil/core';
import type { DataSource } from 'typeorm';
import type { HistoryWriter } from './HistoryWriter.js';
import { readAllHistory } from './PromotionHistory.js';
import type { HistoryRow } from './historyChain.js';
import { figuresOf } from './historyRows.js';
import { hashModel } from './modelFiles.js';
import { type GatePaths, productionPath } from './paths.js';
import { decisionFor, lastProductionRow } from './productionRecord.js';

export interface RecoveryDeps {
  readonly paths: GatePaths;
  readonly dataSource: DataSource;
  readonly transactor: Transactor;
  readonly history: HistoryWriter;
  readonly logger: Logger;
}

/**
 * Makes the history name what production holds. A promotion renames the model into place
 * inside its history transaction; a process killed after the rename and before the commit
 * leaves production holding approved bytes that no row names. This appends the missing row
 * (marked `recovered` in criteria_json) and returns the rows it appended. The caller holds
 * the promotion lock.
 */
export async function recordInterruptedPromotions(d: RecoveryDeps, now: Date): Promise<HistoryRow[]> {
  const appended: HistoryRow[] = [];
  for (const kind of ['file', 'directory'] as const) {
    const target = productionPath(d.paths, kind);
    const present = await stat(target).then(
      (s) => (kind === 'file' ? s.isFile() : s.isDirectory()),
      () => false,
    );
    if (!present) continue;
    const sha = await hashModel(target, kind);
    const rows = await readAllHistory(d.dataSource.manager);
    const last = lastProductionRow(rows, kind);
    if (last?.model_sha256 === sha) continue;
    const decision = decisionFor(rows, sha);
    if (!decision) {
      if (last)
        d.logger.warn('production holds a model no gate decision covers (changed outside the gate?)', {
          productionPath: target,
          sha256: sha,
          historyNames: last.model_sha256,
        });
      continue;
    }
    const row = await d.transactor.run((t) =>
      d.history.append(t, {
        ...figuresOf(decision),
        model_path: decision.model_path,
        validation_timestamp: now.toISOString(),
        promoted_to_production: 1,
        notes: `recovered: production held this model, but no history row named it (a promotion was interrupted after replacing the file and before its row was committed); recorded at ${now.toISOString()}`,
        model_sha256: sha,
        criteria_json: JSON.stringify({
          recovered: true,
          decisionId: decision.id,
          productionPath: target,
          kind,
          previousRowId: last?.id ?? null,
        }),
        actor: null,
        action: decision.action === 'override' ? 'override' : 'promote',
        // the interrupted promotion's own row never committed: the version its decision named
        model_version: decision.model_version,
      }),
    );
    d.logger.warn('recorded a promotion an interrupted process had completed on disk', {
      productionPath: target,
      sha256: sha,
      historyId: row.id,
    });
    appended.push(row);
  }
  return appended;
}
