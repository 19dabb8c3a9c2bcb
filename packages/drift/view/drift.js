// Drift timeline: per check type, the headline statistic over time with its threshold and the
// checks that raised an alert marked in red; below, the alerts as a table.
import { getJson } from '../../js/api.js';
import { emptyState, h, panel, stat, table } from '../../js/dom.js';
import { count, dateTime, num } from '../../js/format.js';

export const DRIFT_TYPES = [
  { type: 'cusum', title: 'Drift episodes (one retraining request each)', statistic: 'peak CUSUM sum (reference sds)' },
  { type: 'feature', title: 'Feature drift', statistic: 'max KS D over features' },
  { type: 'regime', title: 'Regime drift', statistic: 'total variation distance' },
  { type: 'prediction', title: 'Prediction drift', statistic: 'class-mix distance' },
];
export const DRIFT_LIMIT = 5000;

export async function renderDrift(root, ctx) {
  const uPlot = window.uPlot;
  if (typeof uPlot !== 'function')
    throw new Error('the chart library did not load from vendor/uplot/uPlot.iife.min.js');
  const answers = await Promise.all(DRIFT_TYPES.map((t) => getJson(`api/drift?type=${t.type}&limit=${DRIFT_LIMIT}`)));

  const all = answers.flatMap((a) => a?.events ?? []);
  const alerts = all.filter((e) => e.detected).sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
  const last = all.reduce((m, e) => (m === null || Date.parse(e.timestamp) > Date.parse(m) ? e.timestamp : m), null);
  root.append(
    h(
      'div',
      { class: 'stats' },
      stat('Checks recorded', count(all.length), 'drift-total-checks'),
      stat(
        'Alerts',
        count(alerts.length),
        'drift-total-alerts',
        alerts.length ? `latest ${dateTime(alerts[0].timestamp)}` : 'none raised',
      ),
      stat('Last check', last ? dateTime(last) : '—', 'drift-last-check'),
    ),
  );

  const charts = [];
  DRIFT_TYPES.forEach((t, i) => {
    const events = answers[i]?.events ?? [];
    const threshold = answers[i]?.thresholds?.[t.type];
    const nAlerts = events.filter((e) => e.detected).length;
    const chartBox = h('div', { class: 'chart', testid: `drift-chart-${t.type}` });
    const head = h(
      'div',
      { class: 'chart-meta' },
      h('span', {}, 'checks ', h('b', { testid: `drift-check-count-${t.type}` }, count(events.length))),
      h(
        'span',
        { class: nAlerts ? 'alerting' : '' },
        'alerts ',
        h('b', { testid: `drift-alert-count-${t.type}` }, count(nAlerts)),
      ),
      h('span', {}, 'threshold ', h('b', { testid: `drift-threshold-${t.type}` }, num(threshold))),
      h(
        'span',
        {},
        'latest ',
        h('b', { testid: `drift-latest-${t.type}` }, events.length ? num(events[events.length - 1].statistic) : '—'),
      ),
    );
    root.append(panel(t.title, t.statistic, head, chartBox));
    if (events.length === 0) {
      chartBox.dataset.alertsMarked = '0';
      chartBox.append(emptyState(`drift-empty-${t.type}`, 'No checks recorded yet.'));
      return;
    }
    charts.push({ box: chartBox, events, threshold, label: t.statistic });
  });

  root.append(panel('Alerts', 'Checks whose statistic crossed the threshold, newest first', alertsTable(alerts)));

  // Charts need their container's width, so they are drawn once the view is on the page
  // (the router calls ctx.afterMount after inserting the view, before marking it ready).
  const plots = [];
  const onResize = () => {
    for (const p of plots) p.setSize({ width: chartWidth(p.root.parentElement), height: 220 });
  };
  ctx.afterMount = () => {
    for (const c of charts) plots.push(timeline(uPlot, c));
    window.addEventListener('resize', onResize);
  };
  return () => {
    window.removeEventListener('resize', onResize);
    for (const p of plots) p.destroy();
  };
}

function chartWidth(el) {
  return Math.max(320, (el?.clientWidth ?? 900) - 8);
}

function timeline(uPlot, { box, events, threshold, label }) {
  const xs = events.map((e) => Date.parse(e.timestamp) / 1000);
  const stat = events.map((e) => (typeof e.statistic === 'number' ? e.statistic : null));
  const marks = events.map((e) => (e.detected && typeof e.statistic === 'number' ? e.statistic : null));
  const thr = events.map(() => (typeof threshold === 'number' ? threshold : null));
  const fmt = (_u, v) => (v == null ? '—' : v.toFixed(3));
  const opts = {
    width: chartWidth(box),
    height: 220,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max ?? 0, threshold ?? 0) * 1.15 || 1] } },
    series: [
      {},
      { label, stroke: '#2563eb', width: 1.5, fill: 'rgba(37,99,235,0.07)', points: { show: false }, value: fmt },
      {
        label: 'alert',
        stroke: '#dc2626',
        width: 0,
        paths: () => null,
        points: { show: true, size: 9, width: 1.5, stroke: '#ffffff', fill: '#dc2626' },
        value: fmt,
      },
      { label: 'threshold', stroke: '#6b7280', width: 1, dash: [6, 4], points: { show: false }, value: fmt },
    ],
    axes: [
      { stroke: '#6b7280', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e5e7eb' } },
      {
        stroke: '#6b7280',
        size: 56,
        grid: { stroke: '#eef0f3' },
        ticks: { stroke: '#e5e7eb' },
        values: (_u, vals) => vals.map((v) => v.toFixed(2)),
      },
    ],
  };
  const plot = new uPlot(opts, [xs, stat, marks, thr], box);
  // What the chart actually holds, for readers and tests: the number of alert markers drawn.
  box.dataset.alertsMarked = String(plot.data[2].filter((v) => v != null).length);
  return plot;
}

function alertsTable(alerts) {
  if (alerts.length === 0)
    return emptyState('drift-alerts-empty', 'No drift alerts.', 'Every recorded check stayed under its threshold.');
  const wrap = table(
    [['Time'], ['Type'], ['Statistic', 'num'], ['Details']],
    alerts.map((e) =>
      h(
        'tr',
        { testid: `drift-alert-row-${e.id}`, class: 'is-alert' },
        h('td', { class: 'mono' }, dateTime(e.timestamp)),
        h('td', {}, e.type),
        h('td', { class: 'num strong' }, num(e.statistic)),
        h('td', { class: 'details' }, detailsText(e.details)),
      ),
    ),
    { class: 'data', 'data-testid': 'drift-alerts-table' },
  );
  wrap.classList.add('scroll');
  return wrap;
}

/** A one-line summary of an event's details: its scalar fields, then the names of the rest. */
function detailsText(d) {
  if (!d || typeof d !== 'object') return '—';
  const parts = [];
  for (const [k, v] of Object.entries(d)) {
    if (typeof v === 'number')
      parts.push(`${k}=${Number.isInteger(v) ? v : Math.abs(v) < 0.001 ? v.toExponential(1) : v.toFixed(3)}`);
    else if (typeof v === 'string' || typeof v === 'boolean') parts.push(`${k}=${v}`);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string'))
      parts.push(`${k}=${v.slice(0, 4).join(', ')}${v.length > 4 ? '…' : ''}`);
  }
  const s = parts.join(' · ');
  return s.length > 160 ? `${s.slice(0, 159)}…` : s || '—';
}

/** The view contract: the dashboard imports this module and calls `render(root, ctx)`. */
export const render = renderDrift;
