import { EVERY_MODEL, type ReportQuery, UNKNOWN_MODEL, inReportRange } from '@vigil/core';

/** What the filter reads of a history row (a `ReportView`). */
export interface FilterableRow {
  /** The `modelVersion` the row names; null: unknown (rows written before it was recorded, validations that named none). */
  readonly modelVersion: string | null;
  readonly timestamp: string;
  readonly asOf?: string | null;
}

/**
 * Which gate history rows a model / date query keeps, for the report and `GET /api/gate/history`
 * alike: a row's time is its decision's data time (as-of) when it recorded one, else when it was
 * recorded, inside [from, to); `model` is the `modelVersion` the row names (what predictions
 * carry, not a file name); rows that name none are model 'unknown'.
 */
export function historyFilter(q: ReportQuery): (r: FilterableRow) => boolean {
  return (r) =>
    inReportRange(q, r.asOf ?? r.timestamp) && (q.model === undefined || (r.modelVersion ?? UNKNOWN_MODEL) === q.model);
}

/**
 * A view's query (`model`, calendar days `from` and `to`, both days included, as the dashboard's
 * filter means them) as a report query: [from 00:00Z, the day after `to` 00:00Z); `model=*` is
 * every model.
 */
export function dayQuery(q: { model?: string; from?: string; to?: string }): ReportQuery {
  const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();
  return {
    ...(q.model !== undefined && q.model !== EVERY_MODEL ? { model: q.model } : {}),
    ...(q.from !== undefined ? { from: new Date(Date.parse(`${q.from}T00:00:00Z`)).toISOString() } : {}),
    ...(q.to !== undefined ? { to: dayAfter(q.to) } : {}),
  };
}
