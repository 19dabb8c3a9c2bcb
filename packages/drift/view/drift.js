// Drift of one model over time (the model picked in the top bar, else the live one, else the one checked last):
// its episodes (one retraining request each while the model is live) shaded as spans on every chart; each feature's
// window KS D against its calibrated threshold; the baseline vs window distribution of a feature
// at one check (ECDFs, with D drawn where it lies); the regime mix; the prediction drift.
// The route's param picks the feature and check: #/drift/<feature>[@<step>].
import { getJson } from '../../js/api.js';
import {
  COLORS,
  baseOptions,
  chartHeight,
  legend,
  resizeWith,
  spansPlugin,
  stepSeconds,
  timeAxes,
  uplot,
} from '../../js/charts.js';
import { emptyState, h, panel, stat, table } from '../../js/dom.js';
import { apiQuery, describeFilters, filterQuery } from '../../js/filters.js';
import { count, num, pct } from '../../js/format.js';
import { orderRegimes, regimeLabel } from '../../js/regimes.js';

export async function renderDrift(root, ctx) {
  const uPlot = uplot();
  // the top bar's model, else the live one (the series route's own default is the model checked last)
  const model = ctx.filters.model ?? ctx.liveModel ?? undefined;
  const doc = await getJson(`api/drift/series${apiQuery({ ...ctx.filters, model })}`);
  ctx.reportModels(doc.models);
  const [paramFeature, paramStep] = String(ctx.param ?? '').split('@');
  const features = ranked(doc.features);
  const feature = features.find((f) => f.feature === paramFeature) ?? features[0];
  const go = (f, step) => {
    location.hash = `#/drift/${encodeURIComponent(step ? `${f}@${step}` : f)}${filterQuery(ctx.filters)}`;
  };
  const spans = doc.episodes.map((e) => ({
    from: stepSeconds(e.onset),
    to: e.end ? stepSeconds(e.end) : null,
  }));
  const filtered = describeFilters(ctx.filters);

  const lastFeatureStep = features.reduce((m, f) => (f.last && f.last.step > m ? f.last.step : m), '');
  const driftedNow = features.filter((f) => f.last?.drifted && f.last.step === lastFeatureStep).length;
  const untestableNow = features.filter(
    (f) => f.last?.status === 'untestable' && f.last.step === lastFeatureStep,
  ).length;
  root.append(
    h(
      'div',
      { class: 'stats' },
      stat(
        'Model',
        doc.model ?? '—',
        'drift-model',
        ctx.filters.model
          ? 'picked in the top bar'
          : ctx.liveModel
            ? 'the live model; pick another above'
            : doc.model
              ? 'checked last; pick another above'
              : 'no checks yet',
      ),
      stat(
        'Drift episodes',
        count(doc.episodes.length),
        'drift-episode-count',
        `${count(doc.episodes.filter((e) => e.status === 'open').length)} open · ${count(doc.episodes.filter((e) => e.retrainingRequested !== false).length)} requested retraining`,
      ),
      stat(
        'Features drifted',
        lastFeatureStep ? `${driftedNow} of ${features.length}` : '—',
        'drift-features-drifted',
        lastFeatureStep
          ? `at the last check, ${lastFeatureStep}${untestableNow ? ` · ${untestableNow} untestable (cannot flag)` : ''}`
          : 'no feature check yet',
      ),
      stat('Window checks', count(feature?.points.length ?? 0), 'drift-check-count', filtered || 'whole history'),
    ),
  );

  if (doc.model === null) {
    root.append(
      panel(
        'Drift',
        null,
        emptyState(
          'drift-empty',
          'No drift checks recorded yet.',
          'Checks start once a model has a baseline and a full window of steps.',
        ),
      ),
    );
    return;
  }

  root.append(panel('Drift episodes', 'onset to end, shaded on the charts below', episodesTable(doc.episodes)));

  const plots = [];
  const draws = [];
  const spanNote = spans.length ? ', episodes shaded' : '';
  if (feature) {
    const box = h('div', { class: 'chart', testid: 'drift-feature-chart', data: { feature: feature.feature } });
    const picker = h(
      'select',
      {
        class: 'inline-select',
        testid: 'drift-feature-picker',
        'aria-label': 'feature',
        onchange: (e) => go(e.target.value),
      },
      features.map((f) => h('option', { value: f.feature, selected: f === feature }, f.feature)),
    );
    root.append(
      panel(
        'Feature drift over time',
        `KS D of each window check against the baseline, per feature; dashed: its calibrated threshold${spanNote}. Tap a point for its distributions.`,
        h('div', { class: 'chart-meta' }, h('label', { class: 'filter' }, h('span', {}, 'Feature'), picker)),
        box,
        legend(
          [
            [`${feature.feature}: KS D`, COLORS[0]],
            ['threshold', '#6b7280', 'dash'],
            ['over threshold', '#dc2626', 'dot'],
            ...(spans.length ? [['drift episode', 'rgba(220,38,38,0.25)', 'area']] : []),
          ],
          'drift-feature-legend',
        ),
        featuresTable(features, feature, go),
      ),
    );
    draws.push(() => plots.push(featureChart(uPlot, box, feature, spans, (step) => go(feature.feature, step))));

    // the check asked for in the link, else the latest one charted (within the top bar's dates)
    const got = await distribution(doc.model, feature.feature, paramStep || feature.points.at(-1)?.step);
    const dist = got.error ? null : got;
    const ecdfBox = h('div', { class: 'chart', testid: 'drift-ecdf-chart' });
    const steps = [...feature.points].reverse();
    const stepPicker = h(
      'select',
      {
        class: 'inline-select',
        testid: 'drift-step-picker',
        'aria-label': 'window check',
        onchange: (e) => go(feature.feature, e.target.value),
      },
      steps.map((p) => h('option', { value: p.step, selected: dist && p.step === dist.check.step }, p.step)),
    );
    root.append(
      panel(
        `Baseline vs window: ${feature.feature}`,
        'empirical CDFs of the baseline and of the window the check compared (values rebuilt from the prediction log)',
        h('div', { class: 'chart-meta' }, h('label', { class: 'filter' }, h('span', {}, 'Check'), stepPicker)),
        dist ? ksSummary(dist) : emptyState('drift-ecdf-empty', 'No distribution for this check.', got.error),
        ecdfBox,
        legend(
          [
            [`baseline (n=${count(dist?.baseline.n)})`, '#6b7280'],
            [`window (n=${count(dist?.window.n)})`, COLORS[0]],
            ['KS D', dist?.check.drifted ? '#dc2626' : '#111827', 'bar'],
            ['threshold', '#9ca3af', 'dash'],
          ],
          'drift-ecdf-legend',
        ),
      ),
    );
    if (dist) draws.push(() => plots.push(ecdfChart(uPlot, ecdfBox, dist)));
  } else {
    // checks that compared nothing say why (e.g. a challenger that has not run its baseline's steps)
    const why = doc.insufficient?.at(-1)?.reason;
    root.append(
      panel(
        'Feature drift over time',
        null,
        emptyState(
          'drift-empty-feature',
          why ? 'No window check has compared anything yet.' : 'No feature checks yet.',
          why ? `The checks say: ${why}.` : undefined,
        ),
      ),
    );
  }

  const regimeBox = h('div', { class: 'chart', testid: 'drift-regime-chart' });
  const regimes = orderRegimes(doc.regimes.flatMap((r) => [...Object.keys(r.mix), ...Object.keys(r.baseline)]));
  const lastRegime = doc.regimes.at(-1);
  root.append(
    panel(
      'Regime mix over time',
      `share of each market regime in the window of each regime check${spanNote}; the baseline's share in brackets`,
      doc.regimes.length ? regimeBox : emptyState('drift-empty-regime', 'No regime checks yet.'),
      doc.regimes.length
        ? legend(
            regimes.map((r, i) => [
              `${regimeLabel(r)} (${pct(lastRegime?.baseline[r] ?? 0)})`,
              COLORS[i % COLORS.length],
              'area',
            ]),
            'drift-regime-legend',
          )
        : null,
    ),
  );
  if (doc.regimes.length) draws.push(() => plots.push(regimeChart(uPlot, regimeBox, doc.regimes, regimes, spans)));

  const predBox = h('div', { class: 'chart', testid: 'drift-prediction-chart' });
  root.append(
    panel(
      'Prediction drift',
      `class-mix distance and confidence KS D of each window check; dashed and dotted: the line each must cross to flag at that check (the alert threshold ${num(doc.thresholds.prediction)} or, when higher, where the design-effect corrected test reaches its significance level); red: flagged checks${spanNote}`,
      doc.predictions.length ? predBox : emptyState('drift-empty-prediction', 'No prediction checks yet.'),
      doc.predictions.length
        ? legend(
            [
              ['class-mix distance', COLORS[4]],
              ['its threshold', COLORS[4], 'dash'],
              ['confidence D', COLORS[1]],
              ['its threshold', COLORS[1], 'dash'],
              ['flagged', '#dc2626', 'dot'],
              ...(spans.length ? [['drift episode', 'rgba(220,38,38,0.25)', 'area']] : []),
            ],
            'drift-prediction-legend',
          )
        : null,
    ),
  );
  if (doc.predictions.length) draws.push(() => plots.push(predictionChart(uPlot, predBox, doc.predictions, spans)));

  // Charts need their card's width: drawn once the view is on the page.
  ctx.afterMount = () => {
    for (const d of draws) d();
  };
  return resizeWith(plots);
}

/** A feature check's threshold as shown: 'untestable' when it has none because it cannot flag. */
function thresholdText(check) {
  return check?.status === 'untestable' ? 'untestable' : num(check?.threshold);
}

/** Features with their latest check, the most drifted (D over threshold) first. */
function ranked(features) {
  return features
    .map((f) => {
      const last = f.points.at(-1);
      const over = f.points.filter((p) => p.drifted).length;
      // an untestable feature (no threshold: it cannot flag) ranks after every testable one
      const ratio =
        last?.status === 'untestable' ? -1 : last?.threshold ? last.statistic / last.threshold : (last?.statistic ?? 0);
      return { ...f, last, over, ratio };
    })
    .sort((a, b) => b.over - a.over || b.ratio - a.ratio || a.feature.localeCompare(b.feature));
}

async function distribution(model, feature, step) {
  try {
    const q = new URLSearchParams({ model, feature });
    if (step) q.set('step', step);
    return (
      (await getJson(`api/drift/distribution?${q}`)) ?? { error: 'no window check recorded at or before this step' }
    );
  } catch (err) {
    if (err.status === 404) return { error: err.message };
    throw err;
  }
}

function episodesTable(episodes) {
  if (episodes.length === 0)
    return emptyState(
      'drift-episodes-empty',
      'No drift episodes.',
      'No CUSUM stayed above its threshold in this range.',
    );
  const wrap = table(
    [
      ['Onset'],
      ['End'],
      ['Steps', 'num', 'steps from onset to the last step in drift'],
      ['Peak', 'num', 'largest CUSUM sum, in reference sds'],
      ['Statistics'],
    ],
    [...episodes].reverse().map((e) =>
      h(
        'tr',
        { testid: `drift-episode-row-${e.id}`, class: e.status === 'open' ? 'is-alert' : '' },
        h('td', { class: 'mono', testid: `drift-episode-onset-${e.id}` }, e.onset),
        h('td', { class: 'mono', testid: `drift-episode-end-${e.id}` }, e.end ?? 'open'),
        h('td', { class: 'num' }, count(e.steps)),
        h('td', { class: 'num strong', testid: `drift-episode-peak-${e.id}` }, num(e.peak, 2)),
        h(
          'td',
          { class: 'details', testid: `drift-episode-statistics-${e.id}` },
          e.statistics.join(', ') || '—',
          // only the live model's episodes ask for retraining: say why this one did not
          e.retrainingRequested === false ? ` · no retraining request (${e.standing})` : '',
        ),
      ),
    ),
    { class: 'data', 'data-testid': 'drift-episodes-table' },
  );
  return wrap;
}

function featuresTable(features, selected, go) {
  const wrap = table(
    [
      ['Feature'],
      ['Last D', 'num'],
      ['Threshold', 'num'],
      ['D / threshold', 'num'],
      ['Checks over', 'num', 'window checks whose D exceeded the threshold'],
    ],
    features.map((f) =>
      h(
        'tr',
        {
          class: `clickable${f === selected ? ' is-selected' : ''}${f.last?.drifted ? ' is-weak' : ''}`,
          testid: `drift-feature-row-${f.feature}`,
          tabindex: 0,
          onclick: () => go(f.feature),
          onkeydown: (e) => {
            if (e.key === 'Enter') go(f.feature);
          },
        },
        h('td', { class: 'name mono' }, f.feature),
        h('td', { class: 'num strong', testid: `drift-feature-last-${f.feature}` }, num(f.last?.statistic)),
        h(
          'td',
          {
            class: `num${f.last?.status === 'untestable' ? ' muted' : ''}`,
            testid: `drift-feature-threshold-${f.feature}`,
            title:
              f.last?.status === 'untestable'
                ? 'its calibrated threshold is above 1 (the largest D there is): the window holds too few effective values to flag it'
                : undefined,
          },
          thresholdText(f.last),
        ),
        h('td', { class: 'num muted' }, f.last?.threshold ? num(f.last.statistic / f.last.threshold, 2) : '—'),
        h('td', { class: 'num', testid: `drift-feature-over-${f.feature}` }, `${f.over} of ${f.points.length}`),
      ),
    ),
    { class: 'data compact sticky-first', 'data-testid': 'drift-features-table' },
  );
  wrap.classList.add('scroll', 'scroll-short');
  return wrap;
}

function ksSummary(d) {
  const over = d.check.threshold !== null && d.check.statistic > d.check.threshold;
  // the baseline is the model's current one: after a new baseline the D drawn is not the one recorded
  const stale = d.baseline.sameAsCheck !== true;
  const meta = h(
    'div',
    { class: 'chart-meta' },
    h('span', {}, 'check ', h('b', { testid: 'drift-ks-step' }, d.check.step)),
    h(
      'span',
      { class: over ? 'alerting' : '' },
      'KS D ',
      h('b', { testid: 'drift-ks-d' }, num(d.ks.statistic)),
      ` at ${num(d.ks.at, 4)}`,
    ),
    h('span', {}, 'threshold ', h('b', { testid: 'drift-ks-threshold' }, thresholdText(d.check))),
    h('span', {}, 'recorded D ', h('b', { testid: 'drift-ks-recorded' }, num(d.check.statistic))),
    h(
      'span',
      {},
      'window ',
      h('b', {}, `${d.window.firstStep} to ${d.window.lastStep}`),
      ` (${count(d.window.steps)} steps)`,
    ),
  );
  if (!stale) return meta;
  return h(
    'div',
    {},
    meta,
    h(
      'p',
      { class: 'notice notice-inline', testid: 'drift-ks-baseline-changed' },
      d.baseline.sameAsCheck === false
        ? `This D is not the one the check recorded (${num(d.check.statistic)}): the model's baseline has been replaced since, and the ECDFs and D drawn here are against the current baseline (n=${count(d.baseline.n)}).`
        : `This check did not record which baseline it used: the ECDFs and D drawn here are against the current baseline (n=${count(d.baseline.n)}), and equal the recorded D (${num(d.check.statistic)}) only if it has not been replaced since.`,
    ),
  );
}

function featureChart(uPlot, box, feature, spans, onPick) {
  const pts = feature.points;
  const xs = pts.map((p) => stepSeconds(p.step));
  const d = pts.map((p) => p.statistic);
  const thr = pts.map((p) => p.threshold);
  const over = pts.map((p) => (p.drifted ? p.statistic : null));
  const top = Math.max(0.05, ...d, ...thr.filter((t) => t !== null));
  const opts = {
    ...baseOptions(box),
    scales: { x: { time: true }, y: { range: [0, Math.min(1, top * 1.15)] } },
    series: [
      {},
      { label: 'KS D', stroke: COLORS[0], width: 1.5, points: { show: pts.length < 80, size: 5 } },
      { label: 'threshold', stroke: '#6b7280', width: 1, dash: [6, 4], points: { show: false } },
      {
        label: 'over threshold',
        stroke: '#dc2626',
        width: 0,
        paths: () => null,
        points: { show: true, size: 7, width: 1, stroke: '#ffffff', fill: '#dc2626' },
      },
    ],
    axes: timeAxes((v) => v.toFixed(2)),
    plugins: [
      spansPlugin(spans),
      readout(
        box,
        (i) =>
          pts[i] &&
          `${pts[i].step} · D ${num(pts[i].statistic)} · threshold ${num(pts[i].threshold)}${pts[i].drifted ? ' · over' : ''}`,
      ),
    ],
  };
  const plot = new uPlot(opts, [xs, d, thr, over], box);
  box.dataset.points = String(plot.data[1].filter((v) => v != null).length);
  box.dataset.overThreshold = String(plot.data[3].filter((v) => v != null).length);
  box.dataset.spans = String(spans.length);
  // a tap on the chart picks the nearest check for the distribution panel
  plot.over.addEventListener('click', () => {
    const i = plot.cursor.idx;
    if (i !== null && i !== undefined && pts[i]) onPick(pts[i].step);
  });
  return plot;
}

/** A line under the chart that says what the cursor is on (uPlot's legend is off: it does not wrap on a phone). */
function readout(box, describe) {
  const line = h('p', { class: 'chart-readout', 'aria-live': 'polite' }, 'hover or tap the chart for values');
  box.after(line);
  return {
    hooks: {
      setCursor: [
        (u) => {
          const i = u.cursor.idx;
          line.textContent = (i !== null && i !== undefined && describe(i)) || 'hover or tap the chart for values';
        },
      ],
    },
  };
}

/** The two ECDFs on one x axis (every value of both), stepped; D drawn as a bar where it lies. */
function ecdfChart(uPlot, box, dist) {
  const xs = [...new Set([...dist.baseline.ecdf.map((p) => p[0]), ...dist.window.ecdf.map((p) => p[0])])].sort(
    (a, b) => a - b,
  );
  const at = (pts) => {
    let j = -1;
    return xs.map((x) => {
      while (j + 1 < pts.length && pts[j + 1][0] <= x) j++;
      return j < 0 ? 0 : pts[j][1];
    });
  };
  const stepped = uPlot.paths.stepped({ align: 1 });
  const ks = dist.ks;
  const thr = dist.check.threshold;
  const drawD = {
    hooks: {
      draw: [
        (u) => {
          const c = u.ctx;
          const x = u.valToPos(ks.at, 'x', true);
          const lo = Math.min(ks.baselineCdf, ks.windowCdf);
          const hi = Math.max(ks.baselineCdf, ks.windowCdf);
          c.save();
          c.lineWidth = 3 * devicePixelRatio;
          c.strokeStyle = dist.check.drifted ? '#dc2626' : '#111827';
          c.beginPath();
          c.moveTo(x, u.valToPos(lo, 'y', true));
          c.lineTo(x, u.valToPos(hi, 'y', true));
          c.stroke();
          if (typeof thr === 'number') {
            // the threshold as a length beside D, from the same lower CDF
            const tx = x + 7 * devicePixelRatio;
            c.lineWidth = 2 * devicePixelRatio;
            c.strokeStyle = '#9ca3af';
            c.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
            c.beginPath();
            c.moveTo(tx, u.valToPos(lo, 'y', true));
            c.lineTo(tx, u.valToPos(Math.min(1, lo + thr), 'y', true));
            c.stroke();
          }
          c.restore();
        },
      ],
    },
  };
  const opts = {
    ...baseOptions(box, chartHeight(260)),
    scales: { x: { time: false }, y: { range: [0, 1] } },
    series: [
      { value: (_u, v) => (v == null ? '—' : v.toPrecision(4)) },
      { label: 'baseline', stroke: '#6b7280', width: 1.5, paths: stepped, points: { show: false } },
      { label: 'window', stroke: COLORS[0], width: 1.5, paths: stepped, points: { show: false } },
    ],
    axes: [
      {
        stroke: '#6b7280',
        grid: { stroke: '#eef0f3' },
        ticks: { stroke: '#e5e7eb' },
        size: 36,
        values: (_u, vals) => vals.map((v) => +v.toPrecision(3)),
      },
      {
        stroke: '#6b7280',
        size: 44,
        grid: { stroke: '#eef0f3' },
        ticks: { stroke: '#e5e7eb' },
        values: (_u, vals) => vals.map((v) => v.toFixed(1)),
      },
    ],
    plugins: [drawD],
  };
  const plot = new uPlot(opts, [xs, at(dist.baseline.ecdf), at(dist.window.ecdf)], box);
  box.dataset.ksAt = String(ks.at);
  return plot;
}

/** Stacked shares of each regime per check (cumulative series filled down to the one below). */
function regimeChart(uPlot, box, points, regimes, spans) {
  const xs = points.map((p) => stepSeconds(p.step));
  const cum = [];
  let acc = points.map(() => 0);
  for (const r of regimes) {
    acc = acc.map((a, i) => a + (points[i].mix[r] ?? 0));
    cum.push(acc);
  }
  const series = [{}];
  const bands = [];
  regimes.forEach((r, i) => {
    const color = COLORS[i % COLORS.length];
    series.push({ label: regimeLabel(r), stroke: color, width: 1, fill: `${color}55`, points: { show: false } });
    if (i > 0) bands.push({ series: [i + 1, i], fill: `${color}55` });
  });
  // the first series fills to zero; the others fill only down to the series below them
  for (let i = 2; i < series.length; i++) series[i].fill = undefined;
  const opts = {
    ...baseOptions(box, chartHeight(200)),
    scales: { x: { time: true }, y: { range: [0, 1] } },
    series,
    bands,
    axes: timeAxes((v) => `${Math.round(v * 100)}%`),
    plugins: [spansPlugin(spans, 'rgba(17, 24, 39, 0.08)')],
  };
  const plot = new uPlot(opts, [xs, ...cum], box);
  box.dataset.points = String(xs.length);
  return plot;
}

function predictionChart(uPlot, box, points, spans) {
  const xs = points.map((p) => stepSeconds(p.step));
  const val = (k) => points.map((p) => p[k]);
  const cls = val('classDistance');
  const clsThr = val('classThreshold');
  const conf = val('confidenceD');
  const confThr = val('confidenceThreshold');
  const flagged = points.map((p) => (p.detected ? Math.max(p.classDistance ?? 0, p.confidenceD ?? 0) : null));
  const top = Math.max(0.2, ...[...cls, ...clsThr, ...conf, ...confThr].filter((v) => v !== null && v <= 1));
  const opts = {
    ...baseOptions(box, chartHeight(180)),
    scales: { x: { time: true }, y: { range: [0, Math.min(1, top * 1.15)] } },
    series: [
      {},
      { label: 'class-mix distance', stroke: COLORS[4], width: 1.5, points: { show: false } },
      { label: 'its threshold', stroke: COLORS[4], width: 1, dash: [6, 4], points: { show: false } },
      { label: 'confidence D', stroke: COLORS[1], width: 1.5, points: { show: false } },
      { label: 'its threshold', stroke: COLORS[1], width: 1, dash: [2, 3], points: { show: false } },
      { label: 'flagged', stroke: '#dc2626', width: 0, points: { show: true, size: 7, fill: '#dc2626' } },
    ],
    axes: timeAxes((v) => v.toFixed(2)),
    plugins: [spansPlugin(spans)],
  };
  const plot = new uPlot(opts, [xs, cls, clsThr, conf, confThr, flagged], box);
  box.dataset.points = String(xs.length);
  box.dataset.flagged = String(points.filter((p) => p.detected).length);
  return plot;
}

/** The view contract: the dashboard imports this module and calls `render(root, ctx)`. */
export const render = renderDrift;
