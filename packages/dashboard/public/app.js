// Vigil dashboard: a hash router (#/<route>) over the views the enabled plugins contribute.
// `GET api/views` lists them ({ pluginId, title, label, route, script }); each script is an ES
// module served from its plugin's package that exports `render(root, ctx)`. A disabled plugin
// contributes no view, so it has no tab. Each view renders into a
// <section data-testid="view-<route>" data-state="loading|ready|error">.
import { getJson } from './js/api.js';
import { h } from './js/dom.js';

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
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  const name = views[parts[0]] ? parts[0] : defaultRoute;
  const rest = parts.slice(1).join('/');
  return { name, param: rest ? decodeURIComponent(rest) : undefined };
}

async function show() {
  const { name, param } = parseHash();
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

  const ctx = { param, reload: show, isCurrent: () => mine === generation };
  try {
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
