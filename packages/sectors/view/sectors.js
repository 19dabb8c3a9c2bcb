// Sector performance (spec 9.3): the GICS sectors with accuracy, Wilson interval and count,
// accuracy by regime, the weakest highlighted; a click on a row drills down to its symbols.
import { getJson } from '../../js/api.js';
import { resizeWith } from '../../js/charts.js';
import { badge, emptyState, h, panel, stat, table } from '../../js/dom.js';
import { filterQuery, pickModel } from '../../js/filters.js';
import { count, interval, pct } from '../../js/format.js';
import { orderRegimes, regimeLabel } from '../../js/regimes.js';
import { DEFAULT_WINDOW, rollingPanel } from './rolling.js';

/** The reader's split and window for the accuracy chart, kept while the page is open. */
const rollingState = { by: 'sector', window: DEFAULT_WINDOW, range: 'recent' };

export async function renderSectors(root, ctx) {
  const model = (await pickModel(ctx, 'sectors')) ?? undefined;
  const rolling = rollingPanel({ ...ctx, filters: { ...ctx.filters, ...(model ? { model } : {}) } }, rollingState);
  const first = await rolling.fetchDoc();
  const mq = model ? `?model=${encodeURIComponent(model)}` : '';
  const data = await getJson(`api/sectors${mq}`);
  const sectors = data?.sectors ?? [];
  const weakRank = new Map((data?.weakest ?? []).map((w, i) => [w.sector, i + 1]));
  const insufficient = new Set(data?.insufficient ?? []);
  const minResolved = data?.minResolved;
  const regimes = orderRegimes(sectors.flatMap((s) => Object.keys(s.byRegime ?? {})));

  const resolved = sectors.reduce((a, s) => a + (s.resolved ?? 0), 0);
  const correct = sectors.reduce((a, s) => a + (s.correct ?? 0), 0);
  const tracked = sectors.reduce((a, s) => a + (s.tracked ?? 0), 0);
  const weakestRow = (data?.weakest ?? [])[0];

  root.append(
    h(
      'div',
      { class: 'stats' },
      stat(
        'Model',
        model ?? '—',
        'sectors-model',
        ctx.filters.model
          ? 'picked in the top bar'
          : ctx.liveModel
            ? 'the live model; pick another above'
            : model
              ? 'observed last; pick another above'
              : 'nothing tracked yet',
      ),
      stat('Predictions tracked', count(tracked), 'sectors-total-tracked'),
      stat('Resolved', count(resolved), 'sectors-total-resolved'),
      stat(
        'Overall accuracy',
        resolved > 0 ? pct(correct / resolved) : '—',
        'sectors-overall-accuracy',
        'all sectors, all regimes',
      ),
      stat(
        'Weakest sector',
        weakestRow ? `${weakestRow.sector} · ${pct(weakestRow.accuracy)}` : '—',
        'sectors-weakest',
        weakestRow
          ? `upper 95% bound ${pct(weakestRow.upper)}, n=${count(weakestRow.resolved)}`
          : `needs ${count(minResolved)} resolved per sector`,
      ),
    ),
  );

  if (tracked === 0) {
    root.append(
      h(
        'div',
        { class: 'notice', testid: 'sectors-empty' },
        h('strong', {}, 'No predictions tracked yet. '),
        'Accuracy appears here once predictions are observed and their outcomes resolved.',
      ),
    );
    if (sectors.length === 0) return;
  }

  // accuracy first after the name: on a phone the table scrolls inside its card, the name stays
  const head = [
    ['Sector'],
    ['Accuracy', 'num'],
    ['95% interval', 'num', 'Wilson score interval'],
    ['30% · 50% · 90%', 'ci-col scale', 'accuracy (dot) and 95% interval (band) on a 30–90% scale'],
    ['Resolved', 'num'],
    ['Correct', 'num'],
    ['Tracked', 'num'],
    ...regimes.map((r) => [regimeLabel(r), 'num', `accuracy in the ${r} regime (resolved count)`]),
    ['Status'],
  ];
  const q = filterQuery(ctx.filters);
  const rows = sectors.map((s) =>
    sectorRow(s, regimes, weakRank.get(s.sector), weakRank.size, insufficient.has(s.sector), ctx.param === s.sector, q),
  );
  root.append(
    panel(
      'Accuracy by sector',
      `All of the model's history (the date range applies to the chart below). Wilson 95% intervals. Weakest ranked by upper bound among sectors with at least ${count(minResolved)} resolved predictions. Tap a sector for its symbols.`,
      table(head, rows, { class: 'data sectors-table sticky-first', 'data-testid': 'sectors-table' }),
    ),
  );

  let drill;
  if (ctx.param !== undefined) {
    drill = await symbolsPanel(ctx.param, q, mq);
    root.append(drill);
  }
  root.append(rolling.panel);
  ctx.afterMount = () => {
    rolling.show(first);
    drill?.scrollIntoView({ block: 'start' });
  };
  return resizeWith(rolling.plots);
}

function sectorRow(s, regimes, rank, nWeak, isInsufficient, isSelected, q) {
  const name = s.sector;
  const isWeak = rank !== undefined;
  const open = () => {
    location.hash = `#/sectors/${encodeURIComponent(name)}${q}`;
  };
  const status = isWeak
    ? badge(nWeak > 1 ? `Weakest #${rank}` : 'Weakest', 'fail', `sector-status-${name}`)
    : isInsufficient
      ? Object.assign(badge('Too few', 'insufficient', `sector-status-${name}`), {
          title: 'too few resolved predictions to rank this sector',
        })
      : badge('OK', 'pass', `sector-status-${name}`);
  return h(
    'tr',
    {
      class: `clickable${isWeak ? ' is-weak' : ''}${isSelected ? ' is-selected' : ''}`,
      testid: `sector-row-${name}`,
      data: { sector: name, weak: String(isWeak), insufficient: String(isInsufficient) },
      tabindex: 0,
      onclick: open,
      onkeydown: (e) => {
        if (e.key === 'Enter') open();
      },
    },
    h('td', { class: 'name' }, name),
    h(
      'td',
      { class: 'num strong', testid: `sector-accuracy-${name}`, data: { value: s.accuracy ?? '' } },
      pct(s.accuracy),
    ),
    h('td', { class: 'num muted', testid: `sector-ci-${name}` }, interval(s.ci)),
    h('td', { class: 'ci-col' }, ciBar(s.accuracy, s.ci)),
    h('td', { class: 'num', testid: `sector-resolved-${name}` }, count(s.resolved)),
    h('td', { class: 'num', testid: `sector-correct-${name}` }, count(s.correct)),
    h('td', { class: 'num', testid: `sector-tracked-${name}` }, count(s.tracked)),
    regimes.map((r) => {
      const g = s.byRegime?.[r];
      return h(
        'td',
        {
          class: 'num',
          testid: `sector-regime-${name}-${r}`,
          title: g
            ? `${r}: ${count(g.correct)} of ${count(g.resolved)} correct, 95% ${interval(g.ci)}`
            : `${r}: no resolved predictions`,
        },
        g?.resolved ? pct(g.accuracy) : '—',
        g?.resolved ? h('span', { class: 'n n-below' }, ` (${count(g.resolved)})`) : null,
      );
    }),
    h('td', {}, status),
  );
}

// The mini chart spans 30–90% accuracy (where directional models live), with 50% marked.
const LO = 0.3;
const HI = 0.9;
const at = (v) => `${((Math.min(HI, Math.max(LO, v)) - LO) / (HI - LO)) * 100}%`;

/** Accuracy as a dot on a 30–90% track with its 95% interval as a band and 50% marked. */
function ciBar(acc, ci) {
  if (typeof acc !== 'number') return h('div', { class: 'cibar cibar-none' });
  const band = Array.isArray(ci)
    ? h('span', { class: 'band', style: { left: at(ci[0]), width: `calc(${at(ci[1])} - ${at(ci[0])})` } })
    : null;
  return h(
    'div',
    { class: 'cibar', title: `${pct(acc)} (95% ${interval(ci)})` },
    h('span', { class: 'mid', style: { left: at(0.5) } }),
    band,
    h('span', { class: 'dot', style: { left: at(acc) } }),
  );
}

async function symbolsPanel(sector, q, mq) {
  let data;
  try {
    data = await getJson(`api/sectors/${encodeURIComponent(sector)}/symbols${mq}`);
  } catch (err) {
    // A sector the API has no symbol breakdown for (404): say so instead of failing the view.
    if (err.status !== 404) throw err;
    const p = panel(
      `${sector}: symbols`,
      null,
      emptyState('symbols-empty', `No symbol breakdown for ${sector}.`, err.message),
    );
    p.dataset.testid = 'symbols-panel';
    p.dataset.sector = sector;
    return p;
  }
  const symbols = data?.symbols ?? [];
  const close = h('a', { href: `#/sectors${q}`, class: 'btn btn-ghost', testid: 'symbols-close' }, 'Close');
  const body = symbols.length
    ? table(
        [
          ['Symbol'],
          ['Accuracy', 'num'],
          ['95% interval', 'num'],
          ['30% · 50% · 90%', 'ci-col scale'],
          ['Resolved', 'num'],
          ['Correct', 'num'],
          ['Tracked', 'num'],
          ['Best regime'],
        ],
        symbols.map((y) =>
          h(
            'tr',
            { testid: `symbol-row-${y.symbol}` },
            h('td', { class: 'name mono' }, y.symbol),
            h('td', { class: 'num strong', testid: `symbol-accuracy-${y.symbol}` }, pct(y.accuracy)),
            h('td', { class: 'num muted' }, interval(y.ci)),
            h('td', { class: 'ci-col' }, ciBar(y.accuracy, y.ci)),
            h('td', { class: 'num', testid: `symbol-resolved-${y.symbol}` }, count(y.resolved)),
            h('td', { class: 'num', testid: `symbol-correct-${y.symbol}` }, count(y.correct)),
            h('td', { class: 'num', testid: `symbol-tracked-${y.symbol}` }, count(y.tracked)),
            h('td', {}, y.bestRegime ? regimeLabel(y.bestRegime) : '—'),
          ),
        ),
        { class: 'data sticky-first' },
      )
    : emptyState('symbols-empty', `No symbols tracked in ${sector} yet.`);
  const p = panel(`${data?.sector ?? sector}: symbols`, `${count(symbols.length)} symbols`, body);
  p.querySelector('.panel-head').append(close);
  p.dataset.testid = 'symbols-panel';
  p.dataset.sector = sector;
  p.classList.add('drill');
  return p;
}

/** The view contract: the dashboard imports this module and calls `render(root, ctx)`. */
export const render = renderSectors;
