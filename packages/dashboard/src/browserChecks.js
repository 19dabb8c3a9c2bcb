// Drives the dashboard in a real headless Chromium (playwright-core) against a running Vigil
// server and checks that every figure on the page is the one the API gives.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { SCREENS, layoutProblems, tapMisses, tapPoint } from './browserLayout.js';
import { findChromium } from './findChromium.js';

// The page's formats, written out independently so a formatting slip on the page is caught.
/** A difference in accuracy to 0.01 pp: the chart recomputes it from the per-day figures. */
const signed = (v) => (typeof v === 'number' && Number.isFinite(v) ? (v * 100).toFixed(2) : '—');
const pct = (v) => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '—');
const count = (n) =>
  typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 0 }) : '—';
/** The accuracy chart's defaults (packages/sectors/view/rolling.js). */
const ROLLING_WINDOW = 20;
/** Trading days the chart covers by default, without a start date in the top bar (a bounded read). */
const ROLLING_STEPS = 250;
const ROLLING_LINES = 6;
const num = (v, d = 3) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '—');
const interval = (ci) =>
  Array.isArray(ci) && ci.length === 2 ? `${(ci[0] * 100).toFixed(1)}–${(ci[1] * 100).toFixed(1)}%` : '—';

class DashboardCheckError extends Error {
  constructor(view, message) {
    super(`dashboard ${view} view: ${message}`);
    this.name = 'DashboardCheckError';
  }
}

/**
 * Loads each dashboard view in headless Chromium and checks it against the API.
 * @param {{ baseUrl: string, token: string, screenshotDir?: string }} options
 */
export async function runDashboardChecks({ baseUrl, token, screenshotDir }) {
  if (typeof baseUrl !== 'string' || !/^https?:\/\//.test(baseUrl))
    throw new TypeError(`runDashboardChecks: baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}`);
  if (typeof token !== 'string' || token.length === 0)
    throw new TypeError('runDashboardChecks: token must be the API token (a non-empty string)');
  const { executablePath, args, env } = await findChromium();
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const api = async (path, init) => {
    const res = await fetch(new URL(path, base), init);
    const body = await res.json().catch(() => null);
    if (!res.ok)
      throw new Error(`API ${init?.method ?? 'GET'} ${path} answered ${res.status}: ${JSON.stringify(body)}`);
    return body;
  };
  if (screenshotDir) await mkdir(screenshotDir, { recursive: true });

  const userDataDir = await mkdtemp(join(tmpdir(), 'vigil-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args,
    env,
    viewport: { width: SCREENS[0].width, height: SCREENS[0].height },
    hasTouch: true,
    acceptDownloads: true,
    timezoneId: 'UTC',
    locale: 'en-US',
  });
  const pageErrors = [];
  const screenshots = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(0); // no wall-clock limit: a slow machine must not fail the checks; the caller bounds a hang
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      // The refused override's 401 is expected; any other failed load or error is not.
      if (m.type() === 'error' && !/status of 401/.test(m.text())) pageErrors.push(m.text());
    });
    const ctx = { page, api, base, token, pageErrors };
    const shots = (suffix) => async (name) => {
      if (!screenshotDir) return;
      const path = join(screenshotDir, `${name}${suffix}.png`);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path, fullPage: true });
      screenshots.push(path);
    };

    // Every view at each screen size: the figures equal the API's and the layout holds. The
    // desktop pass also submits the override (once); screenshots of the phone pass end in -390.
    let sectors;
    let drift;
    let replay;
    let gate;
    let filters;
    const layout = {};
    for (const screen of SCREENS) {
      await page.setViewportSize({ width: screen.width, height: screen.height });
      const shoot = shots(screen.name === 'desktop' ? '' : `-${screen.width}`);
      const s = { ...ctx, screen };
      // the summary keeps the desktop pass's figures (the phone pass checks the same views after
      // the override, which may have changed the live model the views default to)
      const sec = await checkSectors(s, shoot);
      sectors ??= sec;
      const dr = await checkDrift(s, shoot);
      drift ??= dr;
      const r = await checkReplay(s, shoot);
      replay = replay
        ? { ...replay, filtered: replay.filtered ?? r.filtered ?? null }
        : { ...r, filtered: r.filtered ?? null };
      const { history, ...figures } = await checkGateFigures(s, shoot);
      if (screen.name === 'desktop') {
        gate = {
          ...figures,
          ...(await checkOverride(s, shoot, { history })),
          filtered: await checkGateFiltered(s),
        };
        filters = await checkFilters(s);
      }
      layout[screen.name] = s.layoutSeen;
    }
    if (pageErrors.length) throw new DashboardCheckError('any', `the page logged errors: ${pageErrors.join(' | ')}`);
    return { baseUrl: base, sectors, drift, replay, gate, filters, layout, screenshots };
  } finally {
    await context.close().catch(() => {});
    await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  }
}

/** Navigates to a view and waits until it has rendered (or failed to). */
async function openView({ page, base }, route, name) {
  const url = `${base}#/${route}`;
  if (page.url() === 'about:blank') await page.goto(url);
  else
    await page.evaluate((h) => {
      location.hash = h;
    }, `#/${route}`);
  const view = page.locator(`[data-testid="view-${name}"]`);
  await page
    .locator(`[data-testid="view-${name}"][data-state="ready"], [data-testid="view-${name}"][data-state="error"]`)
    .waitFor();
  if ((await view.getAttribute('data-state')) === 'error') {
    const msg = await view.locator('[data-testid="view-error"]').textContent();
    throw new DashboardCheckError(name, `the view failed to load: ${msg}`);
  }
  return view;
}

const tid = (id) => `[data-testid="${id.replace(/"/g, '\\"')}"]`;

/** The layout of the view on screen now: no page overflow, nothing cut off; on a desktop no table scrolls inside its card. */
async function checkLayout(ctx, name, what = name) {
  const { problems, scrollingTables } = await layoutProblems(ctx.page);
  const at = `${ctx.screen.width}x${ctx.screen.height}`;
  if (problems.length) throw new DashboardCheckError(name, `layout at ${at} (${what}): ${problems.join('; ')}`);
  if (ctx.screen.name === 'desktop' && scrollingTables.length)
    throw new DashboardCheckError(
      name,
      `layout at ${at} (${what}): tables wider than their card: ${scrollingTables.join(', ')}`,
    );
  ctx.layoutSeen = { ...(ctx.layoutSeen ?? {}), [what]: { scrollingTables } };
}

async function text(view, id, what) {
  const el = view.locator(tid(id));
  const n = await el.count();
  if (n !== 1) throw new DashboardCheckError(what, `expected exactly one element ${tid(id)}, found ${n}`);
  return (await el.textContent())?.trim() ?? '';
}

function expectEqual(view, label, shown, expected) {
  if (shown !== expected)
    throw new DashboardCheckError(
      view,
      `${label}: page shows ${JSON.stringify(shown)}, API gives ${JSON.stringify(expected)}`,
    );
}

/** The live model (`api/models/live`, what the gate promoted), or null with no gate or nothing promoted. */
async function liveModelOf(ctx) {
  const live = await ctx.api('api/models/live');
  return live?.source !== 'none' && typeof live?.live === 'string' ? live.live : null;
}

/** The model a view shows with none in the top bar: the live one, else the newest seen (`latest` when listed). */
async function defaultModelOf(ctx, { models, latest }) {
  return (await liveModelOf(ctx)) ?? (latest && models.includes(latest) ? latest : (models.at(-1) ?? null));
}

async function checkSectors(ctx, shoot) {
  const view = await openView(ctx, 'sectors', 'sectors');
  // the model shown: the live one, else (no gate) the model of the newest observed prediction
  const model = await defaultModelOf(ctx, await ctx.api('api/sectors/models'));
  expectEqual('sectors', 'model shown', await text(view, 'sectors-model', 'sectors'), model ?? '—');
  const mq = model ? `?model=${encodeURIComponent(model)}` : '';
  const rolling = await ctx.api(
    `api/sectors/rolling?by=sector&window=${ROLLING_WINDOW}&steps=${ROLLING_STEPS}${model ? `&model=${encodeURIComponent(model)}` : ''}`,
  );
  const data = await ctx.api(`api/sectors${mq}`);
  const rows = await view.locator('[data-testid^="sector-row-"]').count();
  expectEqual('sectors', 'number of sector rows', rows, data.sectors.length);
  const weakest = new Set(data.weakest.map((w) => w.sector));
  for (const s of data.sectors) {
    const n = s.sector;
    expectEqual('sectors', `${n} accuracy`, await text(view, `sector-accuracy-${n}`, 'sectors'), pct(s.accuracy));
    expectEqual(
      'sectors',
      `${n} resolved count`,
      await text(view, `sector-resolved-${n}`, 'sectors'),
      count(s.resolved),
    );
    expectEqual('sectors', `${n} tracked count`, await text(view, `sector-tracked-${n}`, 'sectors'), count(s.tracked));
    expectEqual('sectors', `${n} correct count`, await text(view, `sector-correct-${n}`, 'sectors'), count(s.correct));
    expectEqual('sectors', `${n} 95% interval`, await text(view, `sector-ci-${n}`, 'sectors'), interval(s.ci));
    for (const [regime, g] of Object.entries(s.byRegime ?? {})) {
      const shown = await text(view, `sector-regime-${n}-${regime}`, 'sectors');
      // a regime without resolved predictions shows a dash
      expectEqual(
        'sectors',
        `${n} ${regime} accuracy (n)`,
        shown,
        g.resolved ? `${pct(g.accuracy)} (${count(g.resolved)})` : '—',
      );
    }
    const marked = (await view.locator(tid(`sector-row-${n}`)).getAttribute('data-weak')) === 'true';
    expectEqual('sectors', `${n} highlighted as weakest`, marked, weakest.has(n));
  }
  const rollingSeen = await rollingFigures(view, rolling);
  await checkLayout(ctx, 'sectors');
  const misses = await tapMisses(ctx.page, '[data-testid^="sector-row-"]');
  if (misses.length)
    throw new DashboardCheckError('sectors', `taps at ${ctx.screen.width}px miss their row: ${misses.join('; ')}`);
  await shoot('sectors');

  // Drill down into the weakest sector (else the first with predictions) by tapping its row
  // where a finger would: the middle of its name, at window coordinates.
  const target = data.weakest[0]?.sector ?? data.sectors.find((s) => s.tracked > 0)?.sector;
  let symbols = 0;
  if (target) {
    const { x, y } = await tapPoint(view.locator(tid(`sector-row-${target}`)));
    if (ctx.screen.name === 'phone') await ctx.page.touchscreen.tap(x, y);
    else await ctx.page.mouse.click(x, y);
    const drilled = ctx.page.locator(`[data-testid="view-sectors"][data-state="ready"] [data-testid="symbols-panel"]`);
    await drilled.waitFor();
    expectEqual('sectors', 'drill-down sector', await drilled.getAttribute('data-sector'), target);
    const sym = await ctx.api(`api/sectors/${encodeURIComponent(target)}/symbols${mq}`);
    expectEqual(
      'sectors',
      `${target} symbol rows`,
      await drilled.locator('[data-testid^="symbol-row-"]').count(),
      sym.symbols.length,
    );
    for (const y of sym.symbols) {
      expectEqual(
        'sectors',
        `${y.symbol} accuracy`,
        await text(drilled, `symbol-accuracy-${y.symbol}`, 'sectors'),
        pct(y.accuracy),
      );
      expectEqual(
        'sectors',
        `${y.symbol} resolved count`,
        await text(drilled, `symbol-resolved-${y.symbol}`, 'sectors'),
        count(y.resolved),
      );
    }
    symbols = sym.symbols.length;
    await checkLayout(ctx, 'sectors', 'drill-down');
    await shoot('sectors-drilldown');
  }
  return { rows, weakest: [...weakest], drilledInto: target ?? null, symbols, model, rolling: rollingSeen };
}

/** The accuracy chart against api/sectors/rolling: series and points drawn, each group's latest figures. */
async function rollingFigures(view, doc) {
  const drawn = doc.series.filter((s) => s.points.length).slice(0, ROLLING_LINES);
  if (drawn.length === 0) {
    if ((await view.locator(tid('sectors-rolling-empty')).count()) !== 1)
      throw new DashboardCheckError('sectors', 'no rolling accuracy in the API but the page does not say so');
    return { series: 0, points: 0 };
  }
  const chart = view.locator(tid('sectors-rolling-chart'));
  const points = drawn.reduce((a, s) => a + s.points.length, 0);
  expectEqual('sectors', 'accuracy series drawn', Number(await chart.getAttribute('data-series')), drawn.length);
  expectEqual('sectors', 'accuracy points drawn', Number(await chart.getAttribute('data-points')), points);
  expectEqual('sectors', 'accuracy window', Number(await chart.getAttribute('data-window')), doc.window);
  expectEqual('sectors', 'accuracy range from', await chart.getAttribute('data-from'), doc.from ?? '');
  expectEqual(
    'sectors',
    'accuracy range steps',
    await chart.getAttribute('data-steps'),
    doc.steps == null ? '' : String(doc.steps),
  );
  for (const s of doc.series) {
    const last = s.points.at(-1);
    expectEqual(
      'sectors',
      `${s.key} latest rolling accuracy`,
      await text(view, `sectors-rolling-last-${s.key}`, 'sectors'),
      pct(last?.accuracy),
    );
    expectEqual(
      'sectors',
      `${s.key} latest interval`,
      await text(view, `sectors-rolling-ci-${s.key}`, 'sectors'),
      interval(last?.ci),
    );
    expectEqual(
      'sectors',
      `${s.key} latest n`,
      await text(view, `sectors-rolling-n-${s.key}`, 'sectors'),
      count(last?.resolved),
    );
  }
  return { series: drawn.length, points };
}

async function checkDrift(ctx, shoot) {
  const view = await openView(ctx, 'drift', 'drift');
  // the model charted: the live one, else (no gate) the series route's default, the model checked last
  const live = await liveModelOf(ctx);
  const doc = await ctx.api(`api/drift/series${live ? `?model=${encodeURIComponent(live)}` : ''}`);
  if (live) expectEqual('drift', 'default model (the live one)', doc.model, live);
  const out = await driftFigures(view, ctx, doc);
  await checkLayout(ctx, 'drift');
  const misses = await tapMisses(ctx.page, '[data-testid^="drift-feature-row-"]');
  if (misses.length)
    throw new DashboardCheckError('drift', `taps at ${ctx.screen.width}px miss their row: ${misses.join('; ')}`);
  await shoot('drift');
  return out;
}

/** The drift view's figures against `doc` (api/drift/series with the page's filters). */
async function driftFigures(view, ctx, doc) {
  expectEqual('drift', 'model charted', await text(view, 'drift-model', 'drift'), doc.model ?? '—');
  if (doc.model === null) {
    if ((await view.locator(tid('drift-empty')).count()) !== 1)
      throw new DashboardCheckError('drift', 'no drift checks in the API but the page does not say so');
    return { model: null, episodes: 0, features: 0, points: 0, ksD: null };
  }
  expectEqual('drift', 'episodes', await text(view, 'drift-episode-count', 'drift'), count(doc.episodes.length));
  for (const e of doc.episodes) {
    expectEqual('drift', `episode ${e.id} onset`, await text(view, `drift-episode-onset-${e.id}`, 'drift'), e.onset);
    expectEqual(
      'drift',
      `episode ${e.id} end`,
      await text(view, `drift-episode-end-${e.id}`, 'drift'),
      e.end ?? 'open',
    );
  }
  for (const f of doc.features) {
    const last = f.points.at(-1);
    const over = f.points.filter((p) => p.drifted).length;
    expectEqual(
      'drift',
      `${f.feature} last D`,
      await text(view, `drift-feature-last-${f.feature}`, 'drift'),
      num(last?.statistic),
    );
    expectEqual(
      'drift',
      `${f.feature} threshold`,
      await text(view, `drift-feature-threshold-${f.feature}`, 'drift'),
      last?.status === 'untestable' ? 'untestable' : num(last?.threshold),
    );
    expectEqual(
      'drift',
      `${f.feature} checks over the threshold`,
      await text(view, `drift-feature-over-${f.feature}`, 'drift'),
      `${over} of ${f.points.length}`,
    );
  }
  let points = 0;
  let ksD = null;
  if (doc.features.length) {
    const chart = view.locator(tid('drift-feature-chart'));
    const charted = await chart.getAttribute('data-feature');
    const f = doc.features.find((x) => x.feature === charted);
    if (!f)
      throw new DashboardCheckError('drift', `the chart shows feature ${JSON.stringify(charted)}, not in the API`);
    points = Number(await chart.getAttribute('data-points'));
    expectEqual('drift', `${charted} checks charted`, points, f.points.length);
    expectEqual(
      'drift',
      `${charted} checks over the threshold charted`,
      Number(await chart.getAttribute('data-over-threshold')),
      f.points.filter((p) => p.drifted).length,
    );
    expectEqual('drift', 'episodes shaded', Number(await chart.getAttribute('data-spans')), doc.episodes.length);
    if ((await chart.locator('canvas').count()) === 0)
      throw new DashboardCheckError('drift', `${f.points.length} checks of ${charted} but no chart drawn`);
    const dist = await ctx.api(
      `api/drift/distribution?${new URLSearchParams({ model: doc.model, feature: charted, step: f.points.at(-1).step })}`,
    );
    ksD = dist.ks.statistic;
    expectEqual('drift', `${charted} KS D of the distributions`, await text(view, 'drift-ks-d', 'drift'), num(ksD));
    expectEqual('drift', `${charted} check shown`, await text(view, 'drift-ks-step', 'drift'), dist.check.step);
    expectEqual(
      'drift',
      `${charted} threshold at the check`,
      await text(view, 'drift-ks-threshold', 'drift'),
      dist.check.status === 'untestable' ? 'untestable' : num(dist.check.threshold),
    );
    if ((await view.locator(`${tid('drift-ecdf-chart')} canvas`).count()) === 0)
      throw new DashboardCheckError('drift', 'no ECDF chart drawn');
  }
  if (doc.regimes.length)
    expectEqual(
      'drift',
      'regime checks charted',
      Number(await view.locator(tid('drift-regime-chart')).getAttribute('data-points')),
      doc.regimes.length,
    );
  if (doc.predictions.length)
    expectEqual(
      'drift',
      'prediction checks charted',
      Number(await view.locator(tid('drift-prediction-chart')).getAttribute('data-points')),
      doc.predictions.length,
    );
  if (doc.predictions.length)
    expectEqual(
      'drift',
      'flagged prediction checks charted',
      Number(await view.locator(tid('drift-prediction-chart')).getAttribute('data-flagged')),
      doc.predictions.filter((p) => p.detected).length,
    );
  return { model: doc.model, episodes: doc.episodes.length, features: doc.features.length, points, ksD };
}

/**
 * The shared filters: picks another model and a start date in the top bar, checks the URL hash
 * carries them and the drift view's figures equal the API's for them, opens that link afresh
 * (the view comes back as it was), taps a feature row, then clears the filters.
 */
async function checkFilters(ctx) {
  const { page } = ctx;
  await openView(ctx, 'drift', 'drift');
  const all = await ctx.api('api/drift/series');
  // a model other than the one the view shows by default (the live one, else the one checked last)
  const shown = (await liveModelOf(ctx)) ?? all.model;
  const model = all.models.find((m) => m !== shown) ?? shown;
  const days = all.features[0]?.points.map((p) => p.step) ?? [];
  if (!model || days.length < 2) return { model: null, from: null };
  const other = await ctx.api(`api/drift/series?model=${encodeURIComponent(model)}`);
  const otherDays = other.features[0]?.points.map((p) => p.step) ?? days;
  const from = otherDays[Math.floor(otherDays.length / 2)].slice(0, 10);
  const ready = () =>
    page.waitForFunction(
      ([m]) =>
        document.querySelector('[data-testid="view-drift"]')?.dataset.state === 'ready' &&
        document.querySelector('[data-testid="drift-model"]')?.textContent === m,
      [model],
    );
  await page.locator(tid('filter-model')).selectOption(model);
  await ready();
  await page.locator(tid('filter-from')).fill(from);
  await page.waitForFunction((f) => location.hash.includes(`from=${f}`), from);
  await ready();
  const hash = await page.evaluate(() => location.hash);
  const q = new URLSearchParams(hash.slice(hash.indexOf('?') + 1));
  expectEqual('filters', 'model in the link', q.get('model'), model);
  expectEqual('filters', 'from in the link', q.get('from'), from);
  const filtered = await ctx.api(`api/drift/series?${new URLSearchParams({ model, from })}`);
  let view = page.locator('[data-testid="view-drift"][data-state="ready"]');
  await driftFigures(view, ctx, filtered);
  // the link alone brings the same view back
  await page.goto('about:blank');
  await page.goto(`${ctx.base}${hash}`);
  await page.locator('[data-testid="view-drift"][data-state="ready"]').waitFor();
  view = page.locator('[data-testid="view-drift"]');
  expectEqual(
    'filters',
    'model picker after opening the link',
    await page.locator(tid('filter-model')).inputValue(),
    model,
  );
  expectEqual('filters', 'from after opening the link', await page.locator(tid('filter-from')).inputValue(), from);
  await driftFigures(view, ctx, filtered);
  // a tap on a feature row charts that feature (and keeps the filters)
  const target = filtered.features.at(-1)?.feature;
  if (target) {
    await view.locator(tid(`drift-feature-row-${target}`)).click();
    await page.waitForFunction(
      (f) => document.querySelector('[data-testid="drift-feature-chart"]')?.dataset.feature === f,
      target,
    );
    expectEqual(
      'filters',
      'model kept after picking a feature',
      await page.locator(tid('filter-model')).inputValue(),
      model,
    );
  }
  await page.locator(tid('filter-clear')).click();
  await page.waitForFunction(() => !location.hash.includes('?'));
  return { model, from };
}

async function checkReplay(ctx, shoot) {
  const view = await openView(ctx, 'replay', 'replay');
  // the model shown: the top bar's, else the live one, else the model of the newest observed prediction
  const model = await defaultModelOf(ctx, await ctx.api('api/replay/models'));
  expectEqual('replay', 'model shown', await text(view, 'replay-model', 'replay'), model ?? '—');
  const mq = model ? `model=${encodeURIComponent(model)}` : '';
  const data = await ctx.api(`api/replay?top=20${mq ? `&${mq}` : ''}`);
  const s = data.stats;
  expectEqual('replay', 'samples held', await text(view, 'replay-total', 'replay'), count(s.total));
  expectEqual('replay', 'capacity', await text(view, 'replay-max-size', 'replay'), count(s.maxSize));
  let filtered = null;
  if (s.total > 0) {
    for (const [r, n] of Object.entries(s.byRegime))
      expectEqual('replay', `regime ${r}`, await text(view, `replay-regime-${r}`, 'replay'), count(n));
    for (const [l, n] of Object.entries(s.byLabel))
      expectEqual('replay', `label ${l}`, await text(view, `replay-label-${l}`, 'replay'), count(n));
    // the table lists every buffered error worst first (held-out ones too: the training export leaves them out)
    const all = await ctx.api(`api/replay?top=1000${mq ? `&${mq}` : ''}`);
    const ids = () =>
      view
        .locator('[data-testid^="replay-error-row-"]')
        .evaluateAll((els) => els.map((e) => e.dataset.testid.slice('replay-error-row-'.length)));
    const shown = await ids();
    expectEqual(
      'replay',
      'buffered errors (ids, worst first)',
      shown.join(','),
      all.top
        .slice(0, shown.length)
        .map((r) => String(r.bufferId))
        .join(','),
    );
    expectEqual(
      'replay',
      'the worst errors',
      shown.slice(0, data.top.length).join(','),
      data.top.map((e) => String(e.bufferId)).join(','),
    );
    expectEqual(
      'replay',
      'errors shown',
      await text(view, 'replay-shown', 'replay'),
      `${count(all.top.length)} of ${count(all.top.length)}`,
    );
    if (ctx.screen.name === 'desktop') filtered = await checkReplayFilters(ctx, view, all.top, ids, mq);
  }
  await checkLayout(ctx, 'replay');
  await shoot('replay');
  return { model, total: s.total, topErrors: data.top.length, filtered };
}

/**
 * The buffer's filters: a confidence floor, then also the most frequent symbol's sector (or the
 * symbol when there is no sector filter); the rows shown and the downloaded CSV hold exactly the
 * export's rows that pass them. Clears the filters again.
 */
async function checkReplayFilters(ctx, view, rows, ids, mq) {
  const floor = 0.7;
  await view.locator(tid('replay-filter-confidence')).selectOption(String(floor));
  let want = rows.filter((r) => r.confidence >= floor);
  const bySymbol = new Map();
  for (const r of want) bySymbol.set(r.symbol, (bySymbol.get(r.symbol) ?? 0) + 1);
  const symbol = [...bySymbol].sort((a, b) => b[1] - a[1])[0]?.[0];
  let sector = null;
  if ((await view.locator(tid('replay-filter-sector')).count()) === 1 && symbol) {
    const doc = await ctx.api(`api/sectors?${mq}&symbols=true`);
    const sectorOf = new Map(doc.symbols.map((y) => [y.symbol, y.sectors]));
    sector = sectorOf.get(symbol)?.[0] ?? null;
    if (sector) {
      await view.locator(tid('replay-filter-sector')).selectOption(sector);
      want = want.filter((r) => (sectorOf.get(r.symbol) ?? []).includes(sector));
    }
  } else if (symbol) {
    await view.locator(tid('replay-filter-symbol')).selectOption(symbol);
    want = want.filter((r) => r.symbol === symbol);
  }
  expectEqual(
    'replay',
    'errors shown when filtered',
    await text(view, 'replay-shown', 'replay'),
    `${count(want.length)} of ${count(rows.length)}`,
  );
  expectEqual(
    'replay',
    'filtered rows (ids, worst first)',
    (await ids()).join(','),
    want
      .slice(0, 100)
      .map((r) => String(r.bufferId))
      .join(','),
  );
  const [download] = await Promise.all([
    ctx.page.waitForEvent('download'),
    view.locator(tid('replay-download-csv')).click(),
  ]);
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.trim().split('\n');
  expectEqual('replay', 'CSV header', lines[0]?.split(',').slice(0, 4).join(','), 'id,modelVersion,bufferId,symbol');
  expectEqual(
    'replay',
    'CSV rows (buffer ids)',
    lines
      .slice(1)
      .map((l) => l.split(',')[2])
      .join(','),
    want.map((r) => String(r.bufferId)).join(','),
  );
  const href = await view.locator(tid('replay-export-link')).getAttribute('href');
  const full = await fetch(new URL(href, ctx.base));
  if (!full.ok || !/text\/csv/.test(full.headers.get('content-type') ?? ''))
    throw new DashboardCheckError(
      'replay',
      `the training export link ${href} answered ${full.status} ${full.headers.get('content-type')}`,
    );
  for (const id of ['replay-filter-confidence', 'replay-filter-sector', 'replay-filter-symbol'])
    if ((await view.locator(tid(id)).count()) === 1)
      await view.locator(tid(id)).selectOption(id.endsWith('confidence') ? '0' : '');
  return { floor, sector, symbol: sector ? null : symbol, rows: want.length, csvRows: lines.length - 1 };
}

/** `api/gate/latest` of one model (null: every model's newest). */
const latestOf = (ctx, model) => ctx.api(`api/gate/latest${model ? `?model=${encodeURIComponent(model)}` : ''}`);

/** The latest decision the gate view shows: its model label and report id (empty: none). */
async function shownLatest(view) {
  const model = await view.locator(tid('gate-latest-model')).getAttribute('data-model');
  const id = (await view.locator(tid('gate-latest-id')).count()) ? await text(view, 'gate-latest-id', 'gate') : '';
  return { model, id };
}

/** The checks table shows the report's checks: status, value and threshold of each. */
async function expectChecks(view, report) {
  expectEqual(
    'gate',
    'number of checks',
    await view.locator('[data-testid^="check-row-"]').count(),
    report.checks.length,
  );
  for (const c of report.checks) {
    expectEqual('gate', `${c.id} status`, await text(view, `check-status-${c.id}`, 'gate'), c.status);
    const shownValue = await view.locator(tid(`check-value-${c.id}`)).getAttribute('data-value');
    expectEqual('gate', `${c.id} value`, shownValue === '' ? null : Number(shownValue), c.value ?? null);
    const shownThr = await view.locator(tid(`check-threshold-${c.id}`)).getAttribute('data-value');
    expectEqual('gate', `${c.id} threshold`, shownThr === '' ? null : Number(shownThr), c.threshold ?? null);
  }
}

async function checkGateFigures(ctx, shoot) {
  const view = await openView(ctx, 'gate', 'gate');
  // the latest decision is the live model's (what every view shows by default), not the newest of any model
  const live = await liveModelOf(ctx);
  const [latest, history, verify, production, comparison] = await Promise.all([
    latestOf(ctx, live),
    ctx.api('api/gate/history?limit=50&offset=0'),
    ctx.api('api/gate/verify'),
    ctx.api('api/gate/production'),
    ctx.api('api/gate/shadows/compare'),
  ]);
  expectEqual('gate', 'model of the latest decision', (await shownLatest(view)).model, live ?? '*');
  if (latest === null) {
    if ((await view.locator(tid('gate-latest-empty')).count()) !== 1)
      throw new DashboardCheckError('gate', 'no report in the API but the page does not say so');
  } else {
    expectEqual('gate', 'latest report id', await text(view, 'gate-latest-id', 'gate'), `#${latest.id}`);
    // an override is shown as what it is, not as the REJECT the gate gave before the override
    expectEqual(
      'gate',
      'recommendation',
      await text(view, 'gate-recommendation', 'gate'),
      latest.action === 'override' ? 'OVERRIDE' : latest.recommendation,
    );
    // in production now (GET /api/gate/production, however old the row that put it there)
    expectEqual(
      'gate',
      'in production',
      (await text(view, 'gate-promoted', 'gate')).startsWith('yes'),
      Boolean(production && production.modelSha256 === latest.modelSha256),
    );
    await expectChecks(view, latest);
  }
  if (production === null) {
    if ((await view.locator(tid('gate-production-empty')).count()) !== 1)
      throw new DashboardCheckError('gate', 'nothing in production in the API but the page does not say so');
  } else {
    expectEqual('gate', 'production model', await text(view, 'gate-production-model', 'gate'), production.modelPath);
    expectEqual(
      'gate',
      'production model version',
      await text(view, 'gate-production-version', 'gate'),
      production.modelVersion ?? 'unknown (the row that put it there named none)',
    );
    expectEqual(
      'gate',
      'production row',
      (await text(view, 'gate-production-row', 'gate')).startsWith(
        `report #${production.historyId} · ${production.action}`,
      ),
      true,
    );
  }
  if (comparison === null) {
    if ((await view.locator(tid('gate-challenger-empty')).count()) !== 1)
      throw new DashboardCheckError('gate', 'no shadow in the API but the page does not say so');
  } else {
    expectEqual(
      'gate',
      'champion accuracy',
      await text(view, 'gate-challenger-champion-acc', 'gate'),
      pct(comparison.championAccuracy),
    );
    expectEqual(
      'gate',
      'challenger accuracy',
      await text(view, 'gate-challenger-acc', 'gate'),
      pct(comparison.challengerAccuracy),
    );
    // the chart ends where the comparison does: the difference over every paired row
    const chart = view.locator(tid('gate-challenger-chart'));
    if (comparison.byDay.length >= 2) {
      expectEqual(
        'gate',
        'challenger chart days',
        Number(await chart.getAttribute('data-days')),
        comparison.byDay.length,
      );
      expectEqual(
        'gate',
        'challenger chart final difference',
        signed(Number(await chart.getAttribute('data-final'))),
        signed(comparison.improvement),
      );
    }
    expectEqual(
      'gate',
      'challenger days shown',
      await view.locator('[data-testid^="challenger-day-"]').count(),
      comparison.byDay.length,
    );
  }
  expectEqual(
    'gate',
    'hash chain status',
    await text(view, 'gate-verify-status', 'gate'),
    verify.ok ? 'verified' : 'broken',
  );
  expectEqual('gate', 'history total', await text(view, 'gate-history-total', 'gate'), count(history.total));
  const shownIds = await view
    .locator('[data-testid^="history-row-"]')
    .evaluateAll((els) => els.map((e) => e.dataset.testid.slice('history-row-'.length)));
  expectEqual(
    'gate',
    'history rows (ids, newest first)',
    shownIds.join(','),
    history.rows
      .slice(0, shownIds.length)
      .map((r) => String(r.id))
      .join(','),
  );
  await checkLayout(ctx, 'gate');
  await shoot('gate');
  return {
    latestModel: live,
    latestId: latest?.id ?? null,
    recommendation: latest?.recommendation ?? null,
    checks: Object.fromEntries((latest?.checks ?? []).map((c) => [c.id, c.status])),
    chainOk: verify.ok,
    historyTotal: history.total,
    production: production?.historyId ?? null,
    challenger: comparison ? { model: comparison.shadow.model, days: comparison.days } : null,
    history,
  };
}

/**
 * The gate history with the top bar's filters: the newest row's model and data day, through the
 * link; the history table equals GET /api/gate/history with the same filters, and says which
 * filter applies. null when there is no history to filter.
 */
async function checkGateFiltered(ctx) {
  const { page } = ctx;
  const newest = (await ctx.api('api/gate/history?limit=1&offset=0')).rows[0];
  if (!newest) return null;
  // the model filter matches the modelVersion a row names (none: 'unknown'), not its file name
  const model = newest.modelVersion ?? 'unknown';
  const day = (newest.asOf ?? newest.timestamp).slice(0, 10);
  const filters = new URLSearchParams({ model, from: day, to: day });
  await page.evaluate((h) => {
    location.hash = h;
  }, `#/gate?${filters}`);
  // the same view re-renders: wait for the filtered one (it names its filter)
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="view-gate"]')?.dataset.state === 'ready' &&
      document.querySelector('[data-testid="gate-history-filter"]') !== null,
  );
  const view = page.locator('[data-testid="view-gate"]');
  const history = await ctx.api(`api/gate/history?${filters}&limit=50&offset=0`);
  if (history.total < 1)
    throw new DashboardCheckError('gate', `the filtered history (${filters}) lost the row it was built from`);
  const label = await text(view, 'gate-history-filter', 'gate');
  if (!label.includes(`model ${model}`) || !label.includes(`${day} to ${day}`))
    throw new DashboardCheckError('gate', `the history does not say which filter applies: ${JSON.stringify(label)}`);
  expectEqual('gate', 'filtered history total', await text(view, 'gate-history-total', 'gate'), count(history.total));
  const shownIds = await view
    .locator('[data-testid^="history-row-"]')
    .evaluateAll((els) => els.map((e) => e.dataset.testid.slice('history-row-'.length)));
  expectEqual(
    'gate',
    'filtered history rows (ids, newest first)',
    shownIds.join(','),
    history.rows
      .slice(0, shownIds.length)
      .map((r) => String(r.id))
      .join(','),
  );
  // the latest decision follows the top bar's model (its dates do not apply to it)
  const latest = await latestOf(ctx, model);
  const shown = await shownLatest(view);
  expectEqual('gate', 'model of the latest decision (filtered)', shown.model, model);
  expectEqual('gate', 'latest decision of the filtered model', shown.id, latest ? `#${latest.id}` : '');
  if (latest) await expectChecks(view, latest);
  // "all models" (model=*, the link beside the model): every model's newest decision, the whole history
  await view.locator(tid('gate-latest-all')).click();
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="view-gate"]')?.dataset.state === 'ready' &&
      document.querySelector('[data-testid="gate-latest-model"]')?.dataset.model === '*',
  );
  const every = page.locator('[data-testid="view-gate"]');
  const [newestDecision, all] = await Promise.all([
    latestOf(ctx, null),
    ctx.api(`api/gate/history?${new URLSearchParams({ model: '*', from: day, to: day })}&limit=50&offset=0`),
  ]);
  expectEqual(
    'gate',
    'latest decision of every model',
    (await shownLatest(every)).id,
    newestDecision ? `#${newestDecision.id}` : '',
  );
  expectEqual('gate', 'history total, every model', await text(every, 'gate-history-total', 'gate'), count(all.total));
  expectEqual('gate', 'model picker, every model', await page.locator(tid('filter-model')).inputValue(), '*');
  return {
    model,
    from: day,
    to: day,
    total: history.total,
    latestId: latest?.id ?? null,
    checks: Object.fromEntries((latest?.checks ?? []).map((c) => [c.id, c.status])),
    every: { latestId: newestDecision?.id ?? null, total: all.total },
  };
}

async function checkOverride(ctx, shoot, { history }) {
  let view = await openView(ctx, 'gate', 'gate');
  // Override without the token: the server refuses, the page shows its refusal, nothing is written.
  // The model overridden: the newest decision of any model (a candidate), with its modelVersion.
  const newest = (await latestOf(ctx, null)) ?? history.rows[0];
  const modelPath = newest?.modelPath;
  if (!modelPath)
    throw new DashboardCheckError('gate', 'no report to override: seed the server with at least one validation first');
  const actor = 'dashboard-check';
  const reason = `browser check of the override form at ${new Date().toISOString()}`;
  const form = view.locator(tid('override-form'));
  await form.locator(tid('override-model-path')).fill(modelPath);
  await form.locator(tid('override-model-version')).fill(newest.modelVersion ?? '');
  await form.locator(tid('override-actor')).fill(actor);
  await form.locator(tid('override-reason')).fill(reason);
  await form.locator(tid('override-token')).fill('');
  await form.locator(tid('override-submit')).click();
  const result = view.locator(tid('override-result'));
  await view.locator('[data-testid="override-result"][data-outcome="error"]').waitFor();
  const refusal = (await result.textContent()) ?? '';
  if (!/401|unauthori[sz]ed/i.test(refusal))
    throw new DashboardCheckError(
      'gate',
      `override without a token: expected the server's 401 refusal on the page, got ${JSON.stringify(refusal)}`,
    );
  const after = await ctx.api('api/gate/history?limit=50&offset=0');
  expectEqual('gate', 'history total after a refused override', after.total, history.total);
  expectEqual(
    'gate',
    'newest history row after a refused override',
    after.rows[0]?.id ?? null,
    history.rows[0]?.id ?? null,
  );
  await shoot('gate-override-refused');

  // With the token: a new override report appears in the API and on the page.
  await form.locator(tid('override-token')).fill(ctx.token);
  await form.locator(tid('override-submit')).click();
  view = ctx.page.locator('[data-testid="view-gate"][data-state="ready"]');
  await view.locator('[data-testid="override-result"][data-outcome="success"]').waitFor();
  const done = await ctx.api('api/gate/history?limit=50&offset=0');
  expectEqual('gate', 'history total after the override', done.total, history.total + 1);
  const row = done.rows[0];
  if (row?.action !== 'override' || row.actor !== actor)
    throw new DashboardCheckError(
      'gate',
      `expected a new override row by ${actor} at the top of the history, got ${JSON.stringify(row)}`,
    );
  expectEqual(
    'gate',
    `history row #${row.id} action`,
    await text(view, `history-action-${row.id}`, 'gate'),
    'override',
  );
  // the latest decision shown is the live model's after the override (which made it live, on the real gate)
  const liveAfter = await liveModelOf(ctx);
  const latestAfter = await latestOf(ctx, liveAfter);
  const shownAfter = await shownLatest(view);
  expectEqual('gate', 'model of the latest decision after the override', shownAfter.model, liveAfter ?? '*');
  expectEqual('gate', 'latest report after the override', shownAfter.id, latestAfter ? `#${latestAfter.id}` : '');
  expectEqual(
    'gate',
    'history total shown after the override',
    await text(view, 'gate-history-total', 'gate'),
    count(done.total),
  );
  await shoot('gate-override-recorded');
  return {
    overrideRefusal: refusal.trim(),
    overrideReportId: row.id,
    latestAfterOverride: latestAfter?.id ?? null,
  };
}
