import { z } from 'zod';

/** The replay plugin's options (`plugins.replay.options`); labels come from the host config. */
export const replayOptionsSchema = z
  .object({
    /** Errors kept (spec: 1000). */
    maxSize: z.number().int().min(1).default(1000),
    /** Prioritisation exponent (PER, proportional variant: 0.6). */
    alpha: z.number().min(0).max(10).default(0.6),
    /** Importance-sampling exponent (PER: 0.4, annealed towards 1 by the caller if wanted). */
    beta: z.number().min(0).max(1).default(0.4),
    /** Share of a mixed training batch that is replay (spec: 20%). */
    replayFraction: z.number().gt(0).lt(1).default(0.2),
    /** Weight of a replay row relative to a normal one (spec: 3x). */
    replayWeight: z.number().positive().max(1000).default(3),
    /** Multiply the replay weight by the IS weight. */
    importanceWeighting: z.boolean().default(true),
    /** Errors of one symbol fewer than this many days apart count once (the worst); 0 turns it off. */
    symbolWindowDays: z.number().int().min(0).max(3650).default(5),
    /** Optional caps per regime, e.g. { crash: 300 }. */
    regimeQuotas: z.record(z.string().min(1), z.number().int().min(0)).default({}),
    /** Worst errors kept per validation fold (spec 8.3: 100). */
    validationTopK: z.number().int().min(1).default(100),
    /** Fewer paired recent rows than this make the gate criterion `insufficient` (and fewer held-out buffered rows leave them unjudged). */
    minReplaySamples: z.number().int().min(1).default(20),
    /** One-sided significance level of replay.replay_improvement's tests (McNemar on recent rows, binomial on held-out buffered rows). */
    significance: z.number().gt(0).lt(1).default(0.05),
    /**
     * What the held-out buffered errors do in replay.replay_improvement: 'report' (default) shows
     * the candidate's fix rate against chance; 'require' also needs it significantly above chance.
     * The live model's high-confidence mistakes are mostly rows whose features point the wrong
     * way, which any similar model repeats: in the demo a better retrain fixed 13-26% of them.
     */
    heldOutRule: z.enum(['report', 'require']).default('report'),
    /** Share of buffered errors held out of every training export, to judge candidates on mistakes they never saw. */
    holdoutFraction: z.number().min(0).max(0.9).default(0.2),
    /** Fix the feature order; otherwise the first error's (sorted) names or length fix it. */
    featureNames: z.array(z.string().min(1)).min(1).optional(),
    /** Seed of the sampler when a call passes none. */
    seed: z.number().int().default(20160225),
    /** Put wrong resolved predictions into the buffer from the host's resolve hook. */
    captureResolved: z.boolean().default(true),
  })
  .strict();

export type ReplayOptions = z.output<typeof replayOptionsSchema>;
export type ReplayOptionsInput = z.input<typeof replayOptionsSchema>;
