import type { ValidationResults } from '@vigil/core';
import { HistoryReader, type ProductionNow } from './HistoryReader.js';
import { HistoryWriter } from './HistoryWriter.js';
import { ModelValidator } from './ModelValidator.js';
import { ProductionInstaller } from './ProductionInstaller.js';
import type {
  AttemptOptions,
  GateDeps,
  OverrideOptions,
  PromoteOptions,
  PromotionResult,
  RollbackResult,
} from './gateTypes.js';
import type { ChainReport } from './historyChain.js';
import { loadHistoryKey } from './historyKey.js';
import { type GatePaths, type ModelKind, resolveGatePaths } from './paths.js';
import type { GateReport, HistoryEntry } from './report.js';
import type { RangedCriterion } from './runCriteria.js';

/**
 * The spec's ModelPromotionGate (Module 10). Criteria come from every enabled plugin through
 * `gateCriterionToken`; the gate runs them, decides, and logs every attempt in the hash-chained
 * `model_promotion_history`. Promotion copies the model beside production, flushes it, and
 * renames it into place under a cross-process lock.
 *
 * A facade: validation lives in `ModelValidator`, promotion, override, rollback and recovery in
 * `ProductionInstaller`, history reads in `HistoryReader`; all three write through one `HistoryWriter`.
 */
export class ModelPromotionGate {
  readonly paths: GatePaths;
  readonly #validator: ModelValidator;
  readonly #installer: ProductionInstaller;
  readonly #reader: HistoryReader;

  constructor(deps: GateDeps) {
    this.paths = resolveGatePaths(deps.options, deps.cwd);
    // the history's HMAC key (kept outside the database), if one is configured
    const key = loadHistoryKey(deps.options, this.paths.root);
    const writer = new HistoryWriter({ transactor: deps.transactor, logger: deps.logger, events: deps.events, key });
    this.#validator = new ModelValidator(deps, this.paths, writer);
    this.#installer = new ProductionInstaller(deps, this.paths, writer);
    this.#reader = new HistoryReader({ dataSource: deps.dataSource, key, keyedFrom: deps.options.historyKeyedFrom });
  }

  /**
   * Runs every registered criterion against a candidate and logs the attempt. Bad input (a
   * path outside the models directory, malformed validation results, thresholds out of range,
   * a criterion id registered twice) throws a `VigilError` after logging the attempt as rejected.
   */
  validateModel(modelPath: string, validation: ValidationResults, options: AttemptOptions = {}): Promise<GateReport> {
    return this.#validator.validateModel(modelPath, validation, options);
  }

  /**
   * Copies an approved model into production atomically, backing up the one it replaces.
   * Only a model whose latest validation (by SHA-256) was approved, or that was overridden, is
   * promoted; a second promotion while one is running gets `VIGIL_CONFLICT`.
   */
  promoteModel(modelPath: string, options: PromoteOptions = {}): Promise<PromotionResult> {
    return this.#installer.promoteModel(modelPath, options);
  }

  /**
   * Manual override (spec risk 3): promotes a model its validation rejected, for emergencies.
   * Needs an actor and a reason; the history row keeps the failed checks next to them.
   */
  overrideModel(modelPath: string, o: OverrideOptions): Promise<PromotionResult> {
    return this.#installer.overrideModel(modelPath, o);
  }

  /** Restores the most recent backup (of the production file or directory, or the newer of the two) atomically. */
  rollback(options: AttemptOptions & { kind?: ModelKind } = {}): Promise<RollbackResult> {
    return this.#installer.rollback(options);
  }

  /**
   * Makes the history name what production holds. A promotion renames the model into place
   * inside its history transaction; a process killed after the rename and before the commit
   * leaves production holding approved bytes that no row names. This appends the missing row
   * (marked `recovered` in criteria_json), under the promotion lock. It runs when the gate
   * starts and before every promotion and rollback; returns the rows it appended.
   */
  reconcileProduction(): Promise<HistoryEntry[]> {
    return this.#installer.reconcileProduction();
  }

  /** History rows, newest first, with the total count for paging. */
  getHistory(o: { limit?: number; offset?: number } = {}): Promise<{ total: number; entries: HistoryEntry[] }> {
    return this.#reader.getHistory(o);
  }

  /** What is in production now and the decision that put it there; null before the first promotion. */
  productionNow(): Promise<ProductionNow | null> {
    return this.#reader.productionNow();
  }

  /** The newest validation or override (of one model's modelVersion), with the validation an override acted on. */
  latestDecision(model?: string): Promise<{ entry: HistoryEntry; lookup: Map<number, HistoryEntry> } | null> {
    return this.#reader.latestDecision(model);
  }

  /** The most recent validation report, for the dashboard; undefined before the first. */
  getLatestReport(): Promise<GateReport | undefined> {
    return this.#reader.getLatestReport();
  }

  /**
   * Checks the history's hash chain (with the history key when one is set); names the first row
   * altered or the row after one removed. `head`: a head recorded earlier must still be in it.
   */
  verifyHistory(options: { head?: string } = {}): Promise<ChainReport> {
    return this.#reader.verifyHistory(options);
  }

  /** The newest row's id and hash (the chain's head), for an auditor to keep outside the database. */
  historyHead(): Promise<{ id: number | null; head: string; keyed: boolean }> {
    return this.#reader.historyHead();
  }

  /** The registered criteria, as the gate pulls them: `resolveAll` throws when there are none. */
  criteria(): RangedCriterion[] {
    return this.#validator.criteria();
  }
}
