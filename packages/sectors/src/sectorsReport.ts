import { VigilError } from '@vigil/core';
import type { SectorsOptions } from './config.js';
import { GICS_SECTORS } from './gics.js';
import type { AccuracyStats } from './performance.js';
import type { SectorTracker } from './SectorTracker.js';

/** A Wilson 95% interval as [low, high], or null with nothing resolved (as the HTTP API reports it). */
const ci = (s: AccuracyStats): [number, number] | null => (s.total > 0 ? [s.interval.lower, s.interval.upper] : null);

export interface SectorsReportOptions {
  readonly weakest: number;
  readonly minResolved?: number | undefined;
  /** The model whose figures to report; required when several are tracked (see `ModelChoice`). */
  readonly model?: string | undefined;
  /** How the model option is named in errors (`--model`, `querystring.model`). */
  readonly modelField?: string;
  /** true: every symbol; a string: that sector's symbols. */
  readonly symbols?: boolean | string;
}

/**
 * The sectors report of one model: `GET /api/sectors` and `vigil sectors report --json` return
 * this same document (`model` is the model it is for, null while nothing is tracked; `models`
 * every model tracked), and the symbol table when asked.
 */
export function sectorsReport(tracker: SectorTracker, options: SectorsOptions | undefined, o: SectorsReportOptions) {
  const model = tracker.modelFor({ model: o.model, field: o.modelField ?? 'model' });
  const choice = { model };
  const perf = tracker.getSectorPerformance(choice);
  const minResolved = o.minResolved ?? options?.minResolved;
  const weakest = tracker.getWeakestSectors(o.weakest, { ...choice, minResolved });
  const names = [...GICS_SECTORS, ...Object.keys(perf).filter((s) => !(GICS_SECTORS as readonly string[]).includes(s))];
  const sectors = names.map((sector) => {
    const p = tracker.getSectorPerformance(sector, choice);
    return {
      sector,
      tracked: p.tracked,
      resolved: p.total,
      correct: p.correct,
      pending: p.pending,
      accuracy: p.accuracy,
      ci: ci(p),
      byRegime: Object.fromEntries(
        Object.entries(p.by_regime).map(([r, s]) => [
          r,
          { resolved: s.total, correct: s.correct, accuracy: s.accuracy, ci: ci(s) },
        ]),
      ),
    };
  });
  let symbols: ReturnType<typeof symbolRows> | undefined;
  if (o.symbols !== undefined && o.symbols !== false)
    symbols = symbolRows(tracker, typeof o.symbols === 'string' ? o.symbols : undefined, model);
  return {
    model: model ?? null,
    models: tracker.models(),
    sectors,
    weakest: weakest.sectors.map((s) => ({
      sector: s.sector,
      accuracy: s.accuracy,
      ci: [s.interval.lower, s.interval.upper] as [number, number],
      upper: s.interval.upper,
      resolved: s.total,
    })),
    insufficient: weakest.insufficientEvidence.map((s) => s.sector),
    minResolved: weakest.minResolved,
    ...(symbols ? { symbols } : {}),
  };
}

/** One model's symbols (every symbol, or one sector's) with accuracy, interval and best regime. */
export function symbolRows(tracker: SectorTracker, sector: string | undefined, model: string | undefined) {
  const all = tracker.getSymbolPerformance({ model });
  if (
    sector !== undefined &&
    !(GICS_SECTORS as readonly string[]).includes(sector) &&
    !Object.values(all).some((s) => s.sectors.includes(sector))
  ) {
    throw new VigilError(
      'VIGIL_NOT_FOUND',
      `no sector ${JSON.stringify(sector)}; GICS sectors are: ${GICS_SECTORS.join(', ')}`,
    );
  }
  return Object.entries(all)
    .filter(([, s]) => sector === undefined || s.sectors.includes(sector))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([symbol, s]) => ({
      symbol,
      sectors: [...s.sectors],
      tracked: s.tracked,
      resolved: s.total,
      correct: s.correct,
      pending: s.pending,
      accuracy: s.accuracy,
      ci: ci(s),
      bestRegime: s.best_regime,
      byRegime: Object.fromEntries(
        Object.entries(s.by_regime).map(([r, x]) => [
          r,
          { resolved: x.total, correct: x.correct, accuracy: x.accuracy, ci: ci(x) },
        ]),
      ),
    }));
}

export type SectorsReport = ReturnType<typeof sectorsReport>;
