// A tiny element builder. Text always goes in through textContent, never innerHTML, so
// symbols, messages and notes from the API cannot inject markup.

/**
 * h('td', { class: 'num', testid: 'sector-accuracy-Energy', title: '…' }, '58.2%')
 * attrs: class, testid (→ data-testid), data (→ dataset), style (object), on<Event> handlers,
 * anything else as an attribute (false/null/undefined skipped, true → empty attribute).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'testid') el.dataset.testid = v;
    else if (k === 'data') Object.assign(el.dataset, v);
    else if (k === 'style') Object.assign(el.style, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** A card with a title and an optional subtitle. */
export function panel(title, subtitle, ...body) {
  return h(
    'section',
    { class: 'panel' },
    h(
      'header',
      { class: 'panel-head' },
      h('h2', {}, title),
      subtitle ? h('p', { class: 'panel-sub' }, subtitle) : null,
    ),
    h('div', { class: 'panel-body' }, ...body),
  );
}

/** A headline figure: label above, value below. */
export function stat(label, value, testid, hint) {
  return h(
    'div',
    { class: 'stat' },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value', testid }, value),
    hint ? h('div', { class: 'stat-hint' }, hint) : null,
  );
}

/** The message shown where there is no data yet. */
export function emptyState(testid, title, hint) {
  return h('div', { class: 'empty', testid }, h('strong', {}, title), hint ? h('p', {}, hint) : null);
}

/** A coloured status pill (pass, fail, insufficient, error, ok, warn, …). */
export function badge(text, kind, testid) {
  return h('span', { class: `badge badge-${kind}`, testid }, text);
}

/** A table: head is a list of [label, className?]; rows are <tr> elements. */
export function table(head, rows, attrs = {}) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      attrs,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map(([label, cls, title]) => h('th', { class: cls, title }, label)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}
