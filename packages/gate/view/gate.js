// Promotion gate (spec 10.3): what is in production now, the latest validation report and its
// checks, champion vs challenger (a candidate observed in shadow), the hash-chain verification
// of the history, the history itself, and the emergency override form. Every decision shows two
// times: the data date it speaks for (as of) and the wall-clock time it was recorded.
// The latest decision and its checks are the model the dashboard looks at: the top bar's, else the
// live one (`ctx.liveModel`), as every view defaults; `model=*` (or nothing live) is every model.
// The top bar's filters (model, days) apply to the history; its dates do not apply to the latest
// decision, and production and the chain's verification describe now; each says so when filtered.
import { getJson, postJson } from '../../js/api.js';
import { badge, emptyState, h, panel, stat, table } from '../../js/dom.js';
import { DASH, checkFigure, count, dateTime, pct, shortHash, signedPct } from '../../js/format.js';
import { apiQuery, describeFilters, filterQuery } from '../../js/filters.js';

export const HISTORY_LIMIT = 20;
/** `model=*`: every model (as the report reads it). */
export const EVERY_MODEL = '*';

/** A message to show after the view re-renders (the override's outcome). */
let flash = null;

/**
 * The model whose latest decision the view shows, and why: the top bar's, else the live one; null
 * for every model (`model=*`, or no gate decides which is live).
 */
export function viewedModel(ctx) {
  const picked = ctx.filters?.model;
  if (picked === EVERY_MODEL) return { model: null, why: 'all models, picked in the top bar' };
  if (picked) return { model: picked, why: 'picked in the top bar' };
  if (ctx.liveModel) return { model: ctx.liveModel, why: 'the live model; pick another above' };
  return { model: null, why: 'no model is live yet' };
}

export async function renderGate(root, ctx) {
  const filtered = describeFilters(ctx.filters);
  const now = filtered ? 'now, not filtered' : null;
  const viewed = viewedModel(ctx);
  const [latest, history, verify, production, comparison] = await Promise.all([
    getJson(`api/gate/latest${apiQuery({ model: viewed.model })}`),
    getJson(`api/gate/history${apiQuery(ctx.filters, { limit: HISTORY_LIMIT, offset: 0 })}`),
    getJson('api/gate/verify'),
    getJson('api/gate/production'),
    getJson('api/gate/shadows/compare'),
  ]);

  root.append(
    h(
      'div',
      { class: 'grid-gate' },
      latestPanel(latest, production, viewed, ctx.filters),
      h('div', {}, productionPanel(production, now), verifyPanel(verify, now)),
    ),
  );
  if (latest) root.append(panel('Checks', `report #${latest.id} · ${latest.action}`, checksTable(latest.checks ?? [])));
  root.append(challengerPanel(comparison));
  root.append(historyPanel(history, filtered));
  root.append(overridePanel(latest, ctx));
}

function decisionBadge(r) {
  // an override promotes against the gate's REJECT: say so instead of showing REJECT beside "promoted"
  if (r.action === 'override') return badge('OVERRIDE', 'insufficient');
  // a rollback restores the previous model: neither an approval nor a rejection
  if (r.action === 'rollback')
    return r.promotedToProduction ? badge('ROLLBACK', 'insufficient') : badge('REFUSED', 'fail');
  const kind = r.recommendation === 'PROMOTE' || r.approved ? 'pass' : 'fail';
  return badge(r.recommendation ?? (r.approved ? 'PROMOTE' : 'REJECT'), kind);
}

/** A data date (as of): the trading day a decision speaks for. */
function asOf(iso) {
  return typeof iso === 'string' && iso.length >= 10 ? iso.slice(0, 10) : DASH;
}

/**
 * Whether the report's model is in production now, from `api/gate/production` (the newest row
 * that put a model there, however old): same SHA-256, or which row's model is there instead.
 */
function productionNow(r, production) {
  if (!production) return 'no (nothing promoted yet)';
  if (production.modelSha256 === r.modelSha256) return `yes (report #${production.historyId}, ${production.action})`;
  return `no (production holds report #${production.historyId}'s model)`;
}

function productionPanel(p, now) {
  if (!p)
    return panel(
      'In production',
      now,
      emptyState(
        'gate-production-empty',
        'Nothing promoted yet.',
        'A model appears here once it is promoted or overridden into production.',
      ),
    );
  const d = p.decision;
  const rows = [
    [
      'Model version',
      h(
        'span',
        { class: 'mono', testid: 'gate-production-version' },
        p.modelVersion ?? 'unknown (the row that put it there named none)',
      ),
    ],
    ['Model', h('span', { class: 'mono', testid: 'gate-production-model' }, p.modelPath)],
    ['SHA-256', h('span', { class: 'mono', title: p.modelSha256 ?? '' }, shortHash(p.modelSha256))],
    [
      'Put there by',
      h(
        'span',
        { testid: 'gate-production-row' },
        `report #${p.historyId} · ${p.action}${p.actor ? ` by ${p.actor}` : ''}`,
      ),
    ],
    ['Data as of', h('span', { testid: 'gate-production-asof' }, asOf(p.asOf))],
    ['Recorded', h('span', { class: 'mono' }, dateTime(p.recordedAt))],
    [
      'Decision',
      d
        ? h(
            'span',
            { testid: 'gate-production-decision' },
            `report #${d.historyId} · ${d.action === 'override' ? 'override' : d.approved ? 'approved' : 'rejected'} (as of ${asOf(d.asOf)})`,
          )
        : h('span', { testid: 'gate-production-decision' }, 'none: no gate decision covers these bytes'),
    ],
  ];
  return panel(
    'In production',
    `now, whatever the history page shows${now ? ' (not filtered)' : ''}`,
    h(
      'dl',
      { class: 'kv', testid: 'gate-production', data: { historyId: String(p.historyId), sha: p.modelSha256 ?? '' } },
      rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
  );
}

function challengerPanel(c) {
  const title = 'Champion vs challenger';
  if (!c)
    return panel(
      title,
      null,
      emptyState(
        'gate-challenger-empty',
        'No candidate observed in shadow yet.',
        'Start one with `vigil gate shadow start`: its predictions are logged under its own model id and never acted on, then compared with the champion on the same rows.',
      ),
    );
  const s = c.shadow;
  const sub = `${s.model} in shadow of champion ${s.champion}, data ${asOf(s.since)} → ${s.until ? asOf(s.until) : 'now (active)'}; same symbol and time, both resolved`;
  const iv = c.interval ? `${signedPct(c.interval.lower)} to ${signedPct(c.interval.upper)}` : DASH;
  const stats = h(
    'div',
    // inside a card: the headline figures keep the card's inner margin
    { class: 'stats', style: { margin: '12px 16px' } },
    stat(
      `Champion ${s.champion}`,
      pct(c.championAccuracy),
      'gate-challenger-champion-acc',
      `${count(c.rows)} paired rows`,
    ),
    stat(`Challenger ${s.model}`, pct(c.challengerAccuracy), 'gate-challenger-acc', `${count(c.days)} trading days`),
    stat('Difference', signedPct(c.improvement), 'gate-challenger-diff', `95% ${iv} (day-clustered)`),
    stat(
      'Days won',
      `${count(c.daysChallengerBetter)} vs ${count(c.daysChampionBetter)}`,
      'gate-challenger-days',
      `${count(c.tiedDays)} tied; sign test p=${c.pBetter.toPrecision(3)}`,
    ),
  );
  const byDay = table(
    [['Day (data)'], ['Rows', 'num'], [`Champion ${s.champion}`, 'num'], [`Challenger ${s.model}`, 'num'], ['Better']],
    c.byDay.map((d) =>
      h(
        'tr',
        { testid: `challenger-day-${d.day}` },
        h('td', { class: 'mono' }, d.day),
        h('td', { class: 'num' }, count(d.rows)),
        h('td', { class: 'num', data: { value: d.championAccuracy } }, pct(d.championAccuracy)),
        h('td', { class: 'num', data: { value: d.challengerAccuracy } }, pct(d.challengerAccuracy)),
        h(
          'td',
          {},
          d.challengerAccuracy > d.championAccuracy
            ? badge('challenger', 'pass')
            : d.challengerAccuracy < d.championAccuracy
              ? badge('champion', 'fail')
              : DASH,
        ),
      ),
    ),
    { class: 'data', 'data-testid': 'gate-challenger-table' },
  );
  return panel(
    title,
    sub,
    h(
      'div',
      { testid: 'gate-challenger', data: { model: s.model, rows: String(c.rows) } },
      stats,
      cumulativeChart(c),
      byDay,
    ),
  );
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/**
 * Both models' accuracy over the paired rows so far, day by day (cumulative: a day of nine rows
 * alone is mostly noise). Drawn in a viewBox, so it scales to the card at any width.
 */
function cumulativeChart(c) {
  if (c.byDay.length < 2) return null;
  let rows = 0;
  let champ = 0;
  let chall = 0;
  const points = c.byDay.map((d) => {
    rows += d.rows;
    champ += d.championAccuracy * d.rows;
    chall += d.challengerAccuracy * d.rows;
    return { champion: champ / rows, challenger: chall / rows };
  });
  const values = points.flatMap((p) => [p.champion, p.challenger]);
  const lo = Math.max(0, Math.floor(Math.min(...values) * 20) / 20);
  const hi = Math.min(1, Math.ceil(Math.max(...values) * 20) / 20);
  const W = 600;
  const H = 140;
  const pad = { l: 44, r: 8, t: 10, b: 22 };
  const x = (i) => pad.l + (i * (W - pad.l - pad.r)) / (points.length - 1);
  const y = (v) => pad.t + ((hi - v) * (H - pad.t - pad.b)) / (hi - lo || 1);
  const line = (key, color) =>
    svg('polyline', {
      points: points.map((p, i) => `${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' '),
      fill: 'none',
      stroke: color,
      'stroke-width': 2,
    });
  const muted = { 'font-size': 13, fill: '#6b7280' };
  const label = (v) =>
    svg('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end', ...muted }, `${Math.round(v * 100)}%`);
  const last = c.byDay.length - 1;
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': 'cumulative accuracy by day' },
    svg('line', { x1: pad.l, x2: W - pad.r, y1: y(lo), y2: y(lo), stroke: '#e5e7eb' }),
    svg('line', { x1: pad.l, x2: W - pad.r, y1: y(hi), y2: y(hi), stroke: '#e5e7eb' }),
    label(lo),
    label(hi),
    svg('text', { x: pad.l, y: H - 4, ...muted }, c.byDay[0].day),
    svg('text', { x: W - pad.r, y: H - 4, 'text-anchor': 'end', ...muted }, c.byDay[last].day),
    line('champion', '#6b7280'),
    line('challenger', '#2563eb'),
  );
  return h(
    'figure',
    {
      testid: 'gate-challenger-chart',
      // at most its drawn size on a desktop, so its text stays the size of the page's
      style: { margin: '0 16px 12px', maxWidth: '640px' },
      data: { days: String(points.length), final: String(points[last].challenger - points[last].champion) },
    },
    chart,
    h(
      'figcaption',
      { class: 'sub' },
      h('span', { style: { color: '#2563eb', fontWeight: '600' } }, `challenger ${c.shadow.model}`),
      ' vs ',
      h('span', { style: { color: '#6b7280', fontWeight: '600' } }, `champion ${c.shadow.champion}`),
      ': accuracy over the paired rows so far, by trading day',
    ),
  );
}

function latestPanel(r, production, viewed, filters) {
  // whose decision this is (with a link to every model's newest), and that the top bar's dates do not apply to it
  const sub = h(
    'span',
    { testid: 'gate-latest-model', data: { model: viewed.model ?? EVERY_MODEL } },
    viewed.model
      ? [
          'model ',
          h('b', {}, viewed.model),
          ` (${viewed.why}) · `,
          h(
            'a',
            { href: `#/gate${filterQuery({ ...filters, model: EVERY_MODEL })}`, testid: 'gate-latest-all' },
            'all models',
          ),
        ]
      : `every model (${viewed.why})`,
    filters.from || filters.to ? ' · the newest, whatever the dates' : '',
  );
  if (!r)
    return panel(
      'Latest decision',
      sub,
      emptyState(
        'gate-latest-empty',
        viewed.model ? `No validation report for model ${viewed.model} yet.` : 'No validation report yet.',
        viewed.model
          ? 'Pick another model in the top bar, or "all models" (model=* in the link).'
          : 'Reports appear here once a candidate model is validated.',
      ),
    );
  const counts = statusCounts(r.checks ?? []);
  const rows = [
    ['Report', h('span', { testid: 'gate-latest-id' }, `#${r.id}`)],
    ['Action', h('span', { testid: 'gate-latest-action' }, r.action)],
    ['Model', h('span', { class: 'mono', testid: 'gate-model-path' }, r.modelPath)],
    ['Data as of', h('span', { testid: 'gate-latest-asof' }, asOf(r.asOf))],
    ['Recorded', h('span', { class: 'mono', testid: 'gate-latest-recorded' }, dateTime(r.timestamp))],
    ['SHA-256', h('span', { class: 'mono', title: r.modelSha256 ?? '' }, shortHash(r.modelSha256))],
    ['In production', h('span', { testid: 'gate-promoted' }, productionNow(r, production))],
    r.actor ? ['Actor', r.actor] : null,
    r.notes ? ['Notes', r.notes] : null,
  ].filter(Boolean);
  return panel(
    'Latest decision',
    sub,
    h(
      'div',
      { class: `decision decision-${r.approved ? 'ok' : 'bad'}` },
      h('div', { class: 'decision-badge', testid: 'gate-recommendation' }, decisionBadge(r)),
      h(
        'div',
        { class: 'decision-summary', testid: 'gate-check-summary' },
        r.action === 'override' ? h('strong', {}, `Manual override by ${r.actor ?? 'unknown'}. `) : null,
        summaryText(counts),
      ),
    ),
    h(
      'dl',
      { class: 'kv' },
      rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
  );
}

function summaryText(c) {
  const parts = [`${count(c.pass)} passed`, `${count(c.fail)} failed`];
  if (c.insufficient) parts.push(`${count(c.insufficient)} insufficient`);
  if (c.error) parts.push(`${count(c.error)} error`);
  return parts.join(' · ');
}

function statusCounts(checks) {
  const c = { pass: 0, fail: 0, insufficient: 0, error: 0 };
  for (const k of checks) if (k.status in c) c[k.status]++;
  return c;
}

function verifyPanel(v, now) {
  const ok = v?.ok === true;
  const text = ok
    ? v.rows === 0
      ? 'no reports recorded yet: nothing to verify'
      : `hash chain intact over ${count(v.rows)} ${v.rows === 1 ? 'row' : 'rows'}`
    : `chain broken${v?.firstBadId != null ? ` at report #${v.firstBadId}` : ''}: ${v?.reason ?? 'unknown reason'}`;
  return panel(
    'History integrity',
    `each report is chained to the previous one by SHA-256${now ? ' · the whole history, not filtered' : ''}`,
    h(
      'div',
      {
        class: `verify verify-${ok ? 'ok' : 'bad'}`,
        testid: 'gate-verify',
        data: { ok: String(ok), rows: String(v?.rows ?? 0) },
      },
      badge(ok ? 'verified' : 'broken', ok ? 'pass' : 'fail', 'gate-verify-status'),
      h('p', { testid: 'gate-verify-text' }, text),
    ),
  );
}

function checksTable(checks) {
  if (checks.length === 0) return emptyState('gate-checks-empty', 'This report has no checks.');
  return table(
    [['Check'], ['Status'], ['Value', 'num'], ['Threshold', 'num'], [''], ['Message']],
    checks.map((c) =>
      h(
        'tr',
        { testid: `check-row-${c.id}`, class: `status-${c.status}` },
        h(
          'td',
          { class: 'name' },
          h('div', { class: 'mono' }, c.id),
          c.description ? h('div', { class: 'sub' }, c.description) : null,
        ),
        h('td', {}, badge(c.status, c.status, `check-status-${c.id}`)),
        h(
          'td',
          { class: 'num strong', testid: `check-value-${c.id}`, data: { value: c.value ?? '' } },
          checkFigure(c.id, c.value),
        ),
        h(
          'td',
          { class: 'num', testid: `check-threshold-${c.id}`, data: { value: c.threshold ?? '' } },
          checkFigure(c.id, c.threshold),
        ),
        h(
          'td',
          {},
          c.required === false
            ? h('span', { class: 'tag' }, 'advisory')
            : h('span', { class: 'tag tag-strong' }, 'required'),
        ),
        h('td', { class: 'message' }, c.message ?? DASH),
      ),
    ),
    { class: 'data', 'data-testid': 'gate-checks-table' },
  );
}

function historyPanel(history, filtered) {
  const rows = history?.rows ?? [];
  const total = history?.total ?? 0;
  const sub = h(
    'span',
    {},
    'showing ',
    count(rows.length),
    ' of ',
    h('b', { testid: 'gate-history-total' }, count(total)),
    ' reports, newest first',
    filtered ? h('span', { testid: 'gate-history-filter' }, ` · ${filtered} (data as of, else recorded)`) : null,
  );
  if (rows.length === 0)
    return panel(
      'History',
      sub,
      emptyState(
        'gate-history-empty',
        filtered ? `No promotion attempts for ${filtered}.` : 'No promotion attempts recorded yet.',
      ),
    );
  return panel(
    'History',
    sub,
    table(
      [
        ['Report', 'num'],
        ['As of', '', 'the data date (trading day) the decision speaks for'],
        ['Recorded', '', 'wall-clock time the row was written'],
        ['Action'],
        ['Model', '', 'the modelVersion its predictions carry (the file on hover)'],
        ['Decision'],
        ['Checks'],
        ['Actor'],
        ['Notes'],
        ['Production'],
      ],
      rows.map((r) => {
        const c = statusCounts(r.checks ?? []);
        return h(
          'tr',
          { testid: `history-row-${r.id}`, class: r.action === 'override' ? 'is-override' : '' },
          h('td', { class: 'num mono' }, `#${r.id}`),
          h('td', { class: 'mono', testid: `history-asof-${r.id}` }, asOf(r.asOf)),
          h('td', { class: 'mono' }, dateTime(r.timestamp)),
          h('td', { testid: `history-action-${r.id}` }, r.action),
          // the modelVersion its predictions carry (what the top bar's model filter matches); the file on hover
          h(
            'td',
            { class: 'mono ellipsis', title: r.modelPath, testid: `history-model-${r.id}` },
            r.modelVersion ?? 'unknown',
          ),
          h('td', { testid: `history-recommendation-${r.id}` }, decisionBadge(r)),
          h(
            'td',
            { class: 'mono' },
            `${c.pass}✓ ${c.fail}✗${c.insufficient ? ` ${c.insufficient}?` : ''}${c.error ? ` ${c.error}!` : ''}`,
          ),
          h('td', {}, r.actor ?? DASH),
          h('td', { class: 'ellipsis', title: r.notes ?? '' }, r.notes ?? DASH),
          h('td', {}, r.promotedToProduction ? badge('promoted', 'pass') : DASH),
        );
      }),
      { class: 'data', 'data-testid': 'gate-history-table' },
    ),
  );
}

function overridePanel(latest, ctx) {
  // prefilled with the decision shown when the gate rejected it (what an override is for); the live
  // model's own approval is not a candidate to override
  const rejected = latest?.action === 'validate' && !latest.approved ? latest : null;
  const field = (label, input, hint) =>
    h(
      'label',
      { class: 'field' },
      h('span', { class: 'field-label' }, label),
      input,
      hint ? h('span', { class: 'field-hint' }, hint) : null,
    );
  const modelPath = h('input', {
    type: 'text',
    name: 'modelPath',
    testid: 'override-model-path',
    value: rejected?.modelPath ?? '',
    placeholder: 'candidates/model.json',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const modelVersion = h('input', {
    type: 'text',
    name: 'modelVersion',
    testid: 'override-model-version',
    value: rejected?.modelVersion ?? '',
    placeholder: 'the modelVersion its predictions carry',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const actor = h('input', {
    type: 'text',
    name: 'actor',
    testid: 'override-actor',
    autocomplete: 'off',
    placeholder: 'who authorises this',
  });
  const reason = h('textarea', {
    name: 'reason',
    testid: 'override-reason',
    rows: 2,
    placeholder: 'why the gate is overridden',
  });
  const token = h('input', {
    type: 'password',
    name: 'token',
    testid: 'override-token',
    autocomplete: 'off',
    placeholder: 'Bearer token',
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-danger', testid: 'override-submit' }, 'Record override');
  const result = h('div', { class: 'result', testid: 'override-result', data: { outcome: 'none' } });
  if (flash) {
    showResult(result, flash.outcome, [flash.text]);
    flash = null;
  }

  const form = h(
    'form',
    { class: 'override-form', testid: 'override-form', novalidate: true },
    h(
      'div',
      { class: 'form-grid' },
      field('Model path', modelPath),
      field('Model version', modelVersion, 'required unless its validation named one'),
      field('Actor', actor),
      field('API token', token, 'sent as a bearer token, not stored'),
      field('Reason', reason),
    ),
    h('div', { class: 'form-actions' }, submit, result),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    showResult(result, 'pending', ['Submitting…']);
    try {
      const body = {
        modelPath: modelPath.value.trim(),
        actor: actor.value.trim(),
        reason: reason.value.trim(),
        ...(modelVersion.value.trim() ? { modelVersion: modelVersion.value.trim() } : {}),
      };
      const report = await postJson('api/gate/override', body, token.value.trim());
      flash = {
        outcome: 'success',
        text: `Override recorded as report #${report.id} (${report.recommendation}) by ${report.actor}.`,
      };
      await ctx.reload();
    } catch (err) {
      // The server is the authority on who may override and what a valid request is: show its answer.
      const issues = (err.issues ?? []).map((i) => h('li', {}, `${i.path}: ${i.message}`));
      showResult(result, 'error', [
        h('strong', {}, `Refused${err.status ? ` (${err.status} ${err.code})` : ''}: `),
        err.message,
        issues.length ? h('ul', {}, issues) : null,
      ]);
      submit.disabled = false;
    }
  });

  return panel(
    'Manual override',
    'Emergency use only: records an override of the gate in the tamper-evident history. Needs the API token, an actor and a reason.',
    form,
  );
}

function showResult(el, outcome, content) {
  el.dataset.outcome = outcome;
  el.className = `result result-${outcome}`;
  el.replaceChildren(...content.filter(Boolean).map((c) => (typeof c === 'string' ? document.createTextNode(c) : c)));
}

/** The view contract: the dashboard imports this module and calls `render(root, ctx)`. */
export const render = renderGate;
