import { type CommandContext, type PluginCommands, VigilError } from '@vigil/core';
import type { SectorsOptions } from './config.js';
import { GICS_SECTORS } from './gics.js';
import type { AccuracyStats } from './performance.js';
import type { SectorTracker } from './SectorTracker.js';
import { sectorTrackerToken } from './tokens.js';

/** A Wilson 95% interval as [low, high], or null with nothing resolved (as the HTTP API reports it). */
const ci = (s: AccuracyStats): [number, number] | null => (s.total > 0 ? [s.interval.lower, s.interval.upper] : null);

export interface SectorsReportOptions {
  readonly weakest: number;
  readonly minResolved?: number;
  /** true: every symbol; a string: that sector's symbols. */
  readonly symbols?: boolean | string;
}

/** The report: the API's GET /api/sectors shape (plus pending counts), and the symbol table when asked. */
export function sectorsReport(tracker: SectorTracker, options: SectorsOptions | undefined, o: SectorsReportOptions) {
  const perf = tracker.getSectorPerformance();
  const minResolved = o.minResolved ?? options?.minResolved;
  const weakest = tracker.getWeakestSectors(o.weakest, minResolved === undefined ? {} : { minResolved });
  const names = [...GICS_SECTORS, ...Object.keys(perf).filter((s) => !(GICS_SECTORS as readonly string[]).includes(s))];
  const sectors = names.map((sector) => {
    const p = tracker.getSectorPerformance(sector);
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
    symbols = symbolRows(tracker, typeof o.symbols === 'string' ? o.symbols : undefined);
  return {
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

function symbolRows(tracker: SectorTracker, sector: string | undefined) {
  const all = tracker.getSymbolPerformance();
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

type Report = ReturnType<typeof sectorsReport>;

function printReport(r: Report, ctx: CommandContext<SectorsOptions>): void {
  const { pct } = ctx;
  const out = ctx.io.stdout;
  const showCi = (c: [number, number] | null): string => (c ? `[${pct(c[0])}, ${pct(c[1])}]` : '-');
  const cell = (s: { resolved: number; accuracy: number | null } | undefined): string =>
    s && s.resolved > 0 ? `${pct(s.accuracy)} (${s.resolved})` : '-';
  const regimes = [...new Set(r.sectors.flatMap((s) => Object.keys(s.byRegime)))].sort();
  ctx.printTable(
    ['sector', 'resolved', 'correct', 'accuracy', '95% CI', 'pending', ...regimes],
    r.sectors.map((s) => [
      s.sector,
      s.resolved,
      s.correct,
      pct(s.accuracy),
      showCi(s.ci),
      s.pending,
      ...regimes.map((g) => cell(s.byRegime[g])),
    ]),
  );
  if (r.weakest.length) {
    out.write(`weakest sectors (lowest upper bound of the 95% interval; at least ${r.minResolved} resolved):\n`);
    r.weakest.forEach((w, i) => {
      out.write(`  ${i + 1}. ${w.sector}: ${pct(w.accuracy)} ${showCi(w.ci)}, ${w.resolved} resolved\n`);
    });
  } else out.write(`weakest sectors: none ranked yet (no sector has ${r.minResolved} resolved predictions)\n`);
  if (r.insufficient.length)
    out.write(`too little evidence to rank (< ${r.minResolved} resolved): ${r.insufficient.join(', ')}\n`);
  if (r.symbols) {
    const symRegimes = [...new Set(r.symbols.flatMap((s) => Object.keys(s.byRegime)))].sort();
    ctx.printTable(
      ['symbol', 'sector', 'resolved', 'correct', 'accuracy', '95% CI', 'pending', 'best regime', ...symRegimes],
      r.symbols.map((s) => [
        s.symbol,
        s.sectors.join(', '),
        s.resolved,
        s.correct,
        pct(s.accuracy),
        showCi(s.ci),
        s.pending,
        s.bestRegime ?? '-',
        ...symRegimes.map((g) => cell(s.byRegime[g])),
      ]),
    );
  }
}

/** `vigil sectors report`. */
export const sectorsCommands: PluginCommands<SectorsOptions> = {
  description: 'accuracy by GICS sector and symbol (sectors plugin)',
  register(group, ctx) {
    group
      .command('report')
      .description(
        'accuracy by sector with its Wilson 95% interval and resolved count, by regime; the weakest sectors; --symbols for the symbol table',
      )
      .option('--symbols [sector]', "also print the symbol table (every symbol, or one sector's)")
      .option('--weakest <n>', 'how many weakest sectors to list', ctx.args.int(0), 3)
      .option(
        '--min-resolved <n>',
        'resolved predictions a sector needs to be ranked (default: plugins.sectors.options.minResolved)',
        ctx.args.int(1),
      )
      .action((opts: SectorsReportOptions) =>
        ctx.run(() =>
          ctx.withService(sectorTrackerToken, async (tracker, options) => {
            const report = sectorsReport(tracker, options, opts);
            if (ctx.json()) ctx.printJson(report);
            else printReport(report, ctx);
            return ctx.exit.ok;
          }),
        ),
      );
  },
};
