import { fileURLToPath } from 'node:url';
import {
  type CommandContext,
  type CriterionContext,
  type GateCriterion,
  type PluginRoutes,
  type ReportQuery,
  type ReportSection,
  dataSourceToken,
  defineCriterion,
  definePlugin,
  defineToken,
} from '@vigil/core';
import { z } from 'zod';
import { AcmeTurnover1800000000000 } from './AcmeTurnover1800000000000.js';
import { TurnoverTracker } from './TurnoverTracker.js';

export const turnoverToken = defineToken<TurnoverTracker>('acme.turnover');
export const acmeOptionsSchema = z.object({ maxTurnover: z.number().min(0).max(1).default(0.5) }).strict();
export type AcmeOptions = z.output<typeof acmeOptionsSchema>;

/** The gate criterion: optional by default; config `plugins.gate.options.require` makes it decide. */
export const maxTurnover = (tracker: TurnoverTracker, o: AcmeOptions): GateCriterion =>
  defineCriterion({
    id: 'acme.max_turnover',
    description: 'the candidate flips its call for a symbol on at most this share of days',
    defaultThreshold: o.maxTurnover,
    requiredByDefault: false,
    async evaluate(ctx: CriterionContext) {
      const rate = await tracker.rate(String(ctx.validation.modelVersion));
      const threshold = ctx.threshold ?? o.maxTurnover;
      if (rate === undefined)
        return { status: 'insufficient', value: null, threshold, message: 'no predictions seen for this model' };
      return {
        status: rate <= threshold ? 'pass' : 'fail',
        value: rate,
        threshold,
        message: `turnover ${rate.toFixed(2)} vs max ${threshold}`,
      };
    },
  });

/** `GET /api/acme`: every model version's turnover. */
const acmeRoutes =
  (tracker: TurnoverTracker): PluginRoutes =>
  async (app) => {
    app.get('', { schema: { tags: ['acme'], summary: 'turnover by model version' } }, async () => ({
      models: await tracker.all(),
    }));
  };

/** Its section of `vigil report` / `GET /api/report`: typed figures and a table, rendered by Vigil. */
async function acmeReport(tracker: TurnoverTracker, q: ReportQuery): Promise<ReportSection[]> {
  const rows = (await tracker.all()).filter((r) => q.model === undefined || r.modelVersion === q.model);
  const top = rows.find((r) => r.rate !== null);
  return [
    {
      id: 'acme',
      title: 'Turnover (acme)',
      status: 'info',
      summary: `${rows.length} model version(s); turnover is kept over each model's whole history${
        q.from !== undefined || q.to !== undefined ? ', not split by date' : ''
      }.`,
      blocks: [
        {
          kind: 'figures',
          items: [{ label: 'highest turnover', value: top?.rate ?? null, unit: 'share', detail: top?.modelVersion }],
        },
        {
          kind: 'table',
          title: 'Turnover by model version, highest first',
          columns: [
            { key: 'model', label: 'model' },
            { key: 'flips', label: 'flips', unit: 'count' },
            { key: 'pairs', label: 'pairs', unit: 'count' },
            { key: 'rate', label: 'turnover', unit: 'share' },
          ],
          rows: rows.map((r) => ({ model: r.modelVersion, flips: r.flips, pairs: r.total, rate: r.rate })),
        },
      ],
    },
  ];
}

export const acmePlugin = definePlugin({
  id: 'acme',
  description: 'Turnover of each model: how often it flips its call for a symbol',
  options: acmeOptionsSchema,
  migrations: [AcmeTurnover1800000000000],
  criterionIds: ['acme.max_turnover'],
  deps: { dataSource: dataSourceToken },
  init({ dataSource }, options) {
    const tracker = new TurnoverTracker(dataSource);
    return {
      provides: [[turnoverToken, tracker]],
      criteria: [maxTurnover(tracker, options)],
      hooks: { observe: (records, ctx) => tracker.observe(records, ctx) },
      routes: acmeRoutes(tracker),
      report: (query) => acmeReport(tracker, query),
      view: {
        title: 'Turnover',
        route: 'acme',
        dir: fileURLToPath(new URL('../view/', import.meta.url)),
        script: 'turnover.js',
        order: 50,
      },
    };
  },
  // `vigil acme report`: declared statically, so `vigil acme --help` needs no database
  commands: {
    description: 'turnover by model version (acme plugin)',
    register(
      group: { command(n: string): { description(d: string): { action(fn: () => unknown): unknown } } },
      ctx: CommandContext,
    ) {
      group
        .command('report')
        .description('turnover of every model version, highest first')
        .action(() =>
          ctx.run(() =>
            ctx.withService(turnoverToken, async (tracker) => {
              const rows = await tracker.all();
              if (ctx.json()) ctx.printJson(rows);
              else
                ctx.printTable(
                  ['model', 'flips', 'pairs', 'turnover'],
                  rows.map((r) => [r.modelVersion, r.flips, r.total, r.rate === null ? '-' : r.rate.toFixed(3)]),
                );
              return ctx.exit.ok;
            }),
          ),
        );
    },
  },
});
