import type { ReportChartBlock } from '@vigil/core';
import { View, parse } from 'vega';
import { compile } from 'vega-lite';

const WIDTH = 760;
const HEIGHT = 220;

type Row = { series: string; x: string | number; y: number | null; lower?: number; upper?: number };

/**
 * A report chart as a vega-lite spec: one layer per mark kind, interval bands under their
 * series, shaded spans (episodes) and dashed threshold lines. Data is inline, so rendering
 * never loads anything.
 */
export function chartSpec(c: ReportChartBlock): Record<string, unknown> {
  const xType = c.x.type === 'time' ? 'temporal' : c.x.type === 'number' ? 'quantitative' : 'ordinal';
  const yFormat = c.y.unit === 'share' ? '.0%' : undefined;
  const rows: Row[] = c.series.flatMap((s) =>
    s.points.map((p) => ({
      series: s.name,
      x: p.x,
      y: p.y,
      ...(p.lower !== undefined ? { lower: p.lower } : {}),
      ...(p.upper !== undefined ? { upper: p.upper } : {}),
    })),
  );
  const x = { field: 'x', type: xType, title: c.x.label, ...(xType === 'ordinal' ? { sort: null } : {}) };
  const y = {
    field: 'y',
    type: 'quantitative',
    title: c.y.label,
    ...(c.y.domain ? { scale: { domain: [...c.y.domain], zero: false } } : { scale: { zero: false } }),
    ...(yFormat ? { axis: { format: yFormat } } : {}),
  };
  const names = c.series.map((s) => s.name);
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: names },
    legend: { orient: 'bottom', labelLimit: 400 },
  };
  const layers: Record<string, unknown>[] = [];
  if (c.spans?.length)
    layers.push({
      data: { values: c.spans.map((s) => ({ from: s.from, to: s.to, label: s.label })) },
      mark: { type: 'rect', color: '#d62728', opacity: 0.12 },
      encoding: { x: { field: 'from', type: xType }, x2: { field: 'to' } },
    });
  if (rows.some((r) => r.lower !== undefined && r.upper !== undefined))
    layers.push({
      transform: [{ filter: 'isValid(datum.lower) && isValid(datum.upper)' }],
      mark: { type: 'area', opacity: 0.18 },
      encoding: { x, y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' }, color },
    });
  for (const mark of ['line', 'point', 'bar'] as const) {
    const of = c.series.filter((s) => (s.mark ?? 'line') === mark).map((s) => s.name);
    if (!of.length) continue;
    layers.push({
      transform: [{ filter: { field: 'series', oneOf: of } }, { filter: 'isValid(datum.y)' }],
      mark:
        mark === 'line'
          ? { type: 'line', strokeWidth: 1.5 }
          : mark === 'point'
            ? { type: 'point', filled: true, size: 28 }
            : { type: 'bar' },
      encoding: { x, y, color },
    });
  }
  for (const t of c.thresholds ?? [])
    layers.push({
      data: { values: [{ v: t.value, label: t.label }] },
      layer: [
        {
          mark: { type: 'rule', strokeDash: [5, 4], color: '#555' },
          encoding: { y: { field: 'v', type: 'quantitative' } },
        },
        {
          mark: { type: 'text', align: 'right', dy: -5, color: '#555', fontSize: 10 },
          encoding: { y: { field: 'v', type: 'quantitative' }, text: { field: 'label' }, x: { value: WIDTH } },
        },
      ],
    });
  return {
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    layer: layers,
    config: { font: 'system-ui, sans-serif', view: { stroke: '#ccc' }, axis: { labelFontSize: 10, titleFontSize: 11 } },
  };
}

/** Renders a report chart to an SVG string (vega's headless SVG renderer; no canvas, no network). */
export async function chartSvg(c: ReportChartBlock): Promise<string> {
  const view = new View(parse(compile(chartSpec(c) as never).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
