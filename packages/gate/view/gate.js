// Promotion gate (spec 10.3): what is in production now, the latest validation report and its
// checks, champion vs challenger (a candidate observed in shadow), the hash-chain verification
// of the history, the history itself, and the emergency override form. Every decision shows two
// times: the data date it speaks for (as of) and the wall-clock time it was recorded.
import { getJson, postJson } from '../../js/api.js';
import { badge, emptyState, h, panel, stat, table } from '../../js/dom.js';
import { DASH, checkFigure, count, dateTime, pct, shortHash, signedPct } from '../../js/format.js';

export const HISTORY_LIMIT = 20;

/** A message to show after the view re-renders (the override's outcome). */
let flash = null;

export async function renderGate(root, ctx) {
  const [latest, history, verify, production, comparison] = await Promise.all([
    getJson('api/gate/latest'),
    getJson(`api/gate/history?limit=${HISTORY_LIMIT}&offset=0`),
    getJson('api/gate/verify'),
    getJson('api/gate/production'),
    getJson('api/gate/shadows/compare'),
  ]);

  root.append(
    h(
      'div',
      { class: 'grid-gate' },
      latestPanel(latest, production),
      h('div', {}, productionPanel(production), verifyPanel(verify)),
    ),
  );
  if (latest) root.append(panel('Checks', `report #${latest.id} · ${latest.action}`, checksTable(latest.checks ?? [])));
  root.append(challengerPanel(comparison));
  root.append(historyPanel(history));
  root.append(overridePanel(latest, ctx));
}

function decisionBadge(r) {
  // an override promotes against the gate's REJECT: say so instead of showing REJECT beside "promoted"
  if (r.action === 'override') return badge('OVERRIDE', 'insufficient');
  // a rollback restores the previous model: neither an approval nor a rejection
  if (r.action === 'rollback') return badge('ROLLBACK', 'insufficient');
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

function productionPanel(p) {
  if (!p)
    return panel(
      'In production',
      null,
      emptyState(
        'gate-production-empty',
        'Nothing promoted yet.',
        'A model appears here once it is promoted or overridden into production.',
      ),
    );
  const d = p.decision;
  const rows = [
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
    'now, whatever the history page shows',
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
    h('div', { testid: 'gate-challenger', data: { model: s.model, rows: String(c.rows) } }, stats, byDay),
  );
}

function latestPanel(r, production) {
  if (!r)
    return panel(
      'Latest decision',
      null,
      emptyState(
        'gate-latest-empty',
        'No validation report yet.',
        'Reports appear here once a candidate model is validated.',
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
    null,
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

function verifyPanel(v) {
  const ok = v?.ok === true;
  const text = ok
    ? v.rows === 0
      ? 'no reports recorded yet: nothing to verify'
      : `hash chain intact over ${count(v.rows)} ${v.rows === 1 ? 'row' : 'rows'}`
    : `chain broken${v?.firstBadId != null ? ` at report #${v.firstBadId}` : ''}: ${v?.reason ?? 'unknown reason'}`;
  return panel(
    'History integrity',
    'each report is chained to the previous one by SHA-256',
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

function historyPanel(history) {
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
  );
  if (rows.length === 0)
    return panel('History', sub, emptyState('gate-history-empty', 'No promotion attempts recorded yet.'));
  return panel(
    'History',
    sub,
    table(
      [
        ['Report', 'num'],
        ['As of', '', 'the data date (trading day) the decision speaks for'],
        ['Recorded', '', 'wall-clock time the row was written'],
        ['Action'],
        ['Model'],
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
          h('td', { class: 'mono ellipsis', title: r.modelPath }, r.modelPath),
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
    value: latest?.modelPath ?? '',
    placeholder: 'candidates/model.json',
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
      const body = { modelPath: modelPath.value.trim(), actor: actor.value.trim(), reason: reason.value.trim() };
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
