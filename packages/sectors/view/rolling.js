// The sectors view's accuracy over time: rolling accuracy with Wilson 95% bands, by sector, regime
// or model, over a window of trading days the reader picks (said on the chart). Without a start
// date in the top bar it charts the last RECENT_STEPS trading days (a bounded read, however long
// the history); the reader can widen it to the whole history.
import { getJson } from '../../js/api.js';
import { COLORS, baseOptions, legend, stepSeconds, timeAxes, uplot } from '../../js/charts.js';
import { emptyState, h, panel } from '../../js/dom.js';
import { apiQuery, describeFilters } from '../../js/filters.js';
import { count, interval, pct } from '../../js/format.js';
import { regimeLabel } from '../../js/regimes.js';

export const WINDOWS = [5, 20, 60, 120];
export const DEFAULT_WINDOW = 20;
/** Trading days charted by default when the top bar names no start date (about a year). */
export const RECENT_STEPS = 250;
/** Groups drawn at most (the ones with the most outcomes); the rest are listed, not drawn. */
export const MAX_LINES = 6;

/**
 * The panel and its loaders: `fetchDoc()` reads the API, `show(doc)` fills the panel (once it is
 * on the page). `state` ({ by, window, range: 'recent' | 'all' }) is the reader's choice, kept
 * while the view is open; the top bar's start date, when set, overrides the range.
 */
export function rollingPanel(ctx, state) {
  const body = h('div', { class: 'rolling-body' });
  const plots = [];
  const bySelect = h(
    'select',
    { class: 'inline-select', testid: 'sectors-rolling-by', 'aria-label': 'split by' },
    ['sector', 'regime', 'model'].map((b) => h('option', { value: b, selected: b === state.by }, `by ${b}`)),
  );
  const windowSelect = h(
    'select',
    { class: 'inline-select', testid: 'sectors-rolling-window', 'aria-label': 'window in trading days' },
    WINDOWS.map((w) => h('option', { value: String(w), selected: w === state.window }, `${w} trading days`)),
  );
  const dated = Boolean(ctx.filters?.from);
  const rangeSelect = h(
    'select',
    {
      class: 'inline-select',
      testid: 'sectors-rolling-range',
      'aria-label': 'range charted',
      disabled: dated,
      title: dated ? "the top bar's dates apply" : null,
    },
    [
      ['recent', `last ${RECENT_STEPS} trading days`],
      ['all', 'whole history'],
    ].map(([v, label]) => h('option', { value: v, selected: v === (state.range ?? 'recent') }, label)),
  );
  const p = panel(
    'Accuracy over time',
    `rolling accuracy with its Wilson 95% interval (band); each point pools the resolved predictions of the last N trading days${describeFilters(ctx.filters) ? ` · ${describeFilters(ctx.filters)}` : ''}`,
    h(
      'div',
      { class: 'chart-meta' },
      h('label', { class: 'filter' }, h('span', {}, 'Split'), bySelect),
      h('label', { class: 'filter' }, h('span', {}, 'Window'), windowSelect),
      h('label', { class: 'filter' }, h('span', {}, 'Range'), rangeSelect),
    ),
    body,
  );
  p.dataset.testid = 'sectors-rolling';
  const fetchDoc = () => {
    // split by model: every model, whatever the top bar's model
    const filters = state.by === 'model' ? { ...ctx.filters, model: undefined } : ctx.filters;
    // no start date in the top bar: the last RECENT_STEPS trading days unless the reader widens it
    const steps = !dated && (state.range ?? 'recent') === 'recent' ? RECENT_STEPS : undefined;
    return getJson(`api/sectors/rolling${apiQuery(filters, { by: state.by, window: state.window, steps })}`);
  };
  /** Shows a document (the panel must be on the page: the chart takes its width). */
  const show = (doc) => {
    for (const x of plots.splice(0)) x.destroy();
    const { nodes, box, drawn } = content(doc);
    body.replaceChildren(...nodes);
    if (box) plots.push(draw(box, drawn));
  };
  const reload = () =>
    fetchDoc()
      .then(show)
      .catch((e) => body.replaceChildren(emptyState('sectors-rolling-error', 'Could not load.', e.message)));
  bySelect.addEventListener('change', () => {
    state.by = bySelect.value;
    reload();
  });
  windowSelect.addEventListener('change', () => {
    state.window = Number(windowSelect.value);
    reload();
  });
  rangeSelect.addEventListener('change', () => {
    state.range = rangeSelect.value;
    reload();
  });
  return { panel: p, fetchDoc, show, plots };
}

function content(doc) {
  const drawn = doc.series.filter((s) => s.points.length).slice(0, MAX_LINES);
  if (drawn.length === 0)
    return {
      nodes: [
        emptyState(
          'sectors-rolling-empty',
          `Not enough outcomes for a ${doc.window}-trading-day window${doc.model ? ` of model ${doc.model}` : ''} in this range.`,
          'Each point pools the last window of trading days with outcomes: pick a shorter window, another model, or split by model.',
        ),
      ],
    };
  const label = (k) => (doc.by === 'regime' ? regimeLabel(k) : k);
  const box = h('div', {
    class: 'chart',
    testid: 'sectors-rolling-chart',
    data: {
      by: doc.by,
      window: String(doc.window),
      model: doc.model ?? '',
      from: doc.from ?? '',
      steps: doc.steps == null ? '' : String(doc.steps),
    },
  });
  const meta = h(
    'p',
    { class: 'chart-note', testid: 'sectors-rolling-note' },
    `${doc.by === 'model' ? 'every model' : `model ${doc.model}`} · window ${doc.window} trading days · `,
    doc.steps != null
      ? `last ${doc.steps} trading days (from ${doc.from}; widen with Range) · `
      : doc.from
        ? ''
        : 'whole history · ',
    `${drawn.length} of ${doc.series.length} ${doc.by === 'sector' ? 'sectors' : doc.by === 'regime' ? 'regimes' : 'models'} drawn (most outcomes first)`,
  );
  const rows = doc.series.map((s, i) => {
    const last = s.points.at(-1);
    return h(
      'tr',
      { testid: `sectors-rolling-row-${s.key}` },
      h(
        'td',
        { class: 'name' },
        i < drawn.length
          ? h('span', { class: 'legend-swatch', style: { background: COLORS[i % COLORS.length] } })
          : null,
        ` ${label(s.key)}`,
      ),
      h('td', { class: 'num strong', testid: `sectors-rolling-last-${s.key}` }, pct(last?.accuracy)),
      h('td', { class: 'num muted', testid: `sectors-rolling-ci-${s.key}` }, interval(last?.ci)),
      h('td', { class: 'num', testid: `sectors-rolling-n-${s.key}` }, count(last?.resolved)),
      h('td', { class: 'mono' }, last?.step ?? '—'),
    );
  });
  const tbl = h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data compact', 'data-testid': 'sectors-rolling-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, doc.by),
          h('th', { class: 'num' }, 'Latest'),
          h('th', { class: 'num' }, '95% interval'),
          h('th', { class: 'num', title: 'resolved predictions in the latest window' }, 'n'),
          h('th', {}, 'as of'),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
  const nodes = [
    meta,
    box,
    legend(
      [
        ['accuracy (line), Wilson 95% interval (band)', '#6b7280'],
        ['50%', '#9ca3af', 'dash'],
      ],
      'sectors-rolling-legend',
    ),
    tbl,
  ];
  return { nodes, box, drawn };
}

/** One line per group plus its band: x is the union of the groups' steps (a group without a point there is a gap). */
function draw(box, series) {
  const uPlot = uplot();
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.step)))].sort();
  const data = [xs.map(stepSeconds)];
  const opts = baseOptions(box);
  opts.series = [{}];
  opts.bands = [];
  opts.scales = { x: { time: true }, y: { range: [0, 1] } };
  opts.axes = timeAxes((v) => `${Math.round(v * 100)}%`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const at = new Map(s.points.map((p) => [p.step, p]));
    const base = data.length;
    data.push(xs.map((x) => at.get(x)?.accuracy ?? null));
    data.push(xs.map((x) => at.get(x)?.ci[1] ?? null));
    data.push(xs.map((x) => at.get(x)?.ci[0] ?? null));
    opts.series.push({ label: s.key, stroke: color, width: 1.5, points: { show: false } });
    opts.series.push({ label: `${s.key} upper`, stroke: 'transparent', width: 0, points: { show: false } });
    opts.series.push({ label: `${s.key} lower`, stroke: 'transparent', width: 0, points: { show: false } });
    opts.bands.push({ series: [base + 1, base + 2], fill: `${color}22` });
  });
  data.push(xs.map(() => 0.5));
  opts.series.push({ label: '50%', stroke: '#9ca3af', width: 1, dash: [4, 4], points: { show: false } });
  const plot = new uPlot(opts, data, box);
  box.dataset.series = String(series.length);
  box.dataset.points = String(series.reduce((a, s) => a + s.points.length, 0));
  return plot;
}
