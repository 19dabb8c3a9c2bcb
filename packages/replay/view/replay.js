// Replay buffer: its fill, its make-up by regime and by label, and the highest-error samples
// it holds (the ones retraining replays first).
import { getJson } from '../../js/api.js';
import { emptyState, h, panel, stat, table } from '../../js/dom.js';
import { count, dateTime, num, pct } from '../../js/format.js';
import { orderRegimes, regimeLabel } from '../../js/regimes.js';

export const REPLAY_TOP = 20;

export async function renderReplay(root, ctx = {}) {
  // figures are per model: the filter's, else the model of the newest observed prediction
  const { models, latest } = (await getJson('api/replay/models')) ?? { models: [], latest: null };
  ctx.reportModels?.(models);
  const model = ctx.filters?.model ?? (latest && models.includes(latest) ? latest : models.at(-1)) ?? null;
  const data = await getJson(`api/replay?top=${REPLAY_TOP}${model ? `&model=${encodeURIComponent(model)}` : ''}`);
  const s = data?.stats ?? { total: 0, maxSize: 0, byRegime: {}, byLabel: {}, avgConfidence: null, replayed: 0 };
  const top = data?.top ?? [];
  const fill = s.maxSize > 0 ? s.total / s.maxSize : null;

  root.append(
    h(
      'div',
      { class: 'stats' },
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
  root.append(panel('Top errors', `the ${count(top.length)} samples with the highest error score`, topTable(top)));
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

function topTable(top) {
  if (top.length === 0) return emptyState('replay-top-empty', 'No errors recorded.');
  return table(
    [
      ['#', 'num'],
      ['Symbol'],
      ['Date'],
      ['Regime'],
      ['True', 'num'],
      ['Predicted', 'num'],
      ['Confidence', 'num'],
      ['Error score', 'num'],
      ['Replayed', 'num'],
    ],
    top.map((e, i) =>
      h(
        'tr',
        { testid: `replay-error-row-${e.bufferId}` },
        h('td', { class: 'num muted' }, String(i + 1)),
        h('td', { class: 'name mono' }, e.symbol),
        h('td', { class: 'mono' }, dateTime(e.timestamp)),
        h('td', {}, regimeLabel(e.regime)),
        h('td', { class: 'num' }, String(e.actualLabel)),
        h('td', { class: 'num' }, String(e.predictedLabel)),
        h('td', { class: 'num' }, pct(e.confidence)),
        h('td', { class: 'num strong', testid: `replay-error-score-${e.bufferId}` }, num(e.errorScore)),
        h('td', { class: 'num' }, count(e.replayedCount)),
      ),
    ),
    { class: 'data', 'data-testid': 'replay-top-table' },
  );
}

/** The view contract: the dashboard imports this module and calls `render(root, ctx)`. */
export const render = renderReplay;
