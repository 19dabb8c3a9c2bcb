import { VigilError, dialectOf, placeholder, quoteIdent, wilsonInterval } from '@vigil/core';
import type { DataSource } from 'typeorm';
import { SECTOR_PERFORMANCE_TABLE } from './entities/SectorPerformanceEntity.js';

/** What a rolling accuracy series is split by. */
export const ROLLING_BY = ['sector', 'regime', 'model'] as const;
export type RollingBy = (typeof ROLLING_BY)[number];

/** One step of a rolling series: the resolved predictions of the last `window` steps, their accuracy and Wilson 95% interval. */
export interface RollingPoint {
  readonly step: string;
  readonly resolved: number;
  readonly correct: number;
  readonly accuracy: number;
  readonly ci: [number, number];
}

/** `GET /api/sectors/rolling`: rolling accuracy by sector, regime or model over trading days. */
export interface RollingDocument {
  /** The model charted (by sector or regime); null when split by model or nothing is tracked. */
  readonly model: string | null;
  readonly by: RollingBy;
  /** Steps (UTC trading days with resolved predictions) each point pools. */
  readonly window: number;
  /** The first day charted: the one asked for, else with `steps` the first of the last `steps` days; null: the whole history. */
  readonly from: string | null;
  readonly to: string | null;
  /** `steps` asked for: the chart covers the last this many trading days with outcomes (up to `to`); null: not asked. */
  readonly steps: number | null;
  readonly series: readonly { key: string; resolved: number; points: RollingPoint[] }[];
}

const COLUMN: Record<RollingBy, string> = { sector: 'sector', regime: 'regime', model: 'model_version' };

/**
 * Rolling accuracy from `sector_performance`'s resolved rows, per UTC day (the prediction's
 * timestamp) and group: each point pools the last `window` days that have resolved predictions
 * (trading days, not calendar days), so a point's Wilson interval reflects how many outcomes it
 * holds. Reads, grouped by day in SQL, only the charted model's (or, by model, each tracked
 * model's) resolved rows from the `window` trading days before `from` up to `to`, through the
 * partial (model_version, timestamp) index of resolved rows (SectorRollingIndex1700000003200).
 * Without `from`, `steps` bounds the chart to the last `steps` trading days with outcomes (up to
 * `to`): a recent window read by index, however long the history (the dashboard's default).
 */
export class SectorRolling {
  /** `models`: the models tracked (the sectors tracker's), charted one series each when split by model. */
  constructor(
    private readonly ds: DataSource,
    private readonly models: () => readonly string[],
  ) {}

  /** The model of the latest tracked prediction (the primary key answers it). */
  async latestModel(): Promise<string | null> {
    const rows = (await this.ds.query(
      `SELECT model_version FROM ${quoteIdent(SECTOR_PERFORMANCE_TABLE)} ORDER BY id DESC LIMIT 1`,
    )) as { model_version: string }[];
    return rows[0] ? String(rows[0].model_version) : null;
  }

  async read(q: {
    model?: string;
    by: RollingBy;
    window: number;
    from?: string;
    to?: string;
    /** Chart only the last this many trading days with outcomes (up to `to`); not with `from`. */
    steps?: number;
  }): Promise<RollingDocument> {
    if (!(ROLLING_BY as readonly string[]).includes(q.by))
      throw new VigilError(
        'VIGIL_INVALID_INPUT',
        `querystring.by: must be one of ${ROLLING_BY.join(', ')}, got ${JSON.stringify(q.by)}`,
        {
          issues: [{ path: 'querystring.by', message: `must be one of ${ROLLING_BY.join(', ')}`, value: q.by }],
        },
      );
    if (q.steps !== undefined && q.from !== undefined)
      throw new VigilError('VIGIL_INVALID_INPUT', 'querystring.steps: give steps or from, not both', {
        issues: [{ path: 'querystring.steps', message: 'not with querystring.from', value: q.steps }],
      });
    const model = q.by === 'model' ? null : (q.model ?? (await this.latestModel()));
    const base = { model, by: q.by, window: q.window, from: q.from ?? null, to: q.to ?? null, steps: q.steps ?? null };
    if (q.by !== 'model' && model === null) return { ...base, series: [] };
    const models = model === null ? [...this.models()] : [model];
    if (models.length === 0) return { ...base, series: [] };
    const key = COLUMN[q.by];
    const to = q.to === undefined ? undefined : nextDay(q.to);
    let rows: GroupRow[];
    let from = q.from;
    if (from !== undefined)
      rows = await this.#reaching(models, key, from, to, q.window - 1, (r) => r < (from as string));
    else if (q.steps !== undefined) {
      // the last `steps` days with outcomes, and the `window - 1` before them that their first points pool
      const last = await this.#lastDay(models, to);
      if (last === null) return { ...base, series: [] };
      const need = q.steps + q.window - 1;
      rows = await this.#reaching(models, key, nextDay(last), to, need, () => true);
      const days = [...new Set(rows.map((r) => String(r.step)))].sort();
      from = days[Math.max(0, days.length - q.steps)];
    } else rows = await this.#grouped(models, key, undefined, to);
    // the trading days of the data (every group shares them: a window is W days of the model's data)
    const days = [...new Set(rows.map((r) => String(r.step)))].sort();
    const dayIndex = new Map(days.map((d, i) => [d, i]));
    const groups = new Map<string, { n: Float64Array; c: Float64Array }>();
    for (const r of rows) {
      const k = String(r.k);
      let g = groups.get(k);
      if (!g) {
        g = { n: new Float64Array(days.length), c: new Float64Array(days.length) };
        groups.set(k, g);
      }
      const i = dayIndex.get(String(r.step)) as number;
      g.n[i] = Number(r.n);
      g.c[i] = Number(r.c);
    }
    const series = [...groups].map(([k, g]) => {
      const points: RollingPoint[] = [];
      let n = 0;
      let c = 0;
      for (let i = 0; i < days.length; i++) {
        n += g.n[i] as number;
        c += g.c[i] as number;
        if (i >= q.window) {
          n -= g.n[i - q.window] as number;
          c -= g.c[i - q.window] as number;
        }
        const step = days[i] as string;
        // a point once the window is full, and only on a day the group has outcomes
        if (i + 1 < q.window || (g.n[i] as number) === 0 || n === 0) continue;
        if (from !== undefined && step < from) continue;
        const ci = wilsonInterval(c, n);
        points.push({ step, resolved: n, correct: c, accuracy: c / n, ci: [ci.lower, ci.upper] });
      }
      // outcomes in the range (the days before `from` that the first windows pool are not counted)
      let resolved = 0;
      for (let i = 0; i < days.length; i++)
        if (from === undefined || (days[i] as string) >= from) resolved += g.n[i] as number;
      return { key: k, resolved, points };
    });
    const shown = series.filter((x) => x.resolved > 0);
    shown.sort((a, b) => b.resolved - a.resolved || a.key.localeCompare(b.key));
    return { ...base, from: from ?? null, series: shown };
  }

  /**
   * Resolved rows from before `until` back far enough to hold `need` days that `counts` keeps, up to
   * `hi`: starts a few calendar weeks back (weekends, holidays) and reaches further while fewer days
   * were found and older outcomes exist.
   */
  async #reaching(
    models: readonly string[],
    key: string,
    until: string,
    hi: string | undefined,
    need: number,
    counts: (day: string) => boolean,
  ): Promise<GroupRow[]> {
    let span = Math.ceil((need + 1) * 1.6) + 7;
    for (;;) {
      const lo = daysBefore(until, span);
      const rows = await this.#grouped(models, key, lo, hi);
      const found = new Set(rows.map((r) => String(r.step)).filter(counts)).size;
      if (found >= need || !(await this.#anyBefore(models, lo))) return rows;
      span *= 2;
    }
  }

  /** The UTC day of the newest resolved row of `models` before `hi` (one index probe per model); null: none. */
  async #lastDay(models: readonly string[], hi: string | undefined): Promise<string | null> {
    let last: string | null = null;
    for (const m of models) {
      const { where, params } = this.#where([m], undefined, hi);
      const rows = (await this.ds.query(
        `SELECT timestamp FROM ${quoteIdent(SECTOR_PERFORMANCE_TABLE)} WHERE ${where} ORDER BY timestamp DESC LIMIT 1`,
        params,
      )) as { timestamp: string }[];
      const day = rows[0] ? String(rows[0].timestamp).slice(0, 10) : null;
      if (day !== null && (last === null || day > last)) last = day;
    }
    return last;
  }

  /** Resolved rows of `models` with `lo <= timestamp < hi`, counted per UTC day and group. */
  async #grouped(models: readonly string[], key: string, lo: string | undefined, hi: string | undefined) {
    const { where, params } = this.#where(models, lo, hi);
    return (await this.ds.query(
      `SELECT SUBSTR(timestamp, 1, 10) AS step, ${key} AS k, COUNT(*) AS n, SUM(correct) AS c FROM ${quoteIdent(SECTOR_PERFORMANCE_TABLE)} WHERE ${where} GROUP BY SUBSTR(timestamp, 1, 10), ${key} ORDER BY step`,
      params,
    )) as GroupRow[];
  }

  /** Whether `models` have a resolved row before `lo` (one index probe). */
  async #anyBefore(models: readonly string[], lo: string): Promise<boolean> {
    const { where, params } = this.#where(models, undefined, lo);
    const rows = (await this.ds.query(
      `SELECT 1 AS x FROM ${quoteIdent(SECTOR_PERFORMANCE_TABLE)} WHERE ${where} LIMIT 1`,
      params,
    )) as unknown[];
    return rows.length > 0;
  }

  /** The rows the partial index holds (`correct IS NOT NULL`) for `models`, `lo <= timestamp < hi`. */
  #where(models: readonly string[], lo: string | undefined, hi: string | undefined) {
    const ph = placeholder(dialectOf(this.ds));
    const params: unknown[] = [];
    const where = [
      'correct IS NOT NULL',
      'timestamp IS NOT NULL',
      `model_version IN (${models.map((m) => ph(params.push(m))).join(', ')})`,
    ];
    if (lo !== undefined) where.push(`timestamp >= ${ph(params.push(lo))}`);
    if (hi !== undefined) where.push(`timestamp < ${ph(params.push(hi))}`);
    return { where: where.join(' AND '), params };
  }
}

type GroupRow = { step: string; k: string; n: unknown; c: unknown };

function daysBefore(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
