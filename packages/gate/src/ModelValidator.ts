import {
  type GateCriterion,
  type Issue,
  type ValidationResults,
  VigilError,
  assertCriterion,
  criterionPluginId,
  gateCriterionToken,
  isVigilError,
  throwIfIssues,
} from '@vigil/core';
import type { HistoryWriter } from './HistoryWriter.js';
import { checkValidation } from './checkValidation.js';
import { disabledCriteria, requiredIds } from './checkWiring.js';
import type { AttemptOptions, GateDeps } from './gateTypes.js';
import {
  FIGURES,
  checkAsOf,
  checkModelVersion,
  checkOptionalText,
  criteriaJson,
  newestTimestamp,
} from './historyRows.js';
import { hashModel } from './modelFiles.js';
import { type ConfinedModel, type GatePaths, confineModelPath } from './paths.js';
import type { GateReport } from './report.js';
import {
  type CriterionOutcome,
  type RangedCriterion,
  assertUniqueCriteria,
  decide,
  evaluateCriterion,
  missingCriterionReason,
  thresholdsInForce,
} from './runCriteria.js';

type ValidatorDeps = Pick<
  GateDeps,
  'container' | 'options' | 'config' | 'installed' | 'transactor' | 'clock' | 'logger'
>;

/**
 * Validation: runs every registered criterion against a candidate, decides, and records the
 * report as a `validate` row of the history. Touches no model file but the candidate it hashes.
 */
export class ModelValidator {
  readonly #d: ValidatorDeps;
  readonly #paths: GatePaths;
  readonly #history: HistoryWriter;

  constructor(deps: ValidatorDeps, paths: GatePaths, history: HistoryWriter) {
    this.#d = deps;
    this.#paths = paths;
    this.#history = history;
  }

  /**
   * Runs every registered criterion against a candidate and logs the attempt. Bad input (a
   * path outside the models directory, malformed validation results, thresholds out of range,
   * a criterion id registered twice) throws a `VigilError` after logging the attempt as rejected.
   */
  async validateModel(
    modelPath: string,
    validation: ValidationResults,
    options: AttemptOptions = {},
  ): Promise<GateReport> {
    const o = options ?? {};
    const { options: opts, config } = this.#d;
    const tx = this.#d.transactor;
    const now = this.#d.clock.now();
    let model: ConfinedModel | undefined;
    let sha: string | null = null;
    let criteria: RangedCriterion[] = [];
    let thresholds = new Map<string, number | undefined>();
    let asOf: string | null = null;
    try {
      const issues: Issue[] = [];
      checkOptionalText(issues, 'actor', o.actor);
      checkOptionalText(issues, 'notes', o.notes);
      asOf = checkAsOf(issues, o.asOf, newestTimestamp(validation?.predictions as unknown[] | undefined));
      checkModelVersion(issues, o.modelVersion);
      let pathError: unknown;
      model = await confineModelPath(modelPath, this.#paths).catch((e: unknown) => {
        pathError = e;
        return undefined;
      });
      issues.push(...checkValidation(validation, config));
      criteria = this.criteria();
      const t = thresholdsInForce(criteria, opts.thresholds);
      thresholds = t.thresholds;
      issues.push(...t.issues);
      if (pathError)
        throw isVigilError(pathError) && issues.length
          ? new VigilError(
              pathError.code,
              `${pathError.message}\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
              { issues: [...pathError.issues, ...issues], cause: pathError },
            )
          : pathError;
      throwIfIssues('validation attempt', issues);
      sha = await hashModel((model as ConfinedModel).path, (model as ConfinedModel).kind);
    } catch (e) {
      await this.#history.logRefusal('validate', modelPath, model, sha, now, e, o);
      throw e;
    }

    const candidate = model as ConfinedModel;
    const required = requiredIds(criteria, opts);
    const base = { modelPath: candidate.path, validation, container: this.#d.container, now };
    const results = await Promise.all(
      criteria.map((c) =>
        evaluateCriterion(c, { ...base, threshold: thresholds.get(c.id) }, required.has(c.id), opts.criterionTimeoutMs),
      ),
    );
    const registered = new Set(criteria.map((c) => c.id));
    const missing = new Map(
      [...required].filter((id) => !registered.has(id)).map((id) => [id, missingCriterionReason(id, config)]),
    );
    const disabled = disabledCriteria(this.#d.installed, registered).flatMap((d) =>
      d.criterionIds.map(
        (id): CriterionOutcome => ({
          id,
          description: `not evaluated: plugin '${d.plugin}' is disabled`,
          required: false,
          status: 'insufficient',
          value: null,
          threshold: opts.thresholds[id] ?? null,
          message: `criterion '${id}' was not evaluated: plugin '${d.plugin}', which provides it, is disabled; enable ${d.plugin} to run it`,
          durationMs: 0,
          details: { missing: true, disabled: true, plugin: d.plugin },
        }),
      ),
    );
    const decision = decide(results, missing);
    const all: CriterionOutcome[] = [
      ...results,
      ...[...missing].map(
        ([id, message]): CriterionOutcome => ({
          id,
          description: `not registered (plugin '${criterionPluginId(id)}')`,
          required: true,
          status: 'error',
          value: null,
          threshold: opts.thresholds[id] ?? null,
          message,
          durationMs: 0,
          details: { missing: true, plugin: criterionPluginId(id) },
        }),
      ),
      ...disabled,
    ];
    const details = Object.fromEntries(all.map((r) => [r.id, r]));
    const figure = (id: string): number | null => {
      const v = details[id]?.value;
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    };
    const row = await tx.run((t) =>
      this.#history.append(t, {
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
        criteria_json: criteriaJson({ results: all, reasons: decision.reasons, kind: candidate.kind, asOf }),
        actor: o.actor ?? null,
        action: 'validate',
        model_version: o.modelVersion ?? null,
      }),
    );
    this.#d.logger.info(decision.approved ? 'model approved' : 'model rejected', {
      modelPath: candidate.path,
      sha256: sha,
      historyId: row.id,
      failed: decision.checksFailed,
    });
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
      modelVersion: row.model_version,
      validatedAt: row.validation_timestamp,
      asOf,
      historyId: row.id,
      actor: row.actor,
      notes: row.notes,
    };
  }

  /** The registered criteria, as the gate pulls them: `resolveAll` throws when there are none. */
  criteria(): RangedCriterion[] {
    const c = this.#d.container;
    const list = c.isRegistered(gateCriterionToken, true) ? c.resolveAll(gateCriterionToken) : [];
    for (const x of list) assertCriterion(x);
    assertUniqueCriteria(list as GateCriterion[]);
    return list as RangedCriterion[];
  }
}
