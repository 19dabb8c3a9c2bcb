// Fixture documents for the drift view's routes (GET api/drift/series, api/drift/distribution),
// shaped as packages/drift/src/DriftSeries.ts and DriftDistribution.ts answer: two models, three
// features checked every 5 weekdays over 2015, a shock around 24 Aug 2015 (an episode), regimes
// and prediction checks. Filters by model and day range as the real route does.

const MODELS = ['m1', 'm2'];
const FEATURES = ['volatility_20d', 'return_5d', 'volume_z'];
const THRESHOLD = { volatility_20d: 0.3, return_5d: 0.25, volume_z: 0.35 } as Record<string, number>;
const ALERT = 0.15;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Check steps of a model: m1 all of 2015, m2 from July (a later model). */
function steps(model: string): string[] {
  const out: string[] = [];
  let n = 0;
  for (let t = Date.parse('2015-01-02T00:00:00Z'); t <= Date.parse('2015-12-31T00:00:00Z'); t += 86_400_000) {
    const wd = new Date(t).getUTCDay();
    if (wd === 0 || wd === 6) continue;
    if (n++ % 5 === 0 && (model === 'm1' || day(t) >= '2015-07-01')) out.push(day(t));
  }
  return out;
}

const bump = (step: string) => {
  const d = (Date.parse(step) - Date.parse('2015-08-24')) / 86_400_000;
  return d >= -3 && d <= 40 ? Math.exp(-Math.abs(d - 6) / 10) : 0;
};

export function driftSeriesDocument(q: { model?: string; from?: string; to?: string }, empty = false) {
  const thresholds = { regime: ALERT, prediction: ALERT };
  if (empty)
    return {
      model: null,
      models: [],
      from: null,
      to: null,
      features: [],
      regimes: [],
      predictions: [],
      episodes: [],
      insufficient: [],
      thresholds,
    };
  const model = q.model ?? 'm2';
  const inRange = (s: string) => (!q.from || s >= q.from) && (!q.to || s <= q.to);
  const all = MODELS.includes(model) ? steps(model) : [];
  const rand = rng(model === 'm1' ? 11 : 22);
  let id = model === 'm1' ? 1 : 5000;
  const features = FEATURES.map((feature, k) => ({
    feature,
    points: all
      .map((step) => {
        const statistic = Math.round((0.05 + rand() * 0.1 + (k === 0 ? 0.5 : 0.2) * bump(step)) * 1e4) / 1e4;
        // m2's volume_z: a persistent level its window cannot test (calibrated threshold above 1)
        const untestable = model === 'm2' && feature === 'volume_z';
        const threshold = untestable ? null : (THRESHOLD[feature] as number);
        return {
          id: id++,
          step,
          timestamp: `${step}T21:00:00.000Z`,
          statistic,
          threshold,
          drifted: threshold !== null && statistic > threshold,
          status: untestable ? 'untestable' : 'tested',
        };
      })
      .filter((p) => inRange(p.step)),
  }));
  const regimes = all
    .map((step) => {
      const crash = Math.round(0.6 * bump(step) * 1e3) / 1e3;
      return {
        id: id++,
        step,
        timestamp: `${step}T21:00:00.000Z`,
        mix: { normal: Math.round((1 - crash - 0.1) * 1e3) / 1e3, high_volatility: 0.1, crash },
        baseline: { normal: 0.85, high_volatility: 0.1, crash: 0.05 },
        statistic: crash,
        detected: crash > ALERT,
      };
    })
    .filter((p) => inRange(p.step));
  const predictions = all
    .slice(1)
    .map((step) => {
      const cls = Math.round((0.04 + 0.2 * bump(step)) * 1e4) / 1e4;
      const conf = Math.round((0.05 + 0.1 * bump(step)) * 1e4) / 1e4;
      // the class mix's line: the corrected test's distance when above the alert threshold
      const classThreshold = 0.18;
      const confidenceThreshold = 0.22;
      return {
        id: id++,
        step,
        timestamp: `${step}T21:00:00.000Z`,
        statistic: Math.max(cls, conf),
        detected: cls > classThreshold || conf > confidenceThreshold,
        confidenceChange: -0.01,
        classDistance: cls,
        classThreshold,
        confidenceD: conf,
        confidenceThreshold,
      };
    })
    .filter((p) => inRange(p.step));
  const episodes = [
    {
      id: 90_000 + (model === 'm1' ? 1 : 2),
      onset: '2015-08-24',
      end: '2015-10-05',
      status: 'closed',
      peak: 7.2,
      peakStep: '2015-08-31',
      steps: 30,
      statistics: ['volatility_20d:abs'],
    },
    ...(model === 'm1'
      ? [
          {
            id: 90_010,
            onset: '2015-12-14',
            end: null,
            status: 'open',
            peak: 5.1,
            peakStep: '2015-12-21',
            steps: 13,
            statistics: ['class:1'],
          },
        ]
      : []),
  ].filter((e) => (!q.to || e.onset <= q.to) && (!q.from || e.end === null || e.end >= q.from));
  // the first check compared nothing (the model had not run its baseline's steps): no prediction point, listed apart
  const insufficient = all
    .slice(0, 1)
    .map((step) => ({ step, timestamp: `${step}T21:00:00.000Z`, reason: 'not enough steps: 5 of 60' }))
    .filter((p) => inRange(p.step));
  return {
    model,
    models: MODELS,
    from: q.from ?? null,
    to: q.to ?? null,
    features,
    regimes,
    predictions,
    episodes,
    insufficient,
    thresholds,
  };
}

/** An ECDF as [x, F] pairs of a sorted sample. */
const ecdf = (s: number[]): [number, number][] => s.map((x, i) => [x, (i + 1) / s.length]);

/** Baseline vs window of a feature at the latest check at or before `step`; D computed from the samples. */
export function driftDistributionDocument(q: { model?: string; feature?: string; step?: string }) {
  const doc = driftSeriesDocument({ ...(q.model ? { model: q.model } : {}), ...(q.step ? { to: q.step } : {}) });
  const f = doc.features.find((x) => x.feature === (q.feature ?? FEATURES[0]));
  const check = f?.points.at(-1);
  if (!f || !check) return null;
  const rand = rng(check.id);
  const shift = check.statistic * 2;
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const base = Array.from({ length: 500 }, normal).sort((a, b) => a - b);
  const win = Array.from({ length: 90 }, () => normal() + shift).sort((a, b) => a - b);
  let best = { d: -1, x: 0, fa: 0, fb: 0 };
  for (const x of [...base, ...win].sort((a, b) => a - b)) {
    const fa = base.filter((v) => v <= x).length / base.length;
    const fb = win.filter((v) => v <= x).length / win.length;
    if (Math.abs(fa - fb) > best.d) best = { d: Math.abs(fa - fb), x, fa, fb };
  }
  const steps = doc.features[0]?.points ?? [];
  return {
    model: doc.model,
    feature: f.feature,
    check: {
      id: check.id,
      step: check.step,
      timestamp: check.timestamp,
      statistic: check.statistic,
      threshold: check.threshold,
      drifted: check.drifted,
      status: check.status,
    },
    window: {
      firstStep: steps.at(-4)?.step ?? check.step,
      lastStep: check.step,
      steps: 4,
      n: win.length,
      ecdf: ecdf(win),
    },
    // the D drawn is not the recorded one: as after the model's baseline was replaced
    baseline: { n: base.length, ecdf: ecdf(base), version: 'b2', recordedVersion: 'b1', sameAsCheck: false },
    ks: { statistic: best.d, at: best.x, baselineCdf: best.fa, windowCdf: best.fb, pValue: 0.001 },
    note: `model ${doc.model}'s baseline was replaced after this check (the check used baseline b1, the current one is b2): the ECDFs and D shown are against the current baseline, not the recorded D ${check.statistic}`,
    features: FEATURES,
  };
}
