import { z } from 'zod';

/** A path below the models directory: relative, no `..` segments. */
const insideModelsDir = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(p) && !p.split(/[\\/]/).includes('..'),
    'must be a relative path inside modelsDir, without ".." segments',
  );

const CRITERION_ID = /^[a-z][a-z0-9-]*\.[A-Za-z][A-Za-z0-9_-]*$/;
const criterionId = z.string().regex(CRITERION_ID, "must be a criterion id '<pluginId>.<name>'");

/**
 * Thresholds by criterion id, every entry checked in one pass (a zod record stops refining once
 * one entry fails, which would drop the rest from the "every problem at once" list): the id's
 * shape and a finite number. Each criterion's own `thresholdRange` is checked when the gate
 * starts (`checkWiring`), every out-of-range threshold listed at once.
 */
const thresholdsSchema = z
  .record(z.string(), z.unknown())
  .superRefine((t, ctx) => {
    for (const [id, v] of Object.entries(t)) {
      if (!CRITERION_ID.test(id))
        ctx.addIssue({ code: 'custom', path: [id], message: "must be keyed by a criterion id '<pluginId>.<name>'" });
      else if (typeof v !== 'number' || !Number.isFinite(v))
        ctx.addIssue({ code: 'custom', path: [id], message: 'must be a finite number' });
    }
  })
  .transform((t) => t as Record<string, number>);

export const gateOptionsSchema = z
  .object({
    /** Relative paths (modelsDir) resolve against this; default `process.cwd()` at register time. */
    root: z.string().min(1).optional(),
    /** Candidates must live below this directory; production and backups live in it. */
    modelsDir: z.string().min(1).default('backend/data/ml_models'),
    /** Where a candidate model FILE is promoted to (inside modelsDir). */
    productionFile: insideModelsDir.default('meta_learner_production.pkl'),
    /** Where a candidate model DIRECTORY is promoted to (inside modelsDir). */
    productionDir: insideModelsDir.default('base_models_production'),
    /** Timestamped backups of replaced production models (inside modelsDir). */
    backupsDir: insideModelsDir.default('backups'),
    /** Per-criterion thresholds by criterion id; a criterion's own default applies otherwise. */
    thresholds: thresholdsSchema.default({}),
    /**
     * Criteria that must pass for approval, listed in full. Unset: every registered criterion
     * that is `requiredByDefault`. A listed id no enabled plugin provides fails the host's start.
     */
    required: z.array(criterionId).optional(),
    /** Criteria to require on top of the defaults (e.g. a third-party criterion). */
    require: z.array(criterionId).default([]),
    /** Criteria to drop from the required set: they are still run and reported. */
    optional: z.array(criterionId).default([]),
    /** gate.overall_accuracy from raw predictions is `insufficient` below this many samples. */
    minSamples: z.number().int().min(1).default(100),
    /**
     * The built-in trading criteria (gate.information_coefficient, gate.high_conviction_hit_rate,
     * gate.turnover): off by default; when enabled they run and report, and block only if listed
     * in `required`.
     */
    trading: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** Rows (turnover: consecutive same-symbol pairs) needed before a verdict. */
        minSamples: z.number().int().min(4).default(100),
        /** Confidence at or above which a prediction is high-conviction. */
        highConviction: z.number().min(0.5).max(1).default(0.7),
        minHighConvictionSamples: z.number().int().min(1).default(30),
      })
      .default({ enabled: false, minSamples: 100, highConviction: 0.7, minHighConvictionSamples: 30 }),
    /**
     * gate.challenger_vs_champion: a candidate observed in shadow is judged against the champion
     * over the same rows, by a sign test over trading days. Off by default (like the trading
     * criteria): when enabled it runs and reports, and blocks only if required. The shadow record
     * itself (API, CLI) is always there.
     */
    challenger: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** Paired trading days needed before a verdict (fewer: insufficient). */
        minDays: z.number().int().min(2).default(20),
        /** One-sided level of the sign test over days. */
        significance: z.number().gt(0).lt(1).default(0.05),
      })
      .default({ enabled: false, minDays: 20, significance: 0.05 }),
    /** A criterion that has not answered after this long is an `error` (fails closed). */
    criterionTimeoutMs: z.number().int().min(1).max(3_600_000).default(60_000),
    /** A file (relative to root) holding the key for the history's HMAC chain; else VIGIL_HISTORY_KEY; else an unkeyed chain. */
    historyKeyFile: z.string().min(1).optional(),
    /** With a key: the first history row id that must be keyed (rows before it predate the key). */
    historyKeyedFrom: z.number().int().min(1).default(1),
    /** A promotion lock older than this (its holder died) may be taken over. */
    lockStaleMs: z.number().int().min(2_000).default(30_000),
  })
  .strict()
  .refine((o) => o.productionFile !== o.productionDir, {
    message: 'productionFile and productionDir must differ',
    path: ['productionDir'],
  });

export type GateOptionsInput = z.input<typeof gateOptionsSchema>;
export type GateOptions = z.output<typeof gateOptionsSchema>;
