// Chooses the drift defaults by out-of-period validation on daily SPY + VIX and writes BACKTEST.md.
// Pick on one period, report on the other, both ways round; plus the S&P 500 1990-1999 as a third, never-used period.
// Run: npx tsc -p tsconfig.build.json && node scripts/backtest-market.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RECOMMENDED_DEFAULTS, backtestDrift, buildMarketHistory, specMarketDetector } from '@vigil/drift';
import { STRESS_EPISODES, loadSp500, loadSpy, loadVix } from '@vigil/market-data';

const BASELINE = RECOMMENDED_DEFAULTS.referenceSteps;
const HORIZON = 5;
const MAX_CALM = 0.02;
// A detector that sits in drift for weeks after each alarm would catch episodes by luck: cap the chance level too.
const MAX_CHANCE = 0.05;
// Stress episodes before 2008 (not in @vigil/market-data's list): the first trading days of the sell-off.
const EARLY = [
  { name: 'Sep 2001 (9/11 reopening)', start: '2001-09-17', end: '2001-10-12' },
  { name: 'Jul 2002 (WorldCom)', start: '2002-07-10', end: '2002-08-09' },
  { name: 'Feb 2007 (Shanghai)', start: '2007-02-27', end: '2007-03-14' },
  { name: 'Aug 2007 (quant quake)', start: '2007-07-26', end: '2007-08-31' },
];
const NINETIES = [
  { name: 'Aug 1990 (Gulf war)', start: '1990-08-02', end: '1990-10-11' },
  { name: 'Oct 1997 (Asian crisis)', start: '1997-10-27', end: '1997-11-14' },
  { name: 'Aug 1998 (Russia, LTCM)', start: '1998-08-04', end: '1998-10-08' },
];
const ALL = [...EARLY, ...STRESS_EPISODES];
const rows = buildMarketHistory(loadSpy(), loadVix());
const periods = {
  '2000-2010': { from: '2000-01-01', to: '2010-12-31', episodes: ALL.filter((e) => e.start <= '2010-12-31') },
  '2011-2020': { from: '2011-01-01', to: '2020-12-31', episodes: ALL.filter((e) => e.start >= '2011-01-01') },
};
// S&P 500 index daily log returns (the gt file, newest first), 1989-1999 (1989 warms the baseline)
const sp = loadSp500()
  .filter((b) => b.date >= '1989-01-01' && b.date <= '1999-12-31')
  .sort((a, b) => (a.date < b.date ? -1 : 1));
const nineties = sp.slice(1).map((b, i) => ({ date: b.date, features: { ret: Math.log(b.close / sp[i].close) } }));

const grid = [];
for (const statistics of [['abs'], ['abs', 'level']])
  for (const k of [0.5, 0.75, 1, 1.25, 1.5]) for (const h of [3, 4, 5, 6, 8]) grid.push({ statistics, k, h });
const detectorOf = (c) => {
  const ds = c.statistics.map((statistic) => ({
    kind: 'cusum',
    feature: 'ret',
    statistic,
    k: c.k,
    h: c.h,
    direction: 'both',
  }));
  return ds.length === 1 ? ds[0] : { kind: 'any', detectors: ds };
};
const label = (c) => `CUSUM ${c.statistics.join('+')} on ret, k ${c.k}, h ${c.h}`;
const run = (c, p, data = rows) =>
  backtestDrift({
    rows: data,
    detector: detectorOf(c),
    baselineSize: BASELINE,
    episodes: p.episodes,
    horizon: HORIZON,
    from: p.from,
    to: p.to,
  });
// the rule: most episodes caught within the horizon at <= 2% calm-day false alarms; then fewer false alarms; then the larger h
function pick(period) {
  const scored = grid
    .map((c) => ({ c, r: run(c, periods[period]) }))
    .filter((x) => x.r.falseAlarmRate <= MAX_CALM && x.r.chanceLevel <= MAX_CHANCE);
  const delay = (r) => r.episodes.reduce((s, e) => s + (e.delay ?? 0), 0);
  scored.sort(
    (a, b) =>
      b.r.caught - a.r.caught ||
      delay(a.r) - delay(b.r) ||
      a.r.falseAlarmRate - b.r.falseAlarmRate ||
      b.c.h - a.c.h ||
      a.c.k - b.c.k,
  );
  return scored[0];
}

const pct = (x, d = 1) => `${(100 * x).toFixed(d)}%`;
const delays = (r) =>
  r.episodes
    .map(
      (e) =>
        `${e.name.split(' (')[0]}: ${e.status === 'not scorable' ? 'not scorable' : e.delay === null ? 'missed' : e.delay}`,
    )
    .join('; ');
const row = (name, r) =>
  `| ${name} | ${r.firstDay} .. ${r.lastDay} | ${delays(r)} | ${r.caught}/${r.scorable} | ${r.alarms.length} | ${pct(r.falseAlarmRate, 2)} | ${pct(r.calmDriftShare)} | ${pct(r.chanceLevel)} |`;
const head = [
  '| configuration | scored days | delay per episode (trading days; caught when <= 5) | caught | requests | calm-day false alarms | calm days in drift | chance level |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
];

const out = [];
const chosen = {};
for (const [pickOn, reportOn] of [
  ['2000-2010', '2011-2020'],
  ['2011-2020', '2000-2010'],
]) {
  const best = pick(pickOn);
  chosen[pickOn] = best.c;
  const held = run(best.c, periods[reportOn]);
  const ninety = run(best.c, { from: '1990-01-01', to: '1999-12-31', episodes: NINETIES }, nineties);
  const goal =
    held.caught === held.scorable &&
    held.falseAlarmRate <= MAX_CALM &&
    held.caught / Math.max(1, held.scorable) > 5 * held.chanceLevel;
  out.push(
    `### Picked on ${pickOn}, reported on ${reportOn}`,
    '',
    `Chosen: **${label(best.c)}** (${best.r.caught}/${best.r.scorable} on ${pickOn} at ${pct(best.r.falseAlarmRate, 2)}).`,
    '',
    ...head,
    row(`picked (in-period ${pickOn})`, best.r),
    row(`**held out ${reportOn}**`, held),
    row('held out: S&P 500 1990-1999', ninety),
    '',
    `Goal on the held-out period (every scorable episode within ${HORIZON} trading days at <= 2% calm-day false alarms, hit rate > 5x chance): **${goal ? 'met' : 'NOT met'}**.`,
    '',
  );
  console.log(
    `picked on ${pickOn}: ${label(best.c)}; held out ${reportOn}: ${held.caught}/${held.scorable} at ${pct(held.falseAlarmRate, 2)} (chance ${pct(held.chanceLevel)}); 1990s: ${ninety.caught}/${ninety.scorable} at ${pct(ninety.falseAlarmRate, 2)}`,
  );
  for (const w of held.warnings) console.log(`  warning: ${w}`);
}
const shipped = {
  statistics: RECOMMENDED_DEFAULTS.cusum.statistics,
  k: RECOMMENDED_DEFAULTS.cusum.k,
  h: RECOMMENDED_DEFAULTS.cusum.h,
};
const full = { from: '2000-01-01', to: '2020-12-31', episodes: ALL };
const spec = backtestDrift({
  rows,
  detector: { ...specMarketDetector(), features: ['ret', 'absRet', 'rv20', 'vix'] },
  baselineSize: 250,
  episodes: ALL,
  horizon: HORIZON,
});
const md = [
  '# Drift backtest: defaults chosen out of period',
  '',
  `Generated by \`node scripts/backtest-market.mjs\` (after \`npx tsc -p tsconfig.build.json\`) on ${new Date().toISOString().slice(0, 10)}.`,
  '',
  `Data: daily SPY and VIX closes from \`@vigil/market-data\` (${rows[0].date} .. ${rows.at(-1).date}); S&P 500 index closes 1989-1999 (the gt file) as a third period never used for picking.`,
  `Feature: \`ret\` (daily log return). Detector: the drift monitor's own per-step CUSUMs (\`PanelDrift\`, one record per step here), standardised by a rolling reference of the ${BASELINE} steps before each day; alarms are episodes (onset when a sum passes h, no reset, sums capped at 2h, end after 10 steps with every sum that alarmed back at or below h/4); one retraining request per onset.`,
  '',
  'Protocol (`vigil drift backtest` prints the same):',
  `- **caught**: the detector is in drift on one of the episode's first ${HORIZON + 1} trading days (its start + a ${HORIZON}-day horizon); **delay** = trading days from the start to that day (0 when an episode of drift was already open). Fixed horizon, not the episode's end.`,
  '- **not scorable**: the episode starts before the first checked day (the rolling reference needs its history first), after the last, or too close to the end for the horizon. Reported with a warning, never counted as a miss or moved to another day.',
  '- **calm day**: a checked day outside every listed episode and 20 trading days either side. **calm-day false alarms**: share of calm days on which a drift episode starts (a retraining request). **calm days in drift**: share of calm days spent inside an episode.',
  `- **chance level**: share of calm days on which the detector is in drift within ${HORIZON} trading days: the hit rate this alarm pattern scores on a random day.`,
  `- **picking rule**: over ${grid.length} configurations (statistics abs or abs+level, k in 0.5/0.75/1/1.25/1.5, h in 3/4/5/6/8), the most episodes caught at <= 2% calm-day false alarms and a chance level <= 5% (a detector that stays in drift for weeks after each alarm would otherwise catch episodes by luck); ties: the smaller total delay, then fewer false alarms, then the larger h.`,
  '',
  `Episodes: ${ALL.map((e) => `${e.name} ${e.start}`).join('; ')}. 1990s: ${NINETIES.map((e) => `${e.name} ${e.start}`).join('; ')}. (Pre-2008 and 1990s dates are this script's list: the first trading day of each sell-off.)`,
  '',
  ...out,
  '## The shipped default',
  '',
  `\`cusum: { statistics: [${shipped.statistics.map((s) => `'${s}'`).join(', ')}], k: ${shipped.k}, h: ${shipped.h} }\`, reference ${BASELINE} steps: the configuration picked on 2000-2010 (the forward direction).`,
  '',
  ...head,
  row(`shipped default, 2000-2020 (${ALL.length} episodes)`, run(shipped, full)),
  row('spec defaults: KS window 100, D > 0.15 and Holm p < 0.05, 4 raw features', spec),
  '',
  'The spec\'s KS rule is in drift on almost every day (its "hits" are at chance level): with autocorrelated level',
  'features and a 100-day window two-sample KS compares two different stretches of a slowly moving series.',
  '',
].join('\n');
writeFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'BACKTEST.md'), md);
console.log('wrote BACKTEST.md', JSON.stringify(chosen));
