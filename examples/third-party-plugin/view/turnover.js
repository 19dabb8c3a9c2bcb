// acme's dashboard tab, served from this package at plugins/acme/turnover.js. It may use the
// dashboard's helpers (../../js/*.js); the API path is relative, so any mount point works.
import { getJson } from '../../js/api.js';
import { emptyState, h, panel, table } from '../../js/dom.js';

export async function render(root) {
  const { models } = await getJson('api/acme');
  if (models.length === 0) {
    root.append(emptyState('acme-empty', 'No predictions seen yet.'));
    return;
  }
  root.append(
    panel(
      'Turnover by model',
      'how often each model flips its call for a symbol',
      table(
        [['Model'], ['Flips', 'num'], ['Pairs', 'num'], ['Turnover', 'num']],
        models.map((m) =>
          h(
            'tr',
            {},
            h('td', {}, m.modelVersion),
            h('td', { class: 'num' }, String(m.flips)),
            h('td', { class: 'num' }, String(m.total)),
            h('td', { class: 'num', testid: `acme-rate-${m.modelVersion}` }, m.rate === null ? '—' : m.rate.toFixed(3)),
          ),
        ),
      ),
    ),
  );
}
