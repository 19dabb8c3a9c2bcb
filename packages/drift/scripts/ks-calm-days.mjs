// How often the drift monitor's KS window check flags on calm days of real market history, with the spec's fixed
// threshold and with the shipped calibration (ksCalmDays: a new model and baseline every MODEL_LIFE trading days,
// each day's last WINDOW days checked against it, every market feature untransformed).
// Run: npx tsc -p tsconfig.build.json && node scripts/ks-calm-days.mjs
import { RECOMMENDED_DEFAULTS, buildMarketHistory, ksCalmDays } from '@vigil/drift';
import { STRESS_EPISODES, loadSp500, loadSpy, loadVix } from '@vigil/market-data';

const FEATURES = ['ret', 'absRet', 'rv20', 'vix', 'vixChange'];
const EPISODES = [
  { name: 'Aug 1990', start: '1990-08-02', end: '1990-10-11' },
  { name: 'Oct 1997', start: '1997-10-27', end: '1997-11-14' },
  { name: 'Aug 1998', start: '1998-08-04', end: '1998-10-08' },
  { name: 'Sep 2001', start: '2001-09-17', end: '2001-10-12' },
  { name: 'Jul 2002', start: '2002-07-10', end: '2002-08-09' },
  { name: 'Feb 2007', start: '2007-02-27', end: '2007-03-14' },
  { name: 'Aug 2007', start: '2007-07-26', end: '2007-08-31' },
  ...STRESS_EPISODES.map((e) => ({ ...e, name: e.name.split(' (')[0] })),
];
// S&P 500 index + VIX for 1990-1999 (never looked at while designing the calibration), SPY + VIX from 2000
const sp = loadSp500()
  .filter((b) => b.date < '2000-01-01')
  .sort((a, b) => (a.date < b.date ? -1 : 1));
const rows = [
  ...buildMarketHistory(sp, loadVix(), '1990-01-01', '1999-12-31'),
  ...buildMarketHistory(loadSpy(), loadVix()),
];
const pct = (x) => `${(100 * x).toFixed(1)}%`;
const common = {
  rows,
  // BASELINE_STEPS=60 node scripts/ks-calm-days.mjs: the same protocol with shorter baselines
  features: FEATURES,
  episodes: EPISODES,
  modelLife: 125,
  baselineSteps: Number(process.env.BASELINE_STEPS ?? 250),
  windowSteps: RECOMMENDED_DEFAULTS.windowSteps,
};
console.log(
  `KS window check on ${FEATURES.join(', ')}: windows of ${common.windowSteps} trading days against a fixed ${common.baselineSteps}-day baseline, a new model every ${common.modelLife} days`,
);
console.log(
  '| period | rule | calm-day checks | calm-day flag rate | per feature (calm days) | untestable (share of calm checks) | flag rate inside episodes | episodes flagged |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [name, from, to] of [
  ['1991-1999 (S&P 500 index; never used)', '1991-01-01', '1999-12-31'],
  ['2001-2010', '2001-01-01', '2010-12-31'],
  ['2011-2020', '2011-01-01', '2020-12-31'],
])
  for (const [rule, targetRate] of [
    ['spec: D > 0.15 and Holm p < 0.05', null],
    [
      `shipped: calibrated to ${RECOMMENDED_DEFAULTS.calibration.targetFalseAlarmRate}`,
      RECOMMENDED_DEFAULTS.calibration.targetFalseAlarmRate,
    ],
  ]) {
    const r = ksCalmDays({ ...common, from, to, targetRate });
    console.log(
      `| ${name} | ${rule} | ${r.calmChecks} | ${pct(r.calmFlagRate)} | ${Object.entries(r.perFeature)
        .map(([f, x]) => `${f} ${pct(x)}`)
        .join(', ')} | ${
        Object.entries(r.untestable)
          .filter(([, x]) => x > 0)
          .map(([f, x]) => `${f} ${pct(x)}`)
          .join(', ') || 'none'
      } | ${pct(r.duringFlagRate)} | ${r.episodesFlagged.filter((e) => e.flagged).length}/${r.episodesFlagged.length} |`,
    );
  }
