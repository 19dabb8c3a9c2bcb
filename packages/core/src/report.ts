import { type Issue, VigilError, describeValue } from './errors.js';
import { ISO_DATE_RULE, checkText, parseIsoDate } from './records.js';

/**
 * What a report covers: one model version (default every one) and the predictions whose
 * `timestamp` lies in [from, to) (default everything). Dates are normalized ISO 8601 (UTC).
 */
export interface ReportQuery {
  readonly model?: string;
  readonly from?: string;
  readonly to?: string;
}

/** A cell or figure: numbers stay numbers, so the JSON and the HTML show the same value. */
export type ReportValue = number | string | boolean | null;

/** How to print a number: a share (0..1, printed as a percentage), a count, a plain number, a p-value. */
export type ReportUnit = 'share' | 'count' | 'number' | 'p';

/** ok: nothing to act on; warning: look at it; alert: act on it; info: context; disabled/error: no data. */
export type ReportStatus = 'ok' | 'info' | 'warning' | 'alert' | 'disabled' | 'error';

export interface ReportFigure {
  readonly label: string;
  readonly value: ReportValue;
  readonly unit?: ReportUnit;
  /** A 95% interval around `value` (e.g. Wilson), in the same unit. */
  readonly interval?: readonly [number, number] | null;
  readonly detail?: string;
  readonly status?: ReportStatus;
}

export interface ReportColumn {
  readonly key: string;
  readonly label: string;
  readonly unit?: ReportUnit;
}

/** Headline figures (what is in production, how many episodes, ...). */
export interface ReportFiguresBlock {
  readonly kind: 'figures';
  readonly title?: string;
  readonly items: readonly ReportFigure[];
}

/** A table; `rows` are keyed by the columns' `key`. */
export interface ReportTableBlock {
  readonly kind: 'table';
  readonly title: string;
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly Readonly<Record<string, ReportValue>>[];
  readonly note?: string;
}

/** One point of a series; `lower`/`upper` draw a band (an interval) around it. */
export interface ReportPoint {
  readonly x: string | number;
  readonly y: number | null;
  readonly lower?: number;
  readonly upper?: number;
}

export interface ReportSeries {
  readonly name: string;
  readonly points: readonly ReportPoint[];
  /** line (default), point (markers only) or bar. */
  readonly mark?: 'line' | 'point' | 'bar';
}

/**
 * A chart the renderer draws (an inline SVG in the HTML report): series over time or over a
 * number, horizontal threshold lines, and shaded spans (e.g. drift episodes).
 */
export interface ReportChartBlock {
  readonly kind: 'chart';
  readonly title: string;
  readonly x: { readonly label: string; readonly type: 'time' | 'number' | 'category' };
  readonly y: { readonly label: string; readonly unit?: ReportUnit; readonly domain?: readonly [number, number] };
  readonly series: readonly ReportSeries[];
  readonly thresholds?: readonly { readonly label: string; readonly value: number }[];
  readonly spans?: readonly { readonly label: string; readonly from: string | number; readonly to: string | number }[];
  readonly note?: string;
}

export interface ReportTextBlock {
  readonly kind: 'text';
  readonly text: string;
}

export type ReportBlock = ReportFiguresBlock | ReportTableBlock | ReportChartBlock | ReportTextBlock;

/** A plugin's part of the report. `id` is the plugin id or `<plugin-id>.<name>`. */
export interface ReportSection {
  readonly id: string;
  readonly title: string;
  readonly status: ReportStatus;
  /** One sentence a reader can act on. */
  readonly summary: string;
  readonly blocks: readonly ReportBlock[];
}

/** The whole report, as `GET /api/report` and `vigil report --json` give it. */
export interface VigilReport {
  readonly title: string;
  readonly generatedAt: string;
  readonly version: string;
  readonly database: string;
  readonly query: { readonly model: string | null; readonly from: string | null; readonly to: string | null };
  /** Every installed plugin: enabled or not, and the ids of the sections it contributed. */
  readonly plugins: readonly { readonly id: string; readonly enabled: boolean; readonly sections: readonly string[] }[];
  readonly sections: readonly ReportSection[];
}

/**
 * Checks and normalizes a report query from flags or a query string: bad values are one
 * `VIGIL_INVALID_INPUT` whose issues name each field (by `names`: `--from`, `querystring.from`).
 */
export function parseReportQuery(
  q: { model?: unknown; from?: unknown; to?: unknown },
  names: { readonly model: string; readonly from: string; readonly to: string } = {
    model: 'model',
    from: 'from',
    to: 'to',
  },
): ReportQuery {
  const issues: Issue[] = [];
  const out: { model?: string; from?: string; to?: string } = {};
  if (q.model !== undefined) {
    const before = issues.length;
    checkText(issues, names.model, q.model, 100);
    if (issues.length === before) out.model = q.model as string;
  }
  for (const k of ['from', 'to'] as const) {
    if (q[k] === undefined) continue;
    const iso = parseIsoDate(q[k]);
    if (iso === undefined)
      issues.push({ path: names[k], message: `must be ${ISO_DATE_RULE}, got ${describeValue(q[k])}`, value: q[k] });
    else out[k] = iso;
  }
  if (out.from !== undefined && out.to !== undefined && out.from >= out.to)
    issues.push({
      path: names.to,
      message: `must be after ${names.from} (${out.from}): the range is [from, to), got ${out.to}`,
      value: q.to,
    });
  if (issues.length)
    throw new VigilError(
      'VIGIL_INVALID_INPUT',
      `invalid report query: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      { issues },
    );
  return out;
}

/** Whether an ISO timestamp lies in the query's [from, to). */
export function inReportRange(q: ReportQuery, timestamp: string): boolean {
  return (q.from === undefined || timestamp >= q.from) && (q.to === undefined || timestamp < q.to);
}
