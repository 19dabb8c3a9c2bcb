import { type PluginRoutes, VigilError, ciOf as interval } from '@vigil/core';
// route schemas carry OpenAPI tags and summaries (types from @fastify/swagger, which the server registers)
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { SectorTracker } from './SectorTracker.js';
import { GICS_SECTORS } from './gics.js';

/** `GET /api/sectors[/:sector/symbols]`: accuracy by GICS sector and symbol (docs/api.md, Sectors). */
export function sectorsRoutes(tracker: SectorTracker): PluginRoutes {
  return async (app: FastifyInstance) => {
    app.get(
      '',
      {
        schema: {
          tags: ['sectors'],
          summary: 'accuracy by GICS sector with Wilson intervals, by regime; the weakest sectors',
        },
      },
      async () => {
        const perf = tracker.getSectorPerformance();
        const weakest = tracker.getWeakestSectors(3);
        const names = [
          ...GICS_SECTORS,
          ...Object.keys(perf).filter((s) => !(GICS_SECTORS as readonly string[]).includes(s)),
        ];
        return {
          sectors: names.map((sector) => {
            const p = perf[sector];
            return {
              sector,
              tracked: p?.tracked ?? 0,
              resolved: p?.total ?? 0,
              correct: p?.correct ?? 0,
              accuracy: p?.accuracy ?? null,
              ci: interval(p?.interval, p?.total ?? 0),
              byRegime: Object.fromEntries(
                Object.entries(p?.by_regime ?? {}).map(([r, s]) => [
                  r,
                  { resolved: s.total, correct: s.correct, accuracy: s.accuracy, ci: interval(s.interval, s.total) },
                ]),
              ),
            };
          }),
          weakest: weakest.sectors.map((s) => ({
            sector: s.sector,
            accuracy: s.accuracy,
            upper: s.interval.upper,
            resolved: s.total,
          })),
          insufficient: weakest.insufficientEvidence.map((s) => s.sector),
          minResolved: weakest.minResolved,
        };
      },
    );

    app.get(
      '/:sector/symbols',
      { schema: { tags: ['sectors'], summary: "a sector's symbols with their accuracy and best regime" } },
      async (req) => {
        const sector = (req.params as { sector: string }).sector;
        const all = tracker.getSymbolPerformance();
        if (
          !(GICS_SECTORS as readonly string[]).includes(sector) &&
          !Object.values(all).some((s) => s.sectors.includes(sector))
        ) {
          throw new VigilError(
            'VIGIL_NOT_FOUND',
            `no sector ${JSON.stringify(sector)}; GICS sectors are: ${GICS_SECTORS.join(', ')}`,
          );
        }
        return {
          sector,
          symbols: Object.entries(all)
            .filter(([, s]) => s.sectors.includes(sector))
            .map(([symbol, s]) => ({
              symbol,
              tracked: s.tracked,
              resolved: s.total,
              correct: s.correct,
              accuracy: s.accuracy,
              ci: interval(s.interval, s.total),
              bestRegime: s.best_regime,
            }))
            .sort((a, b) => (a.symbol < b.symbol ? -1 : 1)),
        };
      },
    );
  };
}
