import type { CommandContext, PluginCommands } from '@vigil/core';
import type { SectorsOptions } from './config.js';
import { type SectorsReportOptions, sectorsReport } from './sectorsReport.js';
import { sectorTrackerToken } from './tokens.js';

type Report = ReturnType<typeof sectorsReport>;
export type { SectorsReportOptions };

function printReport(r: Report, ctx: CommandContext<SectorsOptions>): void {
  const { pct } = ctx;
  const out = ctx.io.stdout;
  const showCi = (c: [number, number] | null): string => (c ? `[${pct(c[0])}, ${pct(c[1])}]` : '-');
  const cell = (s: { resolved: number; accuracy: number | null } | undefined): string =>
    s && s.resolved > 0 ? `${pct(s.accuracy)} (${s.resolved})` : '-';
  if (r.model !== null) out.write(`model: ${r.model}\n`);
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
      .option('--model <version>', 'the model whose figures to report (required when several models are tracked)')
      .action((opts: SectorsReportOptions) =>
        ctx.run(() =>
          ctx.withService(sectorTrackerToken, async (tracker, options) => {
            const report = sectorsReport(tracker, options, { ...opts, modelField: '--model' });
            if (ctx.json()) ctx.printJson(report);
            else printReport(report, ctx);
            return ctx.exit.ok;
          }),
        ),
      );
  },
};
