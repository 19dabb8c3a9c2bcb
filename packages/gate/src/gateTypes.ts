import type { Clock, EventBus, InstalledPlugin, Logger, NormalizedConfig, Transactor } from '@vigil/core';
import type { DependencyContainer } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { GateOptions } from './config.js';
import type { ModelKind } from './paths.js';

export interface GateDeps {
  /** The host's container: the gate pulls the criteria (a multi-registration) from it at each validation. */
  readonly container: DependencyContainer;
  readonly transactor: Transactor;
  readonly dataSource: DataSource;
  readonly clock: Clock;
  readonly installed: readonly InstalledPlugin[];
  readonly options: GateOptions;
  readonly config: Pick<NormalizedConfig, 'labels' | 'regimes' | 'plugins'>;
  readonly logger: Logger;
  /** Where decisions and promotions are announced (in the row's transaction); none in bare unit tests. */
  readonly events?: EventBus;
  /** Resolves `options.root` when it is relative or unset (default `process.cwd()`). */
  readonly cwd?: string;
}

export interface AttemptOptions {
  /** Who asked (a user, a pipeline id); written to history. */
  readonly actor?: string;
  readonly notes?: string;
  /**
   * The data time the attempt speaks for (the trading day of the evidence), kept beside the
   * wall-clock time it was recorded. Default: a validation's newest prediction `timestamp`;
   * a promotion's, its decision's.
   */
  readonly asOf?: string | Date;
  /**
   * The `modelVersion` the model's predictions carry (what drift, the sectors and the replay
   * buffer key their figures by). A validation may name it; a promotion must, unless the
   * validation it acts on did; a rollback takes it from the history of the bytes it restores.
   */
  readonly modelVersion?: string;
}

export interface PromoteOptions extends AttemptOptions {
  /** Keep the replaced production model as a timestamped backup (default true). */
  readonly backupOld?: boolean;
}

export interface OverrideOptions {
  /** Who takes responsibility; required. */
  readonly actor: string;
  /** Why the failed checks are accepted; required. */
  readonly reason: string;
  readonly backupOld?: boolean;
  /** The data time the override speaks for (default: the overridden validation's). */
  readonly asOf?: string | Date;
  /** The `modelVersion` the model's predictions carry; required unless the overridden validation named it. */
  readonly modelVersion?: string;
}

export interface PromotionResult {
  readonly action: 'promote' | 'override';
  readonly modelPath: string;
  readonly modelSha256: string;
  /** The `modelVersion` the promoted model's predictions carry. */
  readonly modelVersion: string;
  readonly kind: ModelKind;
  readonly productionPath: string;
  readonly backupPath: string | null;
  /** The history row of the validation (or override) that allowed it. */
  readonly decisionId: number;
  readonly historyId: number;
}

export interface RollbackResult {
  readonly productionPath: string;
  readonly restoredFrom: string;
  readonly modelSha256: string;
  /** The restored model's `modelVersion`, from the history of its bytes (or as named); null when neither knows it. */
  readonly modelVersion: string | null;
  /** Where the model that was in production now lives. */
  readonly replacedPath: string | null;
  readonly historyId: number;
}
