// Replay buffer of one model (the top bar's, else the live one, else the model of the newest observed prediction):
// its fill and make-up, and the buffered errors themselves, worst first, filtered by symbol,
// sector, confidence and the top bar's dates, with a CSV of the filtered rows and the full export.
import { getJson } from '../../js/api.js';
import { emptyState, h, panel, stat, table } from '../../js/dom.js';
import { inRange, pickModel } from '../../js/filters.js';
import { count, dateTime, num, pct } from '../../js/format.js';
import { orderRegimes, regimeLabel } from '../../js/regimes.js';

export const REPLAY_TOP = 20;
/** Buffered errors read for the table and its filters (the API's most; the default buffer holds 1,000). */
export const BUFFER_ROWS = 1000;
/** Rows the table shows at most (the CSV holds every filtered row). */
export const TABLE_ROWS = 100;
/** Confidence floors offered (a mistake made with high confidence is the costly kind). */
export const CONFIDENCE_FLOORS = [0, 0.6, 0.7, 0.8, 0.9];

/** The reader's filters, kept while the page is open. */
const picked = { symbol: '', sector: '', minConfidence: 0 };

export async function renderReplay(root, ctx) {
  const model = await pickModel(ctx, 'replay');
  const mq = model ? `model=${encodeURIComponent(model)}` : '';
  // every buffered error (held-out ones included, which the training export leaves out), worst first
  const [data, sectorOf] = await Promise.all([
    getJson(`api/replay?top=${BUFFER_ROWS}${mq ? `&${mq}` : ''}`),
    model ? sectorsOfSymbols(model) : null,
  ]);
  const s = data?.stats ?? { total: 0, maxSize: 0, byRegime: {}, byLabel: {}, avgConfidence: null, replayed: 0 };
  const fill = s.maxSize > 0 ? s.total / s.maxSize : null;

  root.append(
    h(
      'div',
      { class: 'stats' },
      stat(
        'Model',
        model ?? '—',
        'replay-model',
        ctx.filters.model
          ? 'picked in the top bar'
          : ctx.liveModel
            ? 'the live model; pick another above'
            : model
              ? 'observed last; pick another above'
              : 'nothing buffered',
      ),
      stat(
        'Samples held',
        count(s.total),
        'replay-total',
        h('span', {}, 'of ', h('b', { testid: 'replay-max-size' }, count(s.maxSize)), ' capacity'),
      ),
      stat(
        'Buffer fill',
        pct(fill),
        'replay-fill',
        h('div', { class: 'meter' }, h('span', { style: { width: `${Math.min(1, fill ?? 0) * 100}%` } })),
      ),
      stat('Mean confidence', pct(s.avgConfidence), 'replay-avg-confidence', 'of the model on the samples held'),
      stat('Replayed', count(s.replayed), 'replay-replayed', 'samples used in retraining so far'),
    ),
  );

  if (!s.total) {
    root.append(
      panel(
        'Buffer contents',
        null,
        emptyState(
          'replay-empty',
          'The replay buffer is empty.',
          'Mispredicted samples are added once outcomes resolve.',
        ),
      ),
    );
    return;
  }

  const regimes = orderRegimes(Object.keys(s.byRegime ?? {}));
  const labels = Object.keys(s.byLabel ?? {}).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  root.append(
    h(
      'div',
      { class: 'grid-2' },
      panel(
        'By regime',
        'samples held per market regime',
        breakdown(regimes, s.byRegime, s.total, 'replay-regime', regimeLabel),
      ),
      panel(
        'By true label',
        'samples held per actual outcome',
        breakdown(labels, s.byLabel, s.total, 'replay-label', (l) => `label ${l}`),
      ),
    ),
  );
  root.append(bufferPanel(ctx, model, data?.top ?? [], s.total, sectorOf));
}

/** symbol → its sectors, from the sectors plugin when it is enabled (else null: no sector filter). */
async function sectorsOfSymbols(model) {
  const health = await getJson('api/health').catch(() => null);
  if (!health?.plugins?.includes('sectors')) return null;
  try {
    const doc = await getJson(`api/sectors?model=${encodeURIComponent(model)}&symbols=true`);
    return new Map((doc?.symbols ?? []).map((y) => [y.symbol, y.sectors ?? []]));
  } catch {
    return null;
  }
}

function bufferPanel(ctx, model, rows, total, sectorOf) {
  const body = h('div', {});
  const symbols = [...new Set(rows.map((r) => r.symbol))].sort();
  const sectors = sectorOf ? [...new Set(rows.flatMap((r) => sectorOf.get(r.symbol) ?? []))].sort() : [];
  if (!symbols.includes(picked.symbol)) picked.symbol = '';
  if (!sectors.includes(picked.sector)) picked.sector = '';
  const select = (testid, label, options, value, onChange) =>
    h(
      'label',
      { class: 'filter' },
      h('span', {}, label),
      h(
        'select',
        { class: 'inline-select', testid, onchange: (e) => onChange(e.target.value) },
        options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
      ),
    );
  const controls = h(
    'div',
    { class: 'chart-meta filters-inline' },
    select('replay-filter-symbol', 'Symbol', [['', 'all'], ...symbols.map((y) => [y, y])], picked.symbol, (v) => {
      picked.symbol = v;
      fill();
    }),
    sectorOf
      ? select('replay-filter-sector', 'Sector', [['', 'all'], ...sectors.map((x) => [x, x])], picked.sector, (v) => {
          picked.sector = v;
          fill();
        })
      : null,
    select(
      'replay-filter-confidence',
      'Confidence',
      CONFIDENCE_FLOORS.map((c) => [String(c), c === 0 ? 'any' : `≥ ${Math.round(c * 100)}%`]),
      String(picked.minConfidence),
      (v) => {
        picked.minConfidence = Number(v);
        fill();
      },
    ),
  );
  const shown = h('b', { testid: 'replay-shown' });
  const download = h(
    'button',
    { type: 'button', class: 'btn btn-ghost', testid: 'replay-download-csv' },
    'CSV of these rows',
  );
  const exportLink = h(
    'a',
    {
      class: 'btn btn-ghost',
      testid: 'replay-export-link',
      href: `api/replay/export?model=${encodeURIComponent(model)}&format=csv`,
      download: `replay-${model}.csv`,
      title:
        "the rows retraining gets (the held-out part of the buffer is left out), with the caller's prediction id and features",
    },
    'Training export (CSV)',
  );
  const actions = h('div', { class: 'chart-meta' }, h('span', {}, shown, ' errors match'), download, exportLink);

  let current = [];
  const fill = () => {
    current = rows.filter(
      (r) =>
        (!picked.symbol || r.symbol === picked.symbol) &&
        (!picked.sector || (sectorOf?.get(r.symbol) ?? []).includes(picked.sector)) &&
        r.confidence >= picked.minConfidence &&
        inRange(ctx.filters, r.timestamp),
    );
    shown.textContent = `${count(current.length)} of ${count(rows.length)}`;
    // (replaceChildren would write a null as the text "null")
    const notes = [
      current.length > TABLE_ROWS &&
        h('p', { class: 'chart-note' }, `showing the worst ${TABLE_ROWS}; the CSV holds all ${count(current.length)}`),
      rows.length < total &&
        h(
          'p',
          { class: 'chart-note' },
          `the worst ${count(rows.length)} of ${count(total)} buffered errors are listed`,
        ),
    ].filter(Boolean);
    body.replaceChildren(
      current.length
        ? rowsTable(current.slice(0, TABLE_ROWS), sectorOf)
        : emptyState('replay-rows-empty', 'No buffered error matches these filters.'),
      ...notes,
    );
  };
  download.addEventListener('click', () => saveCsv(`replay-${model}-filtered.csv`, current, sectorOf));
  fill();
  const p = panel(
    'Buffered errors',
    `worst first (by error score); filter by symbol, sector and confidence${ctx.filters.from || ctx.filters.to ? ', within the dates above' : ''}`,
    controls,
    actions,
    body,
  );
  p.dataset.testid = 'replay-buffer';
  return p;
}

function rowsTable(rows, sectorOf) {
  const wrap = table(
    [
      ['Prediction id'],
      ['Symbol'],
      ...(sectorOf ? [['Sector']] : []),
      ['Time'],
      ['Regime'],
      ['Actual', 'num'],
      ['Predicted', 'num'],
      ['Confidence', 'num'],
      ['Error score', 'num'],
    ],
    rows.map((e) =>
      h(
        'tr',
        { testid: `replay-error-row-${e.bufferId}` },
        h('td', { class: 'mono' }, e.id ?? '—'),
        h('td', { class: 'name mono' }, e.symbol),
        sectorOf ? h('td', {}, (sectorOf.get(e.symbol) ?? []).join(', ') || '—') : null,
        h('td', { class: 'mono' }, dateTime(e.timestamp)),
        h('td', {}, e.regime ? regimeLabel(e.regime) : '—'),
        h('td', { class: 'num' }, String(e.actualLabel)),
        h('td', { class: 'num' }, String(e.predictedLabel)),
        h('td', { class: 'num' }, pct(e.confidence)),
        h('td', { class: 'num strong', testid: `replay-error-score-${e.bufferId}` }, num(e.errorScore)),
      ),
    ),
    { class: 'data sticky-first', 'data-testid': 'replay-buffer-table' },
  );
  wrap.classList.add('scroll');
  return wrap;
}

const CSV_COLUMNS = [
  'id',
  'modelVersion',
  'bufferId',
  'symbol',
  'sector',
  'timestamp',
  'regime',
  'actualLabel',
  'predictedLabel',
  'confidence',
  'errorScore',
];

/** A CSV cell: quoted when it holds a comma, quote or line break (RFC 4180). */
function cell(v) {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The filtered rows as CSV, in the export's vocabulary (plus the sector), downloaded by the browser. */
function saveCsv(name, rows, sectorOf) {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows)
    lines.push(
      CSV_COLUMNS.map((c) => cell(c === 'sector' ? (sectorOf?.get(r.symbol) ?? []).join('; ') : r[c])).join(','),
    );
  const url = URL.createObjectURL(new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function breakdown(keys, counts, total, prefix, label) {
  return table(
    [
      ['', ''],
      ['Samples', 'num'],
      ['Share', 'num'],
      ['', 'bar-col'],
    ],
    keys.map((k) => {
      const n = counts[k] ?? 0;
      return h(
        'tr',
        { testid: `${prefix}-row-${k}` },
        h('td', { class: 'name' }, label(k)),
        h('td', { class: 'num', testid: `${prefix}-${k}` }, count(n)),
        h('td', { class: 'num muted' }, pct(total ? n / total : null)),
        h(
          'td',
          { class: 'bar-col' },
          h('div', { class: 'hbar' }, h('span', { style: { width: `${total ? (n / total) * 100 : 0}%` } })),
        ),
      );
    }),
    { class: 'data compact' },
  );
}

/** The view contract: the dashboard imports this module and calls `render(root, ctx)`. */
export const render = renderReplay;
