// Chooses the drift defaults by out-of-period validation on daily SPY + VIX and writes BACKTEST.md (everything above
// its "## The KS window check on calm days" section, which scripts/ks-calm-days.mjs's figures fill and is kept).
// Pick on one period, report on the other, both ways round; plus the S&P 500 1990-1999 and 1980-1989, never used.
// Run: npx tsc -p tsconfig.build.json && node scripts/backtest-market.mjs (then biome formats BACKTEST.md)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  EARLY_STRESS_EPISODES,
  EIGHTIES_STRESS_EPISODES,
  NINETIES_STRESS_EPISODES,
  OUT_OF_PERIOD,
  RECOMMENDED_DEFAULTS,
  backtestDrift,
  buildMarketHistory,
  cusumGrid,
  pickBacktestConfig,
  specMarketDetector,
} from '@vigil/drift';
import { STRESS_EPISODES, loadSp500, loadSpy, loadVix } from '@vigil/market-data';

const BASELINE = RECOMMENDED_DEFAULTS.referenceSteps;
const { horizon: HORIZON, budget: BUDGET, tieBreak: RULE, grid: GRID } = OUT_OF_PERIOD;
const MAX_CALM = BUDGET.maxFalseAlarmRate;
const MAX_CHANCE = BUDGET.maxChanceLevel;
const OTHER_RULES = ['most-in-drift', 'least-delay', 'margin'];
const RULE_TEXT = {
  'most-sensitive':
    'ties go to the most sensitive configuration within the budget, the one that starts episodes most readily: the most calm-day false alarms (its onset rate), then the highest chance level, then fewer statistics, smaller h, smaller k',
  'most-in-drift':
    'ties go to the highest chance level (the share of calm days in drift within the horizon), then the most calm-day false alarms',
  'least-delay':
    'ties go to the smaller total delay, then fewer calm-day false alarms, then the larger h (the rule before 2026-12-02)',
  margin:
    'ties go to the largest worst-episode margin (the smallest over episodes of the peak CUSUM sum on its horizon days over h), then the smaller total delay',
};
const EARLY = EARLY_STRESS_EPISODES;
const NINETIES = NINETIES_STRESS_EPISODES;
const EIGHTIES = EIGHTIES_STRESS_EPISODES;
const ALL = [...EARLY, ...STRESS_EPISODES];
const rows = buildMarketHistory(loadSpy(), loadVix());
const periods = {
  '2000-2010': { from: '2000-01-01', to: '2010-12-31', episodes: ALL.filter((e) => e.start <= '2010-12-31') },
  '2011-2020': { from: '2011-01-01', to: '2020-12-31', episodes: ALL.filter((e) => e.start >= '2011-01-01') },
};
// S&P 500 index daily log returns (the gt file), the year before each decade warming the rolling reference
const spReturns = (from, to) => {
  const sp = loadSp500()
    .filter((b) => b.date >= from && b.date <= to)
    .sort((a, b) => (a.date < b.date ? -1 : 1));
  return sp.slice(1).map((b, i) => ({ date: b.date, features: { ret: Math.log(b.close / sp[i].close) } }));
};
const never = [
  {
    name: 'S&P 500 1990-1999',
    rows: spReturns('1989-01-01', '1999-12-31'),
    p: { from: '1990-01-01', to: '1999-12-31', episodes: NINETIES },
  },
  {
    name: 'S&P 500 1980-1989',
    rows: spReturns('1979-01-01', '1989-12-31'),
    p: { from: '1980-01-01', to: '1989-12-31', episodes: EIGHTIES },
  },
];

const FINE = cusumGrid([0.5, 0.75, 1, 1.25, 1.5, 1.75, 2], [2, 2.5, 3, 3.5, 4, 5, 6, 8]);
const detectorOf = (c, features = ['ret']) => {
  const ds = features.flatMap((feature) =>
    c.statistics.map((statistic) => ({ kind: 'cusum', feature, statistic, k: c.k, h: c.h, direction: 'both' })),
  );
  return ds.length === 1 ? ds[0] : { kind: 'any', detectors: ds };
};
const label = (c) => `CUSUM ${c.statistics.join('+')} on ${(c.features ?? ['ret']).join('+')}, k ${c.k}, h ${c.h}`;
const short = (c) => `${c.statistics.join('+')}, k ${c.k}, h ${c.h}`;
const memo = new Map();
const dataIds = new Map();
const run = (c, p, data = rows) => {
  if (!dataIds.has(data)) dataIds.set(data, dataIds.size);
  const key = JSON.stringify([c, p.from, p.to, p.episodes.map((e) => e.name), dataIds.get(data)]);
  if (!memo.has(key))
    memo.set(
      key,
      backtestDrift({
        rows: data,
        detector: detectorOf(c, c.features),
        baselineSize: BASELINE,
        episodes: p.episodes,
        horizon: HORIZON,
        from: p.from,
        to: p.to,
      }),
    );
  return memo.get(key);
};
const candidates = (grid, p) => grid.map((config) => ({ config, result: run(config, p) }));
const pick = (grid, period, tieBreak = RULE) =>
  pickBacktestConfig(candidates(grid, periods[period]), { ...BUDGET, tieBreak });
// Leave one episode out inside the picking period, two ways. 'block': the episode and its 20 days either side are
// taken out of the picking data (neither calm nor scored), as a held-out period is; 'calm': the episode is not on
// the list, so its days count as calm days and alarms in them as false alarms (harsher on sensitive configurations).
// The rule picks without the episode and the pick is scored on it. No held-out data is touched.
function leaveOneOut(grid, period, tieBreak, how) {
  const p = periods[period];
  return p.episodes.map((e) => {
    const without = (r) => {
      const left = r.episodes.find((x) => x.name === e.name);
      return { ...r, caught: r.caught - (left?.caught ? 1 : 0), episodes: r.episodes.filter((x) => x !== left) };
    };
    const rest = { ...p, episodes: p.episodes.filter((x) => x !== e) };
    const cands =
      how === 'block' ? candidates(grid, p).map((x) => ({ ...x, result: without(x.result) })) : candidates(grid, rest);
    const best = pickBacktestConfig(cands, { ...BUDGET, tieBreak });
    const outcome = best ? run(best.config, p).episodes.find((x) => x.name === e.name) : null;
    return { episode: e, config: best?.config ?? null, outcome };
  });
}

const pct = (x, d = 1) => `${(100 * x).toFixed(d)}%`;
const shortName = (n) => n.split(' (')[0];
const delays = (r) =>
  r.episodes
    .map(
      (e) =>
        `${shortName(e.name)}: ${e.status === 'not scorable' ? 'not scorable' : e.delay === null ? 'missed' : e.delay}`,
    )
    .join('; ');
const row = (name, r) =>
  `| ${name} | ${r.firstDay} .. ${r.lastDay} | ${delays(r)} | ${r.caught}/${r.scorable} | ${r.alarms.length} | ${pct(r.falseAlarmRate, 2)} | ${pct(r.calmDriftShare)} | ${pct(r.chanceLevel)} |`;
const head = [
  '| configuration | scored days | delay per episode (trading days; caught when <= 5) | caught | requests | calm-day false alarms | calm days in drift | chance level |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
];
const goalMet = (r) =>
  r.caught === r.scorable && r.falseAlarmRate <= MAX_CALM && r.caught / Math.max(1, r.scorable) > 5 * r.chanceLevel;
const brief = (r) =>
  `${r.caught}/${r.scorable}${
    r.caught < r.scorable
      ? ` (missed ${r.episodes
          .filter((e) => e.status === 'missed')
          .map((e) => shortName(e.name))
          .join(', ')})`
      : ''
  }, ${pct(r.falseAlarmRate, 2)}, chance ${pct(r.chanceLevel)}`;
const directions = [
  ['2000-2010', '2011-2020'],
  ['2011-2020', '2000-2010'],
];
const neverRuns = (c) => never.map((n) => run(c, n.p, n.rows));

// 1. The rule, both directions, full tables
const out = [];
const chosen = {};
const verdicts = [];
for (const [pickOn, reportOn] of directions) {
  const best = pick(GRID, pickOn);
  chosen[pickOn] = best.config;
  const held = run(best.config, periods[reportOn]);
  verdicts.push(
    `picked on ${pickOn} (${short(best.config)}), ${reportOn} ${brief(held)}: goal ${goalMet(held) ? 'met' : '**not met**'}`,
  );
  out.push(
    `### Picked on ${pickOn}, reported on ${reportOn}`,
    '',
    `Chosen: **${label(best.config)}** (${best.result.caught}/${best.result.scorable} on ${pickOn} at ${pct(best.result.falseAlarmRate, 2)}, chance ${pct(best.result.chanceLevel)}).`,
    '',
    ...head,
    row(`picked (in-period ${pickOn})`, best.result),
    row(`**held out ${reportOn}**`, held),
    ...never.map((n, i) => row(`never used: ${n.name}`, neverRuns(best.config)[i])),
    '',
    `Goal on the held-out period (every scorable episode within ${HORIZON} trading days at <= 2% calm-day false alarms, hit rate > 5x chance): **${goalMet(held) ? 'met' : 'NOT met'}**.`,
    '',
  );
  console.log(
    `${RULE}: picked on ${pickOn}: ${label(best.config)}; held out ${reportOn}: ${brief(held)}; ${never.map((n, i) => `${n.name}: ${brief(neverRuns(best.config)[i])}`).join('; ')}`,
  );
  for (const w of held.warnings) console.log(`  warning: ${w}`);
}

// What catching the never-used decades' missed episodes would take: the finer grid's configurations that catch
// each, and the least either picking period's chance budget would have to stretch for one of them.
const missNotes = [];
const distinctChosen = [...new Map(Object.values(chosen).map((c) => [label(c), c])).values()];
const within = (r) => r.falseAlarmRate <= MAX_CALM && r.chanceLevel <= MAX_CHANCE;
for (const [i, n] of never.entries()) {
  const missed = new Map();
  for (const c of distinctChosen)
    for (const e of neverRuns(c)[i].episodes.filter((x) => x.status === 'missed')) missed.set(e.name, e);
  for (const e of missed.values()) {
    const catching = FINE.filter((c) => run(c, n.p, n.rows).episodes.find((x) => x.name === e.name)?.caught);
    const inBudget = directions.map(
      ([p]) => `${catching.filter((c) => within(run(c, periods[p]))).length} within the budget on ${p}`,
    );
    const cost = (c) => Math.max(...directions.map(([p]) => run(c, periods[p]).chanceLevel));
    const cheapest = catching.sort((a, b) => cost(a) - cost(b))[0];
    missNotes.push(
      `${e.name} (${n.name}) is caught by ${catching.length} of the finer grid's ${FINE.length} configurations (${inBudget.join(', ')})${
        cheapest
          ? `; of them, the lowest chance level on the picking periods is ${short(cheapest)}'s: ${directions
              .map(([p]) => `${brief(run(cheapest, periods[p]))} on ${p}`)
              .join(' and ')}, and ${brief(run(cheapest, n.p, n.rows))} on ${n.name}`
          : ''
      }.`,
    );
  }
}

// The tie each direction's pick is made from: every configuration of the grid that catches as many episodes within
// the budget as the pick, in the rule's order, with how it does on the other period.
const tieRows = [];
const tieNotes = [];
for (const [pickOn, reportOn] of directions) {
  const all = candidates(GRID, periods[pickOn]).filter(
    (x) => x.result.falseAlarmRate <= MAX_CALM && x.result.chanceLevel <= MAX_CHANCE,
  );
  const best = Math.max(...all.map((x) => x.result.caught));
  const tie = all.filter((x) => x.result.caught === best && x.config.statistics.length === 1);
  const ordered = [];
  while (tie.length) {
    const next = pickBacktestConfig(tie, { ...BUDGET, tieBreak: RULE });
    ordered.push(next);
    tie.splice(tie.indexOf(next), 1);
  }
  const onsets = (x) => Math.round(x.result.falseAlarmRate * x.result.calmDays);
  tieNotes.push(
    ordered.length > 1
      ? `on ${pickOn} ${ordered.length} configurations tie and the first has ${onsets(ordered[0])} calm-day onsets in ${ordered[0].result.calmDays} calm days against the second's ${onsets(ordered[1])}`
      : `on ${pickOn} one configuration catches every episode within the budget (no tie)`,
  );
  for (const [i, x] of ordered.entries()) {
    const r = x.result;
    const held = run(x.config, periods[reportOn]);
    tieRows.push(
      `| ${pickOn} | ${i + 1} | ${short(x.config)} | ${Math.round(r.falseAlarmRate * r.calmDays)} of ${r.calmDays} (${pct(r.falseAlarmRate, 2)}) | ${pct(r.chanceLevel)} | ${reportOn}: ${brief(held)} |`,
    );
  }
}

// 2. Every rule tried, on the grid and on a finer one, both directions, with the never-used decades
const summaryHead = [
  `| tie-break | grid | picked on | chosen | in period | held out | goal met | ${never.map((n) => n.name).join(' | ')} |`,
  `| --- | --- | --- | --- | --- | --- | --- | ${never.map(() => '---').join(' | ')} |`,
];
const summary = [];
const looRows = [];
const looTotals = [];
for (const [gridName, grid] of [
  [`${GRID.length} (k 0.5-1.5, h 3-8)`, GRID],
  [`${FINE.length} (k 0.5-2, h 2-8)`, FINE],
]) {
  const looSums = {};
  for (const rule of [RULE, ...OTHER_RULES]) {
    for (const [pickOn, reportOn] of directions) {
      const best = pick(grid, pickOn, rule);
      const held = run(best.config, periods[reportOn]);
      summary.push(
        `| ${rule} | ${gridName} | ${pickOn} | ${short(best.config)} | ${brief(best.result)} | ${reportOn}: ${brief(held)} | ${goalMet(held) ? 'yes' : '**no**'} | ${neverRuns(
          best.config,
        )
          .map(brief)
          .join(' | ')} |`,
      );
      const loo = Object.fromEntries(['block', 'calm'].map((how) => [how, leaveOneOut(grid, pickOn, rule, how)]));
      const looCaught = (how) => loo[how].filter((x) => x.outcome?.caught).length;
      const looDetail = (how) =>
        loo[how]
          .map(
            (x) =>
              `${shortName(x.episode.name)}: ${x.config ? `${x.outcome?.caught ? x.outcome.delay : 'missed'} (k ${x.config.k}, h ${x.config.h})` : 'nothing within budget'}`,
          )
          .join('; ');
      looRows.push(
        `| ${rule} | ${gridName} | ${pickOn} | ${looCaught('block')}/${loo.block.length} | ${looDetail('block')} | ${looCaught('calm')}/${loo.calm.length} | ${looDetail('calm')} |`,
      );
      const caught = `${looCaught('block')}/${loo.block.length} as a block, ${looCaught('calm')}/${loo.calm.length} as calm days`;
      looSums[rule] ??= { block: 0, calm: 0, n: 0 };
      looSums[rule].block += looCaught('block');
      looSums[rule].calm += looCaught('calm');
      looSums[rule].n += loo.block.length;
      console.log(`${rule} on ${gridName}, ${pickOn}: ${short(best.config)}; leave-one-out ${caught}`);
    }
  }
  looTotals.push(
    `on the ${gridName.split(' (')[0]}-configuration grid, ${Object.entries(looSums)
      .map(([rule, x]) => `${rule} ${x.block}/${x.n} as a block and ${x.calm}/${x.n} as calm days`)
      .join(', ')}`,
  );
}

// A safety factor on the budget instead: half the false alarms and half the chance level in the picking period.
const HALF = { maxFalseAlarmRate: MAX_CALM / 2, maxChanceLevel: MAX_CHANCE / 2 };
for (const rule of [RULE, ...OTHER_RULES]) {
  for (const [pickOn, reportOn] of directions) {
    const best = pickBacktestConfig(candidates(GRID, periods[pickOn]), { ...HALF, tieBreak: rule });
    const held = best && run(best.config, periods[reportOn]);
    summary.push(
      `| ${rule}, budget halved (${pct(HALF.maxFalseAlarmRate, 0)}, chance ${pct(HALF.maxChanceLevel)}) | ${GRID.length} | ${pickOn} | ${best ? `${short(best.config)} | ${brief(best.result)} | ${reportOn}: ${brief(held)} | ${goalMet(held) ? 'yes' : '**no**'} | ${neverRuns(best.config).map(brief).join(' | ')}` : `nothing within the budget | - | - | - | ${never.map(() => '-').join(' | ')}`} |`,
    );
  }
}

// How the picks depend on the chance budget: each tie-break at budgets around the 5% used, both directions.
const SWEEP = [0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15];
const sweepRows = [];
// `${rule} ${budget}` where a direction, on either grid, does not meet the goal
const sweepMisses = new Set();
const sweepMet = (rule) => SWEEP.filter((b) => !sweepMisses.has(`${rule} ${b}`)).map((b) => pct(b, 0));
for (const [gridName, grid] of [
  [`${GRID.length}`, GRID],
  [`${FINE.length}`, FINE],
]) {
  for (const rule of [RULE, ...OTHER_RULES]) {
    const cells = SWEEP.map((maxChanceLevel) =>
      directions
        .map(([pickOn, reportOn]) => {
          const best = pickBacktestConfig(candidates(grid, periods[pickOn]), {
            maxFalseAlarmRate: MAX_CALM,
            maxChanceLevel,
            tieBreak: rule,
          });
          if (!best) {
            sweepMisses.add(`${rule} ${maxChanceLevel}`);
            return 'none';
          }
          const held = run(best.config, periods[reportOn]);
          if (!goalMet(held)) sweepMisses.add(`${rule} ${maxChanceLevel}`);
          return `k ${best.config.k}, h ${best.config.h} ${goalMet(held) ? 'met' : `**${held.caught}/${held.scorable}**`}`;
        })
        .join(' / '),
    );
    sweepRows.push(`| ${rule} | ${gridName} | ${cells.join(' | ')} |`);
  }
}

// 3. A second feature: the monitor on a model with the daily return and the VIX log change (both periods have VIX)
const vixRows = [];
for (const statistics of [['abs'], ['abs', 'level']]) {
  const grid = cusumGrid([0.5, 0.75, 1, 1.25, 1.5], [3, 4, 5, 6, 8], [statistics]).map((c) => ({
    ...c,
    features: ['ret', 'vixChange'],
  }));
  for (const [pickOn, reportOn] of directions) {
    const best = pick(grid, pickOn);
    const all = candidates(grid, periods[pickOn]).filter((x) => x.result.caught === x.result.scorable);
    const calmest = all.sort((a, b) => a.result.chanceLevel - b.result.chanceLevel)[0];
    vixRows.push(
      `| ret + vixChange, ${statistics.join('+')} | ${pickOn} | ${best ? `${short(best.config)}: ${brief(best.result)}` : 'nothing within the budget'} | ${best ? `${reportOn}: ${brief(run(best.config, periods[reportOn]))}` : '-'} | ${calmest ? `${short(calmest.config)}: ${brief(calmest.result)}` : 'none'} |`,
    );
  }
}

const shipped = {
  statistics: RECOMMENDED_DEFAULTS.cusum.statistics,
  k: RECOMMENDED_DEFAULTS.cusum.k,
  h: RECOMMENDED_DEFAULTS.cusum.h,
};
const ties = (p) =>
  candidates(GRID, periods[p]).filter(
    (x) =>
      x.result.caught === x.result.scorable &&
      x.result.falseAlarmRate <= MAX_CALM &&
      x.result.chanceLevel <= MAX_CHANCE,
  ).length;
const maxFaWithin = Math.max(
  ...directions.flatMap(([p]) =>
    candidates(GRID, periods[p])
      .filter((x) => x.result.chanceLevel <= MAX_CHANCE)
      .map((x) => x.result.falseAlarmRate),
  ),
);
const shippedPicked = directions.filter(([p]) => chosen[p] && label(chosen[p]) === label(shipped)).map(([p]) => p);
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
  `**In short.** With the picking rule as revised on 2026-12-02: ${verdicts.join('; ')}. Under the rule before, ${directions
    .map(([p, q]) => {
      const b = pick(GRID, p, 'least-delay');
      const held = run(b.config, periods[q]);
      return `picked on ${p} (${short(b.config)}), ${q} ${brief(held)}: goal ${goalMet(held) ? 'met' : 'not met'}`;
    })
    .join(
      '; ',
    )}. The revisions were made after seeing both periods, so the clean check is the S&P 500 decades never used: with the shipped default, ${never
    .map(
      (n, i) =>
        `${n.name} ${brief(neverRuns(shipped)[i])}, goal ${goalMet(neverRuns(shipped)[i]) ? 'met' : '**not met**'}`,
    )
    .join('; ')}. Details, every rule tried and why: below.`,
  '',
  `Data: daily SPY and VIX closes from \`@vigil/market-data\` (${rows[0].date} .. ${rows.at(-1).date}); S&P 500 index closes 1979-1999 (the gt file) for two decades never used for picking, 1990-1999 and 1980-1989 (the year before each warms the rolling reference).`,
  `Feature: \`ret\` (daily log return). Detector: the drift monitor's own per-step CUSUMs (\`PanelDrift\`, one record per step here), standardised by a rolling reference of the ${BASELINE} steps before each day; alarms are episodes (onset when a sum passes h, no reset, sums capped at 2h, end after 10 steps with every sum that alarmed back at or below h/4); one retraining request per onset.`,
  '',
  'Protocol (`vigil drift backtest` prints the same):',
  `- **caught**: the detector is in drift on one of the episode's first ${HORIZON + 1} trading days (its start + a ${HORIZON}-day horizon); **delay** = trading days from the start to that day (0 when an episode of drift was already open). Fixed horizon, not the episode's end.`,
  '- **not scorable**: the episode starts before the first checked day (the rolling reference needs its history first), after the last, or too close to the end for the horizon. Reported with a warning, never counted as a miss or moved to another day.',
  '- **calm day**: a checked day outside every listed episode and 20 trading days either side. **calm-day false alarms**: share of calm days on which a drift episode starts (a retraining request). **calm days in drift**: share of calm days spent inside an episode.',
  `- **chance level**: share of calm days on which the detector is in drift within ${HORIZON} trading days: the hit rate this alarm pattern scores on a random day.`,
  `- **picking rule** (\`pickBacktestConfig\`, tie-break \`${RULE}\`; changed on 2026-12-02 after the old rule failed in reverse, see below): over ${GRID.length} configurations (statistics abs or abs+level, k in 0.5/0.75/1/1.25/1.5, h in 3/4/5/6/8), the most episodes caught at <= 2% calm-day false alarms and a chance level <= 5% (a detector that stays in drift for weeks after each alarm would otherwise catch episodes by luck); ${RULE_TEXT[RULE]}.`,
  '',
  `Episodes: ${ALL.map((e) => `${e.name} ${e.start}`).join('; ')}. Never used for picking: ${[...NINETIES, ...EIGHTIES].map((e) => `${e.name} ${e.start}`).join('; ')}. (Pre-2008, 1990s and 1980s dates are this script's list: the first trading day of each sell-off.)`,
  '',
  ...out,
  ...(missNotes.length
    ? [
        `**The never-used decades.** With the configuration the rule picks (${distinctChosen.map(short).join('; ')}), the goal is ${never.map((n, i) => `${distinctChosen.every((c) => goalMet(neverRuns(c)[i])) ? 'met' : '**not met**'} on ${n.name}`).join(' and ')}. ${missNotes.join(' ')}`,
        '',
      ]
    : []),
  '## How the picking rule changed, and what the figures are worth',
  '',
  `Until 2026-12-02 ties were broken toward the smaller total delay, then fewer false alarms, then the larger h. ${directions
    .map(([p, q]) => {
      const b = pick(GRID, p, 'least-delay');
      const held = run(b.config, periods[q]);
      return `Picking on ${p} it chose ${short(b.config)}: ${brief(held)} on ${q}, goal ${goalMet(held) ? 'met' : 'not met'}.`;
    })
    .join(' ')}`,
  `The reason for the reverse miss: on 2011-2020, ${ties('2011-2020')} of the ${GRID.length} configurations catch all five episodes within the`,
  'budget, and "fewer false alarms, larger h" walks along that tie to the configuration that spends the least of the',
  'budget while still catching them: the least sensitive one, with the least margin for an episode that builds up more',
  'slowly than the five it was picked on. The rule now breaks ties the other way, toward the most sensitive',
  'configuration within the same budget: the budget is what a user agreed to pay, a tie means the picking period',
  'cannot tell the candidates apart, and the most sensitive of them is the least likely to catch its episodes only just.',
  'Sensitivity is measured by how readily a configuration starts an episode: its onset rate on calm days (the',
  'calm-day false alarms), then its chance level.',
  `Spending the chance budget (${pct(MAX_CHANCE, 0)}) in the picking period leaves a margin to the goal's own limit on it (a hit rate`,
  `above 5x chance allows a chance level up to 20%); the false-alarm budget is the goal's ${pct(MAX_CALM, 0)}, but within the chance`,
  `budget no configuration has more than ${pct(maxFaWithin, 2)}.`,
  '',
  '**These changes were made after seeing the reverse direction fail, so the two directions above are no longer a',
  'clean out-of-period test of the rule**: it was chosen knowing what 2000-2010 and 2011-2020 hold' +
    (shippedPicked.length === 2 ? ', and it picks the configuration already shipped, in both directions.' : '.'),
  'There were two revisions on 2026-12-02. The first broke ties by chance level first (`most-in-drift` below): on the',
  `budget sweep below it meets the goal in both directions on both grids only at a chance budget of ${sweepMet('most-in-drift').join(', ')}; where`,
  'it fails above 5% it picks a low-k, high-h configuration on 2011-2020 (in drift long once started, slow to start)',
  `that misses episodes of 2000-2010. Ordering by the onset rate first (\`most-sensitive\`) meets it at ${sweepMet(RULE).join(', ')}`,
  '(below 5% every tie-break fails in reverse). That second revision used both periods as much as the first did.',
  'The clean checks are the two S&P 500 decades, on which no rule, grid or default was ever picked. The 1990s figures',
  'had been seen before (issue #12 quotes an earlier default on them); the 1980s were added on 2026-12-02, their episode',
  'list written down before any detector ran on them. The finer grid, the budget sweep and both leave-one-out variants',
  'below were also added after the fact; the leave-one-out uses only the picking periods.',
  '',
  '**How thin the tie-break is.** The configurations (statistics abs only) that catch every episode of the',
  "picking period within the budget, in the rule's order, with their calm-day onsets (false alarms) and how they do on",
  `the other period: ${tieNotes.join('; ')}. So the reverse direction's pick rests on that difference:`,
  '',
  '| picked on | rank | configuration | calm-day onsets | chance level | on the other period |',
  '| --- | --- | --- | --- | --- | --- |',
  ...tieRows,
  '',
  'Every tie-break tried, with the old grid and a finer one, and with a safety factor of 2 on the budget instead (in',
  'period, held out: caught, calm-day false alarms, chance level; the goal as above):',
  '',
  ...summaryHead,
  ...summary,
  '',
  '**The chance budget.** The same tie-breaks with the chance-level budget moved around the 5% used (false alarms <= 2%',
  'throughout). Each cell: the pick on 2000-2010 / the pick on 2011-2020, with "met" when the goal is met on the other',
  'period, else its catches there in bold:',
  '',
  `| tie-break | grid | ${SWEEP.map((x) => `chance <= ${pct(x, 0)}`).join(' | ')} |`,
  `| --- | --- | ${SWEEP.map(() => '---').join(' | ')} |`,
  ...sweepRows,
  '',
  '**Leave one episode out inside the picking period.** For each episode of the picking period the rule picks on the',
  'period without it and the pick is scored on the episode it did not see; only the picking period is used, so this',
  'compares rules without looking at the held-out one. Two ways of leaving out: as a block (the episode and its 20 days',
  'either side taken out of the picking data, neither calm nor scored, as the held-out period is), and as calm days',
  '(the episode is just not on the list, so alarms in it count as false alarms and against the chance budget: harsher',
  'on the sensitive configurations that catch it):',
  '',
  `Summed over both picking periods (11 episodes): ${looTotals.join('; ')}. With five and six episodes a period these`,
  'counts are weak evidence either way.',
  '',
  '| tie-break | grid | period | caught, left out as a block | delay per episode (configuration picked without it) | caught, left out as calm days | delay per episode (configuration picked without it) |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...looRows,
  '',
  '**A second feature.** The monitor on a model with two features, the daily return and the VIX log change (`vixChange`,',
  'also in both periods), runs a CUSUM per feature; in drift when either is. Picked with the same rule and budget; last',
  'column: of the configurations that catch every episode of the picking period, the one with the lowest chance level:',
  '',
  '| detector | picked on | chosen (in period) | held out | catching all, lowest chance |',
  '| --- | --- | --- | --- | --- |',
  ...vixRows,
  '',
  '## The shipped default',
  '',
  `\`cusum: { statistics: [${shipped.statistics.map((s) => `'${s}'`).join(', ')}], k: ${shipped.k}, h: ${shipped.h} }\`, reference ${BASELINE} steps: ${shippedPicked.length === 2 ? 'the configuration the rule picks in both directions' : shippedPicked.length === 1 ? `the configuration the rule picks on ${shippedPicked[0]} only` : 'not what the rule picks in either direction'}.`,
  '',
  ...head,
  row(`shipped default, 2000-2020 (${ALL.length} episodes)`, run(shipped, full)),
  ...never.map((n, i) => row(`shipped default, never used: ${n.name}`, neverRuns(shipped)[i])),
  row('spec defaults: KS window 100, D > 0.15 and Holm p < 0.05, 4 raw features', spec),
  '',
  'The spec\'s KS rule is in drift on almost every day (its "hits" are at chance level): with autocorrelated level',
  'features and a 100-day window two-sample KS compares two different stretches of a slowly moving series.',
  '',
].join('\n');
const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'BACKTEST.md');
const KS = '## The KS window check on calm days';
const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
const kept = old.includes(KS) ? old.slice(old.indexOf(KS)) : '';
writeFileSync(path, kept ? `${md}\n${kept}` : md);
// the repository checks formatting (biome format .): write the tables as it lays them out
execFileSync(join(dirname(path), '..', '..', 'node_modules', '.bin', 'biome'), ['format', '--write', path], {
  stdio: 'inherit',
});
console.log('wrote BACKTEST.md', JSON.stringify(chosen));
