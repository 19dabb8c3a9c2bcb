import { stat } from 'node:fs/promises';
import {
  type GateCriterion,
  type Issue,
  type Logger,
  type Transactor,
  type TxContext,
  type ValidationResults,
  VigilError,
  assertCriterion,
  criterionPluginId,
  describeValue,
  gateCriterionToken,
  isVigilError,
  throwIfIssues,
} from '@vigil/core';
import type { DependencyContainer } from 'tsyringe';
import type { DataSource } from 'typeorm';
import { appendHistory, countHistory, latestHistory, readAllHistory, readHistory } from './PromotionHistory.js';
import { checkValidation } from './checkValidation.js';
import { disabledCriteria, requiredIds } from './checkWiring.js';
import type { GateOptions } from './config.js';
import type { AttemptOptions, GateDeps, OverrideOptions, PromoteOptions, PromotionResult, RollbackResult } from './gateTypes.js';
import { FIGURES, MAX_TEXT, checkOptionalText, criteriaJson, errorJson, figuresOf, storableText } from './historyRows.js';
import { type ChainReport, GENESIS_HASH, type HistoryAction, type HistoryRow, KEYED_PREFIX, verifyChain } from './historyChain.js';
import { loadHistoryKey } from './historyKey.js';
import { type BackupEntry, backupStamp, listBackups, nextBackupPath, removeLeftovers, restoreBackup, stageModel } from './installModel.js';
import { hashModel } from './modelFiles.js';
import { decisionFor, lastProductionRow } from './productionRecord.js';
import { emitHistoryEvents } from './historyEvents.js';
import { withPromotionLock } from './promotionLock.js';
import { type ConfinedModel, type GatePaths, type ModelKind, confineModelPath, resolveGatePaths } from './paths.js';
import { type GateReport, type HistoryEntry, reportFromRow, toHistoryEntry } from './report.js';
import { type CriterionOutcome, type RangedCriterion, assertUniqueCriteria, decide, evaluateCriterion, missingCriterionReason, thresholdsInForce } from './runCriteria.js';
import { gatePromotionStepsToken } from './tokens.js';

/**
 * The spec's ModelPromotionGate (Module 10). Criteria come from every enabled plugin through
 * `gateCriterionToken`; the gate runs them, decides, and logs every attempt in the hash-chained
 * `model_promotion_history`. Promotion copies the model beside production, flushes it, and
 * renames it into place under a cross-process lock.
 */
/** What a promotion or an override installs, and on which decision. */
interface InstallRequest {
  readonly action: 'promote' | 'override';
  readonly model: ConfinedModel;
  readonly sha: string;
  /** The validation (or override) row that allows it; a newer validation of the same bytes wins. */
  readonly decision: HistoryRow;
  readonly now: Date;
  readonly backupOld: boolean;
  readonly actor: string | null;
  readonly notes: string | null;
  /** Extra fields for the history row's criteria_json. */
  readonly extra: Record<string, unknown>;
}

export class ModelPromotionGate {
  readonly paths: GatePaths;
  readonly #c: DependencyContainer;
  readonly #o: GateOptions;
  readonly #config: GateDeps['config'];
  readonly #log: Logger;
  /** The history's HMAC key (kept outside the database), if one is configured. */
  readonly #key: Buffer | undefined;
  readonly #deps: GateDeps;

  constructor(deps: GateDeps) {
    this.#deps = deps;
    this.#c = deps.container;
    this.#o = deps.options;
    this.#config = deps.config;
    this.#log = deps.logger;
    this.paths = resolveGatePaths(deps.options, deps.cwd);
    this.#key = loadHistoryKey(deps.options, this.paths.root);
  }

  /** Appends a history row (keyed when a key is set) and, once committed, logs the new head for auditors to keep. */
  async #append(t: TxContext, row: Parameters<typeof appendHistory>[1]): Promise<HistoryRow> {
    const r = await appendHistory(t.manager, row, this.#key);
    await emitHistoryEvents(this.#deps.events, t, r);
    t.afterCommit(() => this.#log.info('promotion history head', { id: r.id, action: r.action, approved: r.approved === 1, promoted: r.promoted_to_production === 1, head: r.row_hash }));
    return r;
  }

  // ---- validation -------------------------------------------------------------------------

  /**
   * Runs every registered criterion against a candidate and logs the attempt. Bad input (a
   * path outside the models directory, malformed validation results, thresholds out of range,
   * a criterion id registered twice) throws a `VigilError` after logging the attempt as rejected.
   */
  async validateModel(modelPath: string, validation: ValidationResults, options: AttemptOptions = {}): Promise<GateReport> {
    const o = options ?? {};
    const tx = this.#transactor();
    const now = this.#now();
    let model: ConfinedModel | undefined;
    let sha: string | null = null;
    let criteria: RangedCriterion[] = [];
    let thresholds = new Map<string, number | undefined>();
    try {
      const issues: Issue[] = [];
      checkOptionalText(issues, 'actor', o.actor);
      checkOptionalText(issues, 'notes', o.notes);
      let pathError: unknown;
      model = await confineModelPath(modelPath, this.paths).catch((e: unknown) => {
        pathError = e;
        return undefined;
      });
      issues.push(...checkValidation(validation, this.#config));
      criteria = this.#criteria();
      const t = thresholdsInForce(criteria, this.#o.thresholds);
      thresholds = t.thresholds;
      issues.push(...t.issues);
      if (pathError) throw isVigilError(pathError) && issues.length ? new VigilError(pathError.code, `${pathError.message}\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, { issues: [...pathError.issues, ...issues], cause: pathError }) : pathError;
      throwIfIssues('validation attempt', issues);
      sha = await hashModel((model as ConfinedModel).path, (model as ConfinedModel).kind);
    } catch (e) {
      await this.#logRefusal(tx, 'validate', modelPath, model, sha, now, e, o);
      throw e;
    }

    const candidate = model as ConfinedModel;
    const required = requiredIds(criteria, this.#o);
    const base = { modelPath: candidate.path, validation, container: this.#c, now };
    const results = await Promise.all(criteria.map((c) => evaluateCriterion(c, { ...base, threshold: thresholds.get(c.id) }, required.has(c.id), this.#o.criterionTimeoutMs)));
    const registered = new Set(criteria.map((c) => c.id));
    const missing = new Map([...required].filter((id) => !registered.has(id)).map((id) => [id, missingCriterionReason(id, this.#config)]));
    const disabled = disabledCriteria(this.#deps.installed, registered).flatMap((d) =>
      d.criterionIds.map((id): CriterionOutcome => ({ id, description: `not evaluated: plugin '${d.plugin}' is disabled`, required: false, status: 'insufficient', value: null, threshold: this.#o.thresholds[id] ?? null, message: `criterion '${id}' was not evaluated: plugin '${d.plugin}', which provides it, is disabled; enable ${d.plugin} to run it`, durationMs: 0, details: { missing: true, disabled: true, plugin: d.plugin } })),
    );
    const decision = decide(results, missing);
    const all: CriterionOutcome[] = [
      ...results,
      ...[...missing].map(([id, message]): CriterionOutcome => ({ id, description: `not registered (plugin '${criterionPluginId(id)}')`, required: true, status: 'error', value: null, threshold: this.#o.thresholds[id] ?? null, message, durationMs: 0, details: { missing: true, plugin: criterionPluginId(id) } })),
      ...disabled,
    ];
    const details = Object.fromEntries(all.map((r) => [r.id, r]));
    const figure = (id: string): number | null => {
      const v = details[id]?.value;
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    };
    const row = await tx.run((t) =>
      this.#append(t, {
        model_path: candidate.path,
        validation_timestamp: now.toISOString(),
        approved: decision.approved ? 1 : 0,
        overall_accuracy: figure(FIGURES.overall_accuracy),
        crash_accuracy: figure(FIGURES.crash_accuracy),
        min_sector_accuracy: figure(FIGURES.min_sector_accuracy),
        drift_score: figure(FIGURES.drift_score),
        replay_improvement: figure(FIGURES.replay_improvement),
        checks_passed: JSON.stringify(decision.checksPassed),
        checks_failed: JSON.stringify(decision.checksFailed),
        promoted_to_production: 0,
        notes: o.notes ?? null,
        model_sha256: sha,
        criteria_json: criteriaJson({ results: all, reasons: decision.reasons, kind: candidate.kind }),
        actor: o.actor ?? null,
        action: 'validate',
      }),
    );
    this.#log.info(decision.approved ? 'model approved' : 'model rejected', { modelPath: candidate.path, sha256: sha, historyId: row.id, failed: decision.checksFailed });
    return {
      approved: decision.approved,
      recommendation: decision.approved ? 'PROMOTE' : 'REJECT',
      checksPassed: decision.checksPassed,
      checksFailed: decision.checksFailed,
      details,
      results: all,
      reasons: decision.reasons,
      modelPath: candidate.path,
      modelSha256: sha as string,
      validatedAt: row.validation_timestamp,
      historyId: row.id,
      actor: row.actor,
      notes: row.notes,
    };
  }

  // ---- promotion --------------------------------------------------------------------------

  /**
   * Copies an approved model into production atomically, backing up the one it replaces.
   * Only a model whose latest validation (by SHA-256) was approved, or that was overridden, is
   * promoted; a second promotion while one is running gets `VIGIL_CONFLICT`.
   */
  async promoteModel(modelPath: string, options: PromoteOptions = {}): Promise<PromotionResult> {
    const o = options ?? {};
    const tx = this.#transactor();
    const now = this.#now();
    let model: ConfinedModel | undefined;
    let sha: string | null = null;
    try {
      const issues: Issue[] = [];
      checkOptionalText(issues, 'actor', o.actor);
      checkOptionalText(issues, 'notes', o.notes);
      if (o.backupOld !== undefined && typeof o.backupOld !== 'boolean') issues.push({ path: 'backupOld', message: `must be a boolean, got ${describeValue(o.backupOld)}`, value: o.backupOld });
      throwIfIssues('promotion', issues);
      model = await confineModelPath(modelPath, this.paths);
      sha = await hashModel(model.path, model.kind);
      const decision = await latestHistory(this.#ds().manager, ['validate', 'override'], sha);
      if (!decision) {
        throw new VigilError('VIGIL_NOT_FOUND', `model ${model.path} (sha256 ${sha.slice(0, 12)}) was never validated; run validateModel first; nothing was copied`, { issues: [{ path: 'modelPath', message: 'never validated', value: modelPath }] });
      }
      if (decision.action === 'validate' && decision.approved !== 1) {
        throw new VigilError('VIGIL_INVALID_INPUT', `model ${model.path} (sha256 ${sha.slice(0, 12)}) was rejected by its latest validation (history row ${decision.id}; failed ${decision.checks_failed}); fix it and validate again, or use overrideModel; nothing was copied`, {
          issues: [{ path: 'modelPath', message: `latest validation (row ${decision.id}) was rejected`, value: modelPath }],
          details: { historyId: decision.id },
        });
      }
      return await this.#install({ action: 'promote', model, sha, decision, now, backupOld: o.backupOld ?? true, actor: o.actor ?? null, notes: o.notes ?? null, extra: {} });
    } catch (e) {
      await this.#logRefusal(tx, 'promote', modelPath, model, sha, now, e, o);
      throw e;
    }
  }

  /**
   * Manual override (spec risk 3): promotes a model its validation rejected, for emergencies.
   * Needs an actor and a reason; the history row keeps the failed checks next to them.
   */
  async overrideModel(modelPath: string, o: OverrideOptions): Promise<PromotionResult> {
    const tx = this.#transactor();
    const now = this.#now();
    const issues: Issue[] = [];
    checkOptionalText(issues, 'actor', o?.actor, true);
    checkOptionalText(issues, 'reason', o?.reason, true);
    if (o?.backupOld !== undefined && typeof o.backupOld !== 'boolean') issues.push({ path: 'backupOld', message: `must be a boolean, got ${describeValue(o.backupOld)}`, value: o.backupOld });
    throwIfIssues('override', issues);
    let model: ConfinedModel | undefined;
    let sha: string | null = null;
    try {
      model = await confineModelPath(modelPath, this.paths);
      sha = await hashModel(model.path, model.kind);
      const validation = await latestHistory(this.#ds().manager, ['validate'], sha);
      if (!validation) {
        throw new VigilError('VIGIL_NOT_FOUND', `model ${model.path} (sha256 ${sha.slice(0, 12)}) was never validated; validate it first so the override records which checks it overrides; nothing was copied`, { issues: [{ path: 'modelPath', message: 'never validated', value: modelPath }] });
      }
      const overridden = toHistoryEntry(validation);
      const reasons = (overridden.criteria as { reasons?: string[] } | null)?.reasons ?? [];
      return await this.#install({ action: 'override', model, sha, decision: validation, now, backupOld: o.backupOld ?? true, actor: o.actor, notes: o.reason, extra: { overrides: validation.id, overriddenReasons: reasons } });
    } catch (e) {
      await this.#logRefusal(tx, 'override', modelPath, model, sha, now, e, { actor: o.actor, notes: o.reason });
      throw e;
    }
  }

  /** Restores the most recent backup (of the production file or directory, or the newer of the two) atomically. */
  async rollback(options: AttemptOptions & { kind?: ModelKind } = {}): Promise<RollbackResult> {
    const o = options ?? {};
    const tx = this.#transactor();
    const now = this.#now();
    const issues: Issue[] = [];
    checkOptionalText(issues, 'actor', o.actor);
    checkOptionalText(issues, 'notes', o.notes);
    if (o.kind !== undefined && o.kind !== 'file' && o.kind !== 'directory') issues.push({ path: 'kind', message: `must be 'file' or 'directory', got ${describeValue(o.kind)}`, value: o.kind });
    throwIfIssues('rollback', issues);
    return this.#withLock(async (compromised) => {
      await this.#reconcile(now);
      return this.#rollback(tx, now, o, compromised);
    }).catch(async (e: unknown) => {
      await this.#logRefusal(tx, 'rollback', o.kind ? this.#target(o.kind) : this.paths.backupsDir, undefined, null, now, e, o);
      throw e;
    });
  }

  async #rollback(tx: Transactor, now: Date, o: AttemptOptions & { kind?: ModelKind }, compromised: () => boolean): Promise<RollbackResult> {
    const kinds: ModelKind[] = o.kind ? [o.kind] : ['file', 'directory'];
    const backups: BackupEntry[] = [];
    for (const k of kinds) backups.push(...(await listBackups(this.paths.backupsDir, this.#target(k), k)));
    backups.sort((a, b) => (a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : 0));
    const b = backups[0];
    if (!b) throw new VigilError('VIGIL_NOT_FOUND', `no backup to roll back to in ${this.paths.backupsDir}`);
    const target = this.#target(b.kind);
    const sha = await hashModel(b.path, b.kind);
    const decision = await latestHistory(this.#ds().manager, ['validate', 'override'], sha);
    const replacedPath = await nextBackupPath(this.paths.backupsDir, target, backupStamp(now), '.replaced');
    const { row, replaced } = await tx.run(async (t) => {
      const r = await this.#append(t, {
        ...figuresOf(decision),
        model_path: target,
        validation_timestamp: now.toISOString(),
        promoted_to_production: 1,
        notes: o.notes ?? null,
        model_sha256: sha,
        criteria_json: JSON.stringify({ restoredFrom: b.path, replacedPath, kind: b.kind, decisionId: decision?.id ?? null }),
        actor: o.actor ?? null,
        action: 'rollback',
      });
      if (compromised()) throw new VigilError('VIGIL_CONFLICT', 'the promotion lock was lost (stale or removed) before the rollback; nothing was changed');
      return { row: r, ...(await restoreBackup(b, target, replacedPath)) };
    });
    this.#log.warn('production model rolled back', { productionPath: target, restoredFrom: b.path, sha256: sha, historyId: row.id });
    return { productionPath: target, restoredFrom: b.path, modelSha256: sha, replacedPath: replaced ? replacedPath : null, historyId: row.id };
  }

  // ---- recovery -----------------------------------------------------------------------------

  /**
   * Makes the history name what production holds. A promotion renames the model into place
   * inside its history transaction; a process killed after the rename and before the commit
   * leaves production holding approved bytes that no row names. This appends the missing row
   * (marked `recovered` in criteria_json), under the promotion lock. It runs when the gate
   * starts and before every promotion and rollback; returns the rows it appended.
   */
  async reconcileProduction(): Promise<HistoryEntry[]> {
    const now = this.#now();
    return (await this.#withLock(() => this.#reconcile(now))).map(toHistoryEntry);
  }

  async #reconcile(now: Date): Promise<HistoryRow[]> {
    const appended: HistoryRow[] = [];
    for (const kind of ['file', 'directory'] as const) {
      const target = this.#target(kind);
      const present = await stat(target).then((s) => (kind === 'file' ? s.isFile() : s.isDirectory()), () => false);
      if (!present) continue;
      const sha = await hashModel(target, kind);
      const rows = await readAllHistory(this.#ds().manager);
      const last = lastProductionRow(rows, kind);
      if (last?.model_sha256 === sha) continue;
      const decision = decisionFor(rows, sha);
      if (!decision) {
        if (last) this.#log.warn('production holds a model no gate decision covers (changed outside the gate?)', { productionPath: target, sha256: sha, historyNames: last.model_sha256 });
        continue;
      }
      const row = await this.#transactor().run((t) =>
        this.#append(t, {
          ...figuresOf(decision),
          model_path: decision.model_path,
          validation_timestamp: now.toISOString(),
          promoted_to_production: 1,
          notes: `recovered: production held this model, but no history row named it (a promotion was interrupted after replacing the file and before its row was committed); recorded at ${now.toISOString()}`,
          model_sha256: sha,
          criteria_json: JSON.stringify({ recovered: true, decisionId: decision.id, productionPath: target, kind, previousRowId: last?.id ?? null }),
          actor: null,
          action: decision.action === 'override' ? 'override' : 'promote',
        }),
      );
      this.#log.warn('recorded a promotion an interrupted process had completed on disk', { productionPath: target, sha256: sha, historyId: row.id });
      appended.push(row);
    }
    return appended;
  }

  // ---- reading ------------------------------------------------------------------------------

  /** History rows, newest first, with the total count for paging. */
  async getHistory(o: { limit?: number; offset?: number } = {}): Promise<{ total: number; entries: HistoryEntry[] }> {
    const limit = o.limit ?? 50;
    const offset = o.offset ?? 0;
    const issues: Issue[] = [];
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) issues.push({ path: 'limit', message: `must be an integer in [1, 1000], got ${describeValue(limit)}`, value: limit });
    if (!Number.isInteger(offset) || offset < 0) issues.push({ path: 'offset', message: `must be a non-negative integer, got ${describeValue(offset)}`, value: offset });
    throwIfIssues('history query', issues);
    const m = this.#ds().manager;
    const [total, rows] = await Promise.all([countHistory(m), readHistory(m, limit, offset)]);
    return { total, entries: rows.map(toHistoryEntry) };
  }

  /** The most recent validation report, for the dashboard; undefined before the first. */
  async getLatestReport(): Promise<GateReport | undefined> {
    const row = await latestHistory(this.#ds().manager, ['validate']);
    return row ? reportFromRow(row) : undefined;
  }

  /**
   * Checks the history's hash chain (with the history key when one is set); names the first row
   * altered or the row after one removed. `head`: a head recorded earlier must still be in it.
   */
  async verifyHistory(options: { head?: string } = {}): Promise<ChainReport> {
    return verifyChain(await readAllHistory(this.#ds().manager), { key: this.#key, keyedFrom: this.#o.historyKeyedFrom, head: options.head });
  }

  /** The newest row's id and hash (the chain's head), for an auditor to keep outside the database. */
  async historyHead(): Promise<{ id: number | null; head: string; keyed: boolean }> {
    const [last] = await readHistory(this.#ds().manager, 1, 0);
    return { id: last?.id ?? null, head: last?.row_hash ?? GENESIS_HASH, keyed: Boolean(last?.row_hash?.startsWith(KEYED_PREFIX)) };
  }

  // ---- internals ----------------------------------------------------------------------------

  #target(kind: ModelKind): string {
    return kind === 'file' ? this.paths.productionFile : this.paths.productionDir;
  }

  async #install(i: InstallRequest): Promise<PromotionResult> {
    const { action, model, sha, decision, now, backupOld, actor, notes, extra } = i;
    const target = this.#target(model.kind);
    const steps = this.#c.isRegistered(gatePromotionStepsToken, true) ? this.#c.resolve(gatePromotionStepsToken) : undefined;
    return this.#withLock(async (compromised) => {
      const leftovers = await removeLeftovers(target);
      if (leftovers.length) this.#log.warn('removed temporary copies left by an interrupted promotion', { leftovers });
      await this.#reconcile(now);
      const staged = await stageModel(model.path, model.kind, target, steps);
      try {
        if (staged.sha256 !== sha) {
          throw new VigilError('VIGIL_CONFLICT', `model ${model.path} changed while it was being promoted (sha256 ${sha.slice(0, 12)} when checked, ${staged.sha256.slice(0, 12)} when copied); validate the new content; nothing was changed`);
        }
        const existsNow = await stat(target).then(() => true, () => false);
        const backupPath = backupOld && existsNow ? await nextBackupPath(this.paths.backupsDir, target, backupStamp(now)) : null;
        const row = await this.#transactor().run(async (t) => {
          // A validation logged since the check (say, a rejection of the same bytes) wins.
          const latest = await latestHistory(t.manager, action === 'override' ? ['validate'] : ['validate', 'override'], sha);
          if (latest?.id !== decision.id) {
            throw new VigilError('VIGIL_CONFLICT', `model ${model.path} was validated again (history row ${latest?.id}) while it was being promoted; promote again to act on the latest verdict; nothing was changed`);
          }
          const r = await this.#append(t, {
            ...figuresOf(decision),
            model_path: model.path,
            validation_timestamp: now.toISOString(),
            promoted_to_production: 1,
            notes,
            model_sha256: sha,
            criteria_json: JSON.stringify({ ...extra, decisionId: decision.id, productionPath: target, backupPath, kind: model.kind }),
            actor,
            action,
          });
          if (compromised()) throw new VigilError('VIGIL_CONFLICT', 'the promotion lock was lost (stale or removed) before the rename; nothing was changed');
          await staged.install(backupPath);
          return r;
        });
        this.#log[action === 'override' ? 'warn' : 'info'](action === 'override' ? 'model promoted by manual override' : 'model promoted', { modelPath: model.path, sha256: sha, productionPath: target, backupPath, historyId: row.id, actor });
        return { action, modelPath: model.path, modelSha256: sha, kind: model.kind, productionPath: target, backupPath, decisionId: decision.id, historyId: row.id };
      } finally {
        await staged.discard();
      }
    });
  }

  #withLock<T>(fn: (lost: () => boolean) => Promise<T>): Promise<T> {
    return withPromotionLock(this.paths.modelsDir, this.paths.lockFile, this.#o.lockStaleMs, fn);
  }

  /** Logs a refused attempt as a rejected row (as far as it got), never masking the refusal. */
  async #logRefusal(tx: Transactor, action: HistoryAction, given: unknown, model: ConfinedModel | undefined, sha: string | null, now: Date, error: unknown, o: AttemptOptions): Promise<void> {
    try {
      await tx.run((t) =>
        this.#append(t, {
          ...figuresOf(undefined),
          checks_failed: JSON.stringify(['input']),
          model_path: storableText(model?.path ?? (typeof given === 'string' ? given.slice(0, 4096) : describeValue(given))),
          validation_timestamp: now.toISOString(),
          promoted_to_production: 0,
          notes: storableText(`refused: ${(error as Error)?.message ?? String(error)}${typeof o.notes === 'string' ? `\n${o.notes}` : ''}`.slice(0, MAX_TEXT * 2)),
          model_sha256: sha,
          criteria_json: JSON.stringify({ refused: errorJson(error) }),
          actor: typeof o.actor === 'string' ? storableText(o.actor.slice(0, MAX_TEXT)) : null,
          action,
        }),
      );
    } catch (e) {
      this.#log.error('could not log a refused gate attempt', { action, error: String(e), refusal: String(error) });
    }
  }

  /** The registered criteria, as the gate pulls them: `resolveAll` throws when there are none. */
  criteria(): RangedCriterion[] {
    return this.#criteria();
  }

  #criteria(): RangedCriterion[] {
    const list = this.#c.isRegistered(gateCriterionToken, true) ? this.#c.resolveAll(gateCriterionToken) : [];
    for (const c of list) assertCriterion(c);
    assertUniqueCriteria(list as GateCriterion[]);
    return list as RangedCriterion[];
  }

  #transactor(): Transactor {
    return this.#deps.transactor;
  }

  #ds(): DataSource {
    return this.#deps.dataSource;
  }

  #now(): Date {
    return this.#deps.clock.now();
  }
}
