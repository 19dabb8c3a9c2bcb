// Vigil dashboard: a hash router (#/<route>) over the views the enabled plugins contribute.
// `GET api/views` lists them ({ pluginId, title, label, route, script }); each script is an ES
// module served from its plugin's package that exports `render(root, ctx)`. A disabled plugin
// contributes no view, so it has no tab. Each view renders into a
// <section data-testid="view-<route>" data-state="loading|ready|error">.
//
// The filter bar (model, date range) is shared by every view and lives in the hash's query
// (`#/drift?model=m3&from=2015-06-01&to=2016-06-30`), so a link shares the view as it was seen.
// Views read it as `ctx.filters` ({ model?, from?, to? }) and report the models they know with
// `ctx.reportModels(list)`, which fills the model picker (no view or plugin is named here).
// Without a model in the filters a view shows `ctx.liveModel`: the modelVersion live now, as the
// host's live-model source (the gate) records it (`GET api/models/live`); null without one, and
// then a view falls back to the model it saw last.
import { getJson } from './js/api.js';
import { h } from './js/dom.js';
import { FILTER_KEYS, filterQuery, parseRoute } from './js/filters.js';

/** route -> { title, label, script, render? } */
const views = {};
let defaultRoute;

const main = document.getElementById('main');
let generation = 0;
let cleanup = null;

async function loadViews() {
  const nav = document.querySelector('[data-testid="nav"]');
  try {
    const list = await getJson('api/views');
    for (const v of list) {
      views[v.route] = v;
      nav.append(
        h('a', { href: `#/${v.route}`, data: { route: v.route }, testid: `nav-${v.route}` }, v.label ?? v.title),
      );
    }
    defaultRoute = list[0]?.route;
  } catch (err) {
    main.replaceChildren(errorBox(err));
  }
}

async function moduleOf(view) {
  if (!view.render) view.render = (await import(new URL(view.script, document.baseURI).href)).render;
  return view.render;
}

function parseHash() {
  const { route, param, filters } = parseRoute(location.hash);
  return { name: views[route] ? route : defaultRoute, param, filters };
}

// ---- the shared filter bar -------------------------------------------------------------
const form = document.getElementById('filters');
const knownModels = new Set();
/** The model live now (null: no gate, or nothing promoted): the default of every view. */
let liveModel = null;

/** `api/models/live`: the live modelVersion when a source (the gate) names one; null otherwise or unreachable. */
async function fetchLiveModel() {
  try {
    const live = await getJson('api/models/live');
    return live && live.source !== 'none' && typeof live.live === 'string' ? live.live : null;
  } catch {
    return null;
  }
}

/** Adds models to the picker (sorted), keeping the selected one even when no view reported it. */
function reportModels(list) {
  let changed = false;
  for (const m of list ?? []) {
    if (typeof m === 'string' && m && !knownModels.has(m)) {
      knownModels.add(m);
      changed = true;
    }
  }
  if (changed) syncFilterBar(parseHash().filters);
}

function syncFilterBar(filters) {
  const select = form.elements.model;
  const models = [...new Set([...knownModels, ...(filters.model ? [filters.model] : [])])].sort();
  const want = ['', ...models];
  const have = [...select.options].map((o) => o.value);
  const defaultText = liveModel ? 'live model' : 'latest model';
  if (want.join('\u0000') !== have.join('\u0000') || select.options[0]?.textContent !== defaultText)
    select.replaceChildren(...want.map((m) => h('option', { value: m }, m === '*' ? 'all models' : m || defaultText)));
  select.value = filters.model ?? '';
  form.elements.from.value = filters.from ?? '';
  form.elements.to.value = filters.to ?? '';
  const q = filterQuery(filters);
  for (const a of document.querySelectorAll('.nav a')) a.setAttribute('href', `#/${a.dataset.route}${q}`);
  const note = document.querySelector('[data-testid="filter-note"]');
  note.textContent = filters.from || filters.to || filters.model ? 'filtered: shared in the link' : '';
}

function applyFilters(next) {
  const { name, param } = parseHash();
  const path = `#/${name}${param !== undefined ? `/${encodeURIComponent(param)}` : ''}`;
  location.hash = `${path}${filterQuery(next)}`;
}

function filtersFromForm() {
  const out = {};
  for (const k of FILTER_KEYS) {
    const v = form.elements[k].value;
    if (v) out[k] = v;
  }
  return out;
}

form.addEventListener('change', () => applyFilters(filtersFromForm()));
form.addEventListener('submit', (e) => {
  e.preventDefault();
  applyFilters(filtersFromForm());
});
document.getElementById('filter-clear').addEventListener('click', () => applyFilters({}));

async function show() {
  const { name, param, filters } = parseHash();
  syncFilterBar(filters);
  const view = views[name];
  if (!view) {
    main.replaceChildren(
      h('div', { class: 'alert', testid: 'no-views' }, 'No plugin with a dashboard view is enabled.'),
    );
    return;
  }
  const mine = ++generation;
  if (cleanup) cleanup();
  cleanup = null;
  for (const a of document.querySelectorAll('.nav a')) a.classList.toggle('active', a.dataset.route === name);
  document.title = `${view.title} · Vigil`;

  const section = h(
    'section',
    { class: 'view', testid: `view-${name}`, data: { state: 'loading' } },
    h('h1', { class: 'view-title' }, view.title),
  );
  const body = h('div', { class: 'view-body' }, h('div', { class: 'loading' }, 'Loading…'));
  section.append(body);
  main.replaceChildren(section);

  const ctx = { param, filters, liveModel: null, reportModels, reload: show, isCurrent: () => mine === generation };
  try {
    // the default model of every view: asked once the loading section is in place, so a view
    // replaced by a newer navigation never shows as ready
    liveModel = await fetchLiveModel();
    if (!ctx.isCurrent()) return;
    ctx.liveModel = liveModel;
    syncFilterBar(filters);
    const content = h('div', { class: 'view-body' });
    const render = await moduleOf(view);
    const dispose = await render(content, ctx);
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
checkHealth();
await loadViews();
if (!location.hash && defaultRoute) history.replaceState(null, '', `#/${defaultRoute}`);
show();
