import { z } from 'zod';
import { GICS_SECTORS } from './gics.js';

export const sectorsOptionsSchema = z
  .strictObject({
    /** 'track': unknown symbols go under 'Unknown' with one warning each; 'reject': a VigilError naming them. */
    unknownSymbols: z.enum(['track', 'reject']).default('track'),
    /** symbol -> sector additions/overrides (win over symbolsCsv and the GICS table). */
    symbols: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** A CSV in the shipped format (symbol,name,sector,sub_industry; symbol and sector required), relative to the working directory. */
    symbolsCsv: z.string().min(1).optional(),
    /** Sector names accepted besides the 11 GICS sectors. */
    customSectors: z.array(z.string().min(1)).default([]),
    /** Resolved predictions a sector needs before getWeakestSectors ranks it. */
    minResolved: z.number().int().min(1).default(30),
    /** The regime the crash-accuracy criterion reads. */
    crashRegime: z.string().min(1).default('crash'),
    /** Validation predictions a sector needs before sectors.min_sector_accuracy judges it. */
    minSectorSamples: z.number().int().min(1).default(30),
    /** Crash-regime validation predictions needed before sectors.crash_accuracy judges. */
    minCrashSamples: z.number().int().min(1).default(30),
    /** Too few crash-regime rows everywhere: 'reject' (default) blocks approval; 'advisory' reports it as insufficient without blocking. */
    insufficientCrashEvidence: z.enum(['reject', 'advisory']).default('reject'),
  })
  .superRefine((o, ctx) => {
    const allowed = new Set<string>([...GICS_SECTORS, ...o.customSectors]);
    for (const [symbol, sector] of Object.entries(o.symbols)) {
      if (!allowed.has(sector)) {
        ctx.addIssue({
          code: 'custom',
          path: ['symbols', symbol],
          input: sector,
          message: `'${sector}' is not a GICS sector (${GICS_SECTORS.join(', ')}); list it in customSectors to allow it`,
        });
      }
    }
  });

export type SectorsOptions = z.output<typeof sectorsOptionsSchema>;
