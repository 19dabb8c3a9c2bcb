import type { DependencyContainer } from 'tsyringe';
import { VigilError } from './errors.js';
import { defineToken } from './tokens.js';

/**
 * A candidate model's raw validation prediction, in observe's vocabulary (`predictedLabel`,
 * `actualLabel`; the old `predicted`/`actual` are refused, naming the new names).
 */
export interface ValidationPrediction {
  readonly symbol: string;
  readonly regime: string;
  readonly predictedLabel: number;
  readonly actualLabel: number;
  readonly confidence: number;
  readonly features?: Readonly<Record<string, number>>;
}

/**
 * What a training pipeline hands the gate: the spec's precomputed figures, raw validation
 * predictions from which plugins compute their own, or both (precomputed figures win).
 */
export interface ValidationResults {
  readonly accuracy?: number;
  readonly regimeAccuracy?: Readonly<Record<string, number>>;
  readonly sectorAccuracy?: Readonly<Record<string, number>>;
  readonly driftScore?: number;
  readonly replayImprovement?: number;
  readonly predictions?: readonly ValidationPrediction[];
  /** The previous model's predictions on the same samples, for paired comparisons. */
  readonly baselinePredictions?: readonly ValidationPrediction[];
  readonly [extra: string]: unknown;
}

export interface CriterionContext {
  readonly modelPath: string;
  readonly validation: ValidationResults;
  /** The threshold in force: gate config, else the criterion's default. */
  readonly threshold: number | undefined;
  readonly container: DependencyContainer;
  readonly now: Date;
}

export type CriterionStatus = 'pass' | 'fail' | 'insufficient' | 'error';

export interface CriterionResult {
  readonly status: CriterionStatus;
  /** The measured figure, when there is one. */
  readonly value?: number | null;
  readonly threshold?: number | null;
  /** One line a person reads: what was measured against what. */
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * Only with status `insufficient`: the criterion's config says a lack of evidence does not
   * block approval. The verdict is still reported (as insufficient, marked advisory).
   */
  readonly advisory?: boolean;
}

export interface GateCriterion {
  /** `<pluginId>.<name>`; the part before the dot names the plugin that provides it. */
  readonly id: string;
  readonly description: string;
  readonly defaultThreshold?: number;
  /** The range a configured threshold must lie in (default [0, 1]); checked at start. */
  readonly thresholdRange?: readonly [number, number];
  /** Whether approval needs it unless config drops it (`plugins.gate.options.optional`). */
  readonly requiredByDefault: boolean;
  evaluate(ctx: CriterionContext): Promise<CriterionResult>;
}

/** Multi-registration: every plugin registers its criteria here; the gate `resolveAll`s. */
export const gateCriterionToken = defineToken<GateCriterion>('gate.criterion');

const CRITERION_ID = /^[a-z][a-z0-9-]*\.[A-Za-z][A-Za-z0-9_-]*$/;

export function assertCriterion(c: unknown): asserts c is GateCriterion {
  const o = (c ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof o.id !== 'string' || !CRITERION_ID.test(o.id))
    problems.push(`id must look like '<pluginId>.<name>', got ${JSON.stringify(o.id)}`);
  if (typeof o.description !== 'string' || o.description.length === 0)
    problems.push('description must be a non-empty string');
  if (typeof o.evaluate !== 'function') problems.push('evaluate must be a function');
  if (typeof o.requiredByDefault !== 'boolean') problems.push('requiredByDefault must be true or false');
  if (
    o.thresholdRange !== undefined &&
    !(
      Array.isArray(o.thresholdRange) &&
      o.thresholdRange.length === 2 &&
      o.thresholdRange.every(Number.isFinite) &&
      o.thresholdRange[0] <= o.thresholdRange[1]
    )
  )
    problems.push('thresholdRange must be [low, high]');
  if (
    o.defaultThreshold !== undefined &&
    (typeof o.defaultThreshold !== 'number' || !Number.isFinite(o.defaultThreshold))
  )
    problems.push('defaultThreshold must be a finite number');
  if (problems.length)
    throw new VigilError(
      'VIGIL_INVALID_CRITERION',
      `criterion ${JSON.stringify(o.id)} is invalid: ${problems.join('; ')}`,
    );
}

export function defineCriterion(c: GateCriterion): GateCriterion {
  assertCriterion(c);
  return c;
}

/** The plugin id a criterion id belongs to (`sectors.crash_accuracy` -> `sectors`). */
export const criterionPluginId = (criterionId: string): string => criterionId.split('.')[0] ?? criterionId;
