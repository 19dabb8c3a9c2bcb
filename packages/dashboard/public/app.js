// Vigil dashboard: hash router (#/sectors, #/drift, #/replay, #/gate) over small view modules.
// Each view renders into a <section data-testid="view-<name>" data-state="loading|ready|error">.
import { getJson } from './js/api.js';
import { h } from './js/dom.js';
import { renderDrift } from './js/views/drift.js';
import { renderGate } from './js/views/gate.js';
import { renderReplay } from './js/views/replay.js';
import { renderSectors } from './js/views/sectors.js';

const views = {
  sectors: { title: 'Sector performance', render: renderSectors },
  drift: { title: 'Drift timeline', render: renderDrift },
  replay: { title: 'Replay buffer', render: renderReplay },
  gate: { title: 'Promotion gate', render: renderGate },
};

const main = document.getElementById('main');
let generation = 0;
let cleanup = null;

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  const name = views[parts[0]] ? parts[0] : 'sectors';
  const rest = parts.slice(1).join('/');
  return { name, param: rest ? decodeURIComponent(rest) : undefined };
}

async function show() {
  const { name, param } = parseHash();
  const view = views[name];
  const mine = ++generation;
  if (cleanup) cleanup();
  cleanup = null;
  for (const a of document.querySelectorAll('.nav a')) a.classList.toggle('active', a.dataset.route === name);
  document.title = `${view.title} · Vigil`;

  const section = h('section', { class: 'view', testid: `view-${name}`, data: { state: 'loading' } }, h('h1', { class: 'view-title' }, view.title));
  const body = h('div', { class: 'view-body' }, h('div', { class: 'loading' }, 'Loading…'));
  section.append(body);
  main.replaceChildren(section);

  const ctx = { param, reload: show, isCurrent: () => mine === generation };
  try {
    const content = h('div', { class: 'view-body' });
    const dispose = await view.render(content, ctx);
    if (!ctx.isCurrent()) return dispose?.();
    body.replaceWith(content);
    cleanup = typeof dispose === 'function' ? dispose : null;
    if (typeof ctx.afterMount === 'function') ctx.afterMount();
    section.dataset.state = 'ready';
    stampUpdated();
  } catch (err) {
    if (!ctx.isCurrent()) return;
    body.replaceChildren(errorBox(err));
    section.dataset.state = 'error';
    console.error(err);
  }
}

function errorBox(err) {
  return h(
    'div',
    { class: 'alert alert-error', testid: 'view-error' },
    h('strong', {}, 'Could not load this view. '),
    err.code ? `${err.status ? `${err.status} ` : ''}${err.code}: ` : '',
    err.message ?? String(err),
  );
}

function stampUpdated() {
  const el = document.getElementById('updated');
  el.textContent = `Data loaded ${new Date().toISOString().slice(11, 19)} UTC`;
}

async function checkHealth() {
  const el = document.querySelector('[data-testid="health"]');
  try {
    const hlt = await getJson('api/health');
    el.dataset.state = hlt.status === 'ok' ? 'ok' : 'warn';
    el.textContent = `${hlt.status === 'ok' ? 'API ok' : `API ${hlt.status}`} · ${hlt.database} · v${hlt.version}`;
    el.title = `plugins: ${(hlt.plugins ?? []).join(', ')}`;
  } catch (err) {
    el.dataset.state = 'down';
    el.textContent = 'API unreachable';
    el.title = err.message;
  }
}

window.addEventListener('hashchange', show);
document.getElementById('refresh').addEventListener('click', () => {
  checkHealth();
  show();
});
if (!location.hash) history.replaceState(null, '', '#/sectors');
checkHealth();
show();
