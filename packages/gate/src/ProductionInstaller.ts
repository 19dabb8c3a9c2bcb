import { stat } from 'node:fs/promises';
import { type Issue, type Transactor, VigilError, describeValue, throwIfIssues } from '@vigil/core';
import type { HistoryWriter } from './HistoryWriter.js';
import { latestHistory, latestVersionOf } from './PromotionHistory.js';
import type {
  AttemptOptions,
  GateDeps,
  OverrideOptions,
  PromoteOptions,
  PromotionResult,
  RollbackResult,
} from './gateTypes.js';
import type { HistoryRow } from './historyChain.js';
import { asOfOf, checkAsOf, checkModelVersion, checkOptionalText, figuresOf, versionFor } from './historyRows.js';
import {
  type BackupEntry,
  backupStamp,
  listBackups,
  nextBackupPath,
  removeLeftovers,
  restoreBackup,
  stageModel,
} from './installModel.js';
import { hashModel } from './modelFiles.js';
import { type ConfinedModel, type GatePaths, type ModelKind, confineModelPath, productionPath } from './paths.js';
import { withPromotionLock } from './promotionLock.js';
import { recordInterruptedPromotions } from './recordInterruptedPromotions.js';
import { type HistoryEntry, toHistoryEntry } from './report.js';
import { gatePromotionStepsToken } from './tokens.js';

type InstallerDeps = Pick<GateDeps, 'container' | 'options' | 'transactor' | 'dataSource' | 'clock' | 'logger'>;

/** What a promotion or an override installs, and on which decision. */
interface InstallRequest {
  readonly action: 'promote' | 'override';
  readonly model: ConfinedModel;
  readonly sha: string;
  /** The validation (or override) row that allows it; a newer validation of the same bytes wins. */
  readonly decision: HistoryRow;
  /** The `modelVersion` the model's predictions carry (given, or named by the decision). */
  readonly version: string;
  readonly now: Date;
  readonly backupOld: boolean;
  readonly actor: string | null;
  readonly notes: string | null;
  /** Extra fields for the history row's criteria_json. */
  readonly extra: Record<string, unknown>;
}

/**
 * Installation: everything that changes what production holds (promote, override, rollback) and
 * the recovery of a promotion a killed process completed. Each runs under the cross-process
 * promotion lock, records itself in the history, and renames the model into place inside the
 * row's transaction; a refusal is recorded as a rejected row.
 */
export class ProductionInstaller {
  readonly #d: InstallerDeps;
  readonly #paths: GatePaths;
  readonly #history: HistoryWriter;

  constructor(deps: InstallerDeps, paths: GatePaths, history: HistoryWriter) {
    this.#d = deps;
    this.#paths = paths;
    this.#history = history;
  }

  /**
   * Copies an approved model into production atomically, backing up the one it replaces.
   * Only a model whose latest validation (by SHA-256) was approved, or that was overridden, is
   * promoted; a second promotion while one is running gets `VIGIL_CONFLICT`.
   */
  async promoteModel(modelPath: string, options: PromoteOptions = {}): Promise<PromotionResult> {
    const o = options ?? {};
    const now = this.#d.clock.now();
    let model: ConfinedModel | undefined;
    let sha: string | null = null;
    try {
      const issues: Issue[] = [];
      checkOptionalText(issues, 'actor', o.actor);
      checkOptionalText(issues, 'notes', o.notes);
      if (o.backupOld !== undefined && typeof o.backupOld !== 'boolean')
        issues.push({
          path: 'backupOld',
          message: `must be a boolean, got ${describeValue(o.backupOld)}`,
          value: o.backupOld,
        });
      const given = checkAsOf(issues, o.asOf);
      const version = checkModelVersion(issues, o.modelVersion);
      throwIfIssues('promotion', issues);
      model = await confineModelPath(modelPath, this.#paths);
      sha = await hashModel(model.path, model.kind);
      const decision = await latestHistory(this.#d.dataSource.manager, ['validate', 'override'], sha);
      if (!decision) {
        throw new VigilError(
          'VIGIL_NOT_FOUND',
          `model ${model.path} (sha256 ${sha.slice(0, 12)}) was never validated; run validateModel first; nothing was copied`,
          { issues: [{ path: 'modelPath', message: 'never validated', value: modelPath }] },
        );
      }
      if (decision.action === 'validate' && decision.approved !== 1) {
        throw new VigilError(
          'VIGIL_INVALID_INPUT',
          `model ${model.path} (sha256 ${sha.slice(0, 12)}) was rejected by its latest validation (history row ${decision.id}; failed ${decision.checks_failed}); fix it and validate again, or use overrideModel; nothing was copied`,
          {
            issues: [
              { path: 'modelPath', message: `latest validation (row ${decision.id}) was rejected`, value: modelPath },
            ],
            details: { historyId: decision.id },
          },
        );
      }
      return await this.#install({
        action: 'promote',
        model,
        sha,
        decision,
        version: versionFor(version, decision, 'promotion'),
        now,
        backupOld: o.backupOld ?? true,
        actor: o.actor ?? null,
        notes: o.notes ?? null,
        extra: { asOf: given ?? asOfOf(decision) },
      });
    } catch (e) {
      await this.#history.logRefusal('promote', modelPath, model, sha, now, e, o);
      throw e;
    }
  }

  /**
   * Manual override (spec risk 3): promotes a model its validation rejected, for emergencies.
   * Needs an actor and a reason; the history row keeps the failed checks next to them.
   */
  async overrideModel(modelPath: string, o: OverrideOptions): Promise<PromotionResult> {
    const now = this.#d.clock.now();
    const issues: Issue[] = [];
    checkOptionalText(issues, 'actor', o?.actor, true);
    checkOptionalText(issues, 'reason', o?.reason, true);
    if (o?.backupOld !== undefined && typeof o.backupOld !== 'boolean')
      issues.push({
        path: 'backupOld',
        message: `must be a boolean, got ${describeValue(o.backupOld)}`,
        value: o.backupOld,
      });
    const given = checkAsOf(issues, o?.asOf);
    const version = checkModelVersion(issues, o?.modelVersion);
    throwIfIssues('override', issues);
    let model: ConfinedModel | undefined;
    let sha: string | null = null;
    try {
      model = await confineModelPath(modelPath, this.#paths);
      sha = await hashModel(model.path, model.kind);
      const validation = await latestHistory(this.#d.dataSource.manager, ['validate'], sha);
      if (!validation) {
        throw new VigilError(
          'VIGIL_NOT_FOUND',
          `model ${model.path} (sha256 ${sha.slice(0, 12)}) was never validated; validate it first so the override records which checks it overrides; nothing was copied`,
          { issues: [{ path: 'modelPath', message: 'never validated', value: modelPath }] },
        );
      }
      const overridden = toHistoryEntry(validation);
      const reasons = (overridden.criteria as { reasons?: string[] } | null)?.reasons ?? [];
      return await this.#install({
        action: 'override',
        model,
        sha,
        decision: validation,
        version: versionFor(version, validation, 'override'),
        now,
        backupOld: o.backupOld ?? true,
        actor: o.actor,
        notes: o.reason,
        extra: { overrides: validation.id, overriddenReasons: reasons, asOf: given ?? asOfOf(validation) },
      });
    } catch (e) {
      await this.#history.logRefusal('override', modelPath, model, sha, now, e, {
        actor: o.actor,
        notes: o.reason,
        modelVersion: o.modelVersion,
      });
      throw e;
    }
  }

  /** Restores the most recent backup (of the production file or directory, or the newer of the two) atomically. */
  async rollback(options: AttemptOptions & { kind?: ModelKind } = {}): Promise<RollbackResult> {
    const o = options ?? {};
    const now = this.#d.clock.now();
    const issues: Issue[] = [];
    checkOptionalText(issues, 'actor', o.actor);
    checkOptionalText(issues, 'notes', o.notes);
    if (o.kind !== undefined && o.kind !== 'file' && o.kind !== 'directory')
      issues.push({
        path: 'kind',
        message: `must be 'file' or 'directory', got ${describeValue(o.kind)}`,
        value: o.kind,
      });
    const asOf = checkAsOf(issues, o.asOf);
    checkModelVersion(issues, o.modelVersion);
    throwIfIssues('rollback', issues);
    return this.#withLock(async (compromised) => {
      await this.#recover(now);
      return this.#rollback(this.#d.transactor, now, { ...o, asOf: asOf ?? undefined }, compromised);
    }).catch(async (e: unknown) => {
      await this.#history.logRefusal(
        'rollback',
        o.kind ? productionPath(this.#paths, o.kind) : this.#paths.backupsDir,
        undefined,
        null,
        now,
        e,
        o,
      );
      throw e;
    });
  }

  /**
   * Records, under the promotion lock, a promotion a killed process completed on disk but not in
   * the history (see `recordInterruptedPromotions`). It runs when the gate starts and before
   * every promotion and rollback; returns the rows it appended.
   */
  async reconcileProduction(): Promise<HistoryEntry[]> {
    const now = this.#d.clock.now();
    return (await this.#withLock(() => this.#recover(now))).map(toHistoryEntry);
  }

  async #rollback(
    tx: Transactor,
    now: Date,
    o: AttemptOptions & { kind?: ModelKind },
    compromised: () => boolean,
  ): Promise<RollbackResult> {
    const kinds: ModelKind[] = o.kind ? [o.kind] : ['file', 'directory'];
    const backups: BackupEntry[] = [];
    for (const k of kinds)
      backups.push(...(await listBackups(this.#paths.backupsDir, productionPath(this.#paths, k), k)));
    backups.sort((a, b) => (a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : 0));
    const b = backups[0];
    if (!b) throw new VigilError('VIGIL_NOT_FOUND', `no backup to roll back to in ${this.#paths.backupsDir}`);
    const target = productionPath(this.#paths, b.kind);
    const sha = await hashModel(b.path, b.kind);
    const decision = await latestHistory(this.#d.dataSource.manager, ['validate', 'override'], sha);
    // the version the history last named for these bytes; a caller's must agree with it
    const known = await latestVersionOf(this.#d.dataSource.manager, sha);
    if (o.modelVersion !== undefined && known !== null && known.model_version !== o.modelVersion)
      throw new VigilError(
        'VIGIL_INVALID_INPUT',
        `modelVersion: ${JSON.stringify(o.modelVersion)} differs from ${JSON.stringify(known.model_version)}, which history row ${known.id} named for the backup's bytes (sha256 ${sha.slice(0, 12)}); nothing was changed`,
        {
          issues: [
            {
              path: 'modelVersion',
              message: `history row ${known.id} named ${JSON.stringify(known.model_version)}`,
              value: o.modelVersion,
            },
          ],
        },
      );
    const version = o.modelVersion ?? known?.model_version ?? null;
    if (version === null)
      this.#d.logger.warn(
        'rolled back to a model whose modelVersion no history row names: the live model is unknown until one names it',
        {
          sha256: sha,
        },
      );
    const replacedPath = await nextBackupPath(this.#paths.backupsDir, target, backupStamp(now), '.replaced');
    const { row, replaced } = await tx.run(async (t) => {
      const r = await this.#history.append(t, {
        ...figuresOf(decision),
        model_path: target,
        validation_timestamp: now.toISOString(),
        promoted_to_production: 1,
        notes: o.notes ?? null,
        model_sha256: sha,
        criteria_json: JSON.stringify({
          restoredFrom: b.path,
          replacedPath,
          kind: b.kind,
          decisionId: decision?.id ?? null,
          asOf: typeof o.asOf === 'string' ? o.asOf : null,
        }),
        actor: o.actor ?? null,
        action: 'rollback',
        model_version: version,
      });
      if (compromised())
        throw new VigilError(
          'VIGIL_CONFLICT',
          'the promotion lock was lost (stale or removed) before the rollback; nothing was changed',
        );
      return { row: r, ...(await restoreBackup(b, target, replacedPath)) };
    });
    this.#d.logger.warn('production model rolled back', {
      productionPath: target,
      restoredFrom: b.path,
      sha256: sha,
      historyId: row.id,
    });
    return {
      productionPath: target,
      restoredFrom: b.path,
      modelSha256: sha,
      modelVersion: version,
      replacedPath: replaced ? replacedPath : null,
      historyId: row.id,
    };
  }

  async #install(i: InstallRequest): Promise<PromotionResult> {
    const { action, model, sha, decision, version, now, backupOld, actor, notes, extra } = i;
    const target = productionPath(this.#paths, model.kind);
    const c = this.#d.container;
    const steps = c.isRegistered(gatePromotionStepsToken, true) ? c.resolve(gatePromotionStepsToken) : undefined;
    return this.#withLock(async (compromised) => {
      const leftovers = await removeLeftovers(target);
      if (leftovers.length)
        this.#d.logger.warn('removed temporary copies left by an interrupted promotion', { leftovers });
      await this.#recover(now);
      const staged = await stageModel(model.path, model.kind, target, steps);
      try {
        if (staged.sha256 !== sha) {
          throw new VigilError(
            'VIGIL_CONFLICT',
            `model ${model.path} changed while it was being promoted (sha256 ${sha.slice(0, 12)} when checked, ${staged.sha256.slice(0, 12)} when copied); validate the new content; nothing was changed`,
          );
        }
        const existsNow = await stat(target).then(
          () => true,
          () => false,
        );
        const backupPath =
          backupOld && existsNow ? await nextBackupPath(this.#paths.backupsDir, target, backupStamp(now)) : null;
        const row = await this.#d.transactor.run(async (t) => {
          // A validation logged since the check (say, a rejection of the same bytes) wins.
          const latest = await latestHistory(
            t.manager,
            action === 'override' ? ['validate'] : ['validate', 'override'],
            sha,
          );
          if (latest?.id !== decision.id) {
            throw new VigilError(
              'VIGIL_CONFLICT',
              `model ${model.path} was validated again (history row ${latest?.id}) while it was being promoted; promote again to act on the latest verdict; nothing was changed`,
            );
          }
          const r = await this.#history.append(t, {
            ...figuresOf(decision),
            model_path: model.path,
            validation_timestamp: now.toISOString(),
            promoted_to_production: 1,
            notes,
            model_sha256: sha,
            criteria_json: JSON.stringify({
              ...extra,
              decisionId: decision.id,
              productionPath: target,
              backupPath,
              kind: model.kind,
            }),
            actor,
            action,
            model_version: version,
          });
          if (compromised())
            throw new VigilError(
              'VIGIL_CONFLICT',
              'the promotion lock was lost (stale or removed) before the rename; nothing was changed',
            );
          await staged.install(backupPath);
          return r;
        });
        this.#d.logger[action === 'override' ? 'warn' : 'info'](
          action === 'override' ? 'model promoted by manual override' : 'model promoted',
          {
            modelPath: model.path,
            modelVersion: version,
            sha256: sha,
            productionPath: target,
            backupPath,
            historyId: row.id,
            actor,
          },
        );
        return {
          action,
          modelPath: model.path,
          modelSha256: sha,
          modelVersion: version,
          kind: model.kind,
          productionPath: target,
          backupPath,
          decisionId: decision.id,
          historyId: row.id,
        };
      } finally {
        await staged.discard();
      }
    });
  }

  #recover(now: Date): Promise<HistoryRow[]> {
    const { dataSource, transactor, logger } = this.#d;
    return recordInterruptedPromotions(
      { paths: this.#paths, dataSource, transactor, logger, history: this.#history },
      now,
    );
  }

  #withLock<T>(fn: (lost: () => boolean) => Promise<T>): Promise<T> {
    return withPromotionLock(this.#paths.modelsDir, this.#paths.lockFile, this.#d.options.lockStaleMs, fn);
  }
}
