// Chart helpers over uPlot (window.uPlot, loaded by index.html): time charts sized to their card,
// shaded spans (drift episodes), bands (Wilson intervals), an HTML legend that wraps on a phone.
import { h } from './dom.js';

export const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

/** The uPlot constructor, or a clear error when vendor/uplot did not load. */
export function uplot() {
  const u = window.uPlot;
  if (typeof u !== 'function') throw new Error('the chart library did not load from vendor/uplot/uPlot.iife.min.js');
  return u;
}

/** A step (`2015-08-24` or a bar's ISO start) as uPlot's x: seconds since the epoch, UTC. */
export function stepSeconds(step) {
  const s = String(step);
  return Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s) / 1000;
}

/** The width a chart gets inside `el` (its card), never wider than the card. */
export function chartWidth(el) {
  return Math.max(160, Math.floor((el?.clientWidth ?? 600) - 2));
}

/** Chart height for the screen: shorter on a phone. */
export function chartHeight(base = 240) {
  return window.innerWidth < 720 ? Math.round(base * 0.8) : base;
}

/**
 * A uPlot plugin that shades spans of x ([from, to] in seconds; to null = open until the last x)
 * behind the series, e.g. drift episodes.
 */
export function spansPlugin(spans, fill = 'rgba(220, 38, 38, 0.12)') {
  return {
    hooks: {
      drawClear: [
        (u) => {
          const { ctx, bbox } = u;
          const xMax = u.scales.x.max;
          ctx.save();
          ctx.fillStyle = fill;
          for (const s of spans) {
            const a = u.valToPos(Math.max(s.from, u.scales.x.min), 'x', true);
            const b = u.valToPos(Math.min(s.to ?? xMax, xMax), 'x', true);
            if (b > a) ctx.fillRect(a, bbox.top, Math.max(2, b - a), bbox.height);
            else if (s.from <= xMax && s.from >= u.scales.x.min) ctx.fillRect(a - 1, bbox.top, 2, bbox.height);
          }
          ctx.restore();
        },
      ],
    },
  };
}

/**
 * A band between two series (by index) filled with `fill`: uPlot's `bands` option, e.g. a Wilson
 * interval around an accuracy line.
 */
export function band(upperIdx, lowerIdx, fill) {
  return { series: [upperIdx, lowerIdx], fill };
}

/** Axes for a UTC time chart with a formatted y axis. */
export function timeAxes(yFormat, ySize = 52) {
  return [
    { stroke: '#6b7280', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e5e7eb' }, size: 50 },
    {
      stroke: '#6b7280',
      size: ySize,
      grid: { stroke: '#eef0f3' },
      ticks: { stroke: '#e5e7eb' },
      values: (_u, vals) => vals.map(yFormat),
    },
  ];
}

/** Options every time chart shares: size to the box, UTC dates, no built-in legend (see legend()). */
export function baseOptions(box, height) {
  const uPlot = uplot();
  return {
    width: chartWidth(box),
    height: height ?? chartHeight(),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    legend: { show: false },
    cursor: { drag: { x: true, y: false } },
  };
}

/** An HTML legend: [label, color, dashed?] items that wrap to the card's width. */
export function legend(items, testid) {
  return h(
    'div',
    { class: 'legend', testid },
    items.map(([label, color, kind]) =>
      h(
        'span',
        { class: 'legend-item' },
        h('span', {
          class: `legend-swatch legend-${kind ?? 'line'}`,
          // a dashed swatch is its top border alone
          style: kind === 'dash' ? { borderColor: color } : { background: color, borderColor: color },
        }),
        label,
      ),
    ),
  );
}

/** Keeps charts sized to their boxes when the window changes; returns a disposer. */
export function resizeWith(plots) {
  const onResize = () => {
    for (const p of plots) p.setSize({ width: chartWidth(p.root.parentElement), height: p.height });
  };
  window.addEventListener('resize', onResize);
  return () => {
    window.removeEventListener('resize', onResize);
    for (const p of plots) p.destroy();
  };
}
