import { VigilError, optionsOf } from '@vigil/core';
import type { VigilHost } from '@vigil/host';
import { type AccuracyStats, GICS_SECTORS, sectorTrackerToken, sectorsPlugin } from '@vigil/sectors';
import type { Command } from 'commander';
import { withHost } from '../context.js';
import { type CliIO, EXIT, pct, printJson, printTable } from '../io.js';
import { type Run, globalsOf, intArg, requirePlugin } from './cliSupport.js';

/** A Wilson 95% interval as [low, high], or null with nothing resolved (as the HTTP API reports it). */
const ci = (s: AccuracyStats): [number, number] | null => (s.total > 0 ? [s.interval.lower, s.interval.upper] : null);
const showCi = (c: [number, number] | null): string => (c ? `[${pct(c[0])}, ${pct(c[1])}]` : '-');
const cell = (s: { resolved: number; accuracy: number | null } | undefined): string => (s && s.resolved > 0 ? `${pct(s.accuracy)} (${s.resolved})` : '-');

export interface SectorsReportOptions {
  readonly weakest: number;
  readonly minResolved?: number;
  /** true: every symbol; a string: that sector's symbols. */
  readonly symbols?: boolean | string;
}

/** The report: the API's GET /api/sectors shape (plus pending counts), and the symbol table when asked. */
export function sectorsReport(host: VigilHost, o: SectorsReportOptions) {
  requirePlugin(host, 'sectors');
  const tracker = host.container.resolve(sectorTrackerToken);
  const perf = tracker.getSectorPerformance();
  const minResolved = o.minResolved ?? optionsOf(host.config, sectorsPlugin)?.minResolved;
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
      byRegime: Object.fromEntries(Object.entries(p.by_regime).map(([r, s]) => [r, { resolved: s.total, correct: s.correct, accuracy: s.accuracy, ci: ci(s) }])),
    };
  });
  let symbols: ReturnType<typeof symbolRows> | undefined;
  if (o.symbols !== undefined && o.symbols !== false) symbols = symbolRows(host, typeof o.symbols === 'string' ? o.symbols : undefined);
  return {
    sectors,
    weakest: weakest.sectors.map((s) => ({ sector: s.sector, accuracy: s.accuracy, ci: [s.interval.lower, s.interval.upper] as [number, number], upper: s.interval.upper, resolved: s.total })),
    insufficient: weakest.insufficientEvidence.map((s) => s.sector),
    minResolved: weakest.minResolved,
    ...(symbols ? { symbols } : {}),
  };
}

function symbolRows(host: VigilHost, sector: string | undefined) {
  const all = host.container.resolve(sectorTrackerToken).getSymbolPerformance();
  if (sector !== undefined && !(GICS_SECTORS as readonly string[]).includes(sector) && !Object.values(all).some((s) => s.sectors.includes(sector))) {
    throw new VigilError('VIGIL_NOT_FOUND', `no sector ${JSON.stringify(sector)}; GICS sectors are: ${GICS_SECTORS.join(', ')}`);
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
      byRegime: Object.fromEntries(Object.entries(s.by_regime).map(([r, x]) => [r, { resolved: x.total, correct: x.correct, accuracy: x.accuracy, ci: ci(x) }])),
    }));
}

type Report = ReturnType<typeof sectorsReport>;

function printReport(r: Report, io: CliIO): void {
  const regimes = [...new Set(r.sectors.flatMap((s) => Object.keys(s.byRegime)))].sort();
  printTable(
    io,
    ['sector', 'resolved', 'correct', 'accuracy', '95% CI', 'pending', ...regimes],
    r.sectors.map((s) => [s.sector, s.resolved, s.correct, pct(s.accuracy), showCi(s.ci), s.pending, ...regimes.map((g) => cell(s.byRegime[g]))]),
  );
  if (r.weakest.length) {
    io.stdout.write(`weakest sectors (lowest upper bound of the 95% interval; at least ${r.minResolved} resolved):\n`);
    r.weakest.forEach((w, i) => {
      io.stdout.write(`  ${i + 1}. ${w.sector}: ${pct(w.accuracy)} ${showCi(w.ci)}, ${w.resolved} resolved\n`);
    });
  } else io.stdout.write(`weakest sectors: none ranked yet (no sector has ${r.minResolved} resolved predictions)\n`);
  if (r.insufficient.length) io.stdout.write(`too little evidence to rank (< ${r.minResolved} resolved): ${r.insufficient.join(', ')}\n`);
  if (r.symbols) {
    const symRegimes = [...new Set(r.symbols.flatMap((s) => Object.keys(s.byRegime)))].sort();
    printTable(
      io,
      ['symbol', 'sector', 'resolved', 'correct', 'accuracy', '95% CI', 'pending', 'best regime', ...symRegimes],
      r.symbols.map((s) => [s.symbol, s.sectors.join(', '), s.resolved, s.correct, pct(s.accuracy), showCi(s.ci), s.pending, s.bestRegime ?? '-', ...symRegimes.map((g) => cell(s.byRegime[g]))]),
    );
  }
}

export function sectorsCommands(program: Command, io: CliIO, run: Run): void {
  const g = globalsOf(program);
  const sectors = program.command('sectors').description('accuracy by GICS sector and symbol (sectors plugin)');
  sectors
    .command('report')
    .description('accuracy by sector with its Wilson 95% interval and resolved count, by regime; the weakest sectors; --symbols for the symbol table')
    .option('--symbols [sector]', "also print the symbol table (every symbol, or one sector's)")
    .option('--weakest <n>', 'how many weakest sectors to list', intArg(0), 3)
    .option('--min-resolved <n>', 'resolved predictions a sector needs to be ranked (default: plugins.sectors.options.minResolved)', intArg(1))
    .action((opts: { symbols?: boolean | string; weakest: number; minResolved?: number }) =>
      run(() =>
        withHost(g(), async (host) => {
          const report = sectorsReport(host, opts);
          if (g().json) printJson(io, report);
          else printReport(report, io);
          return EXIT.ok;
        }),
      ),
    );
}
