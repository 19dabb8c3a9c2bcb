// Fixture API documents shaped exactly as docs/api.md specifies, with realistic figures: one
// clearly weak sector (Energy), one with too few outcomes, one with none, drift alerts around
// the August 2015 sell-off, a full replay buffer and a rejected latest gate report.

import { seededRandom } from '@vigil/test-utils';

export type Ci = [number, number];

/** Wilson score interval at 95%. */
export function wilson(correct: number, n: number, z = 1.959963984540054): Ci | null {
  if (n === 0) return null;
  const p = correct / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [centre - half, centre + half];
}

const rng = seededRandom;

const REGIMES = ['normal', 'high_volatility', 'crash'] as const;
type Regime = (typeof REGIMES)[number];

// sector: [tracked, resolved per regime, correct per regime, symbols]
const SECTOR_SPECS: [string, number, Record<Regime, number>, Record<Regime, number>, string[]][] = [
  [
    'Communication Services',
    2140,
    { normal: 1410, high_volatility: 402, crash: 188 },
    { normal: 905, high_volatility: 246, crash: 109 },
    ['GOOGL', 'META', 'NFLX'],
  ],
  [
    'Consumer Discretionary',
    3015,
    { normal: 1980, high_volatility: 612, crash: 271 },
    { normal: 1307, high_volatility: 385, crash: 155 },
    ['AMZN', 'TSLA', 'HD'],
  ],
  [
    'Consumer Staples',
    1730,
    { normal: 1190, high_volatility: 301, crash: 142 },
    { normal: 801, high_volatility: 196, crash: 88 },
    ['PG', 'KO', 'WMT'],
  ],
  [
    'Energy',
    1865,
    { normal: 1204, high_volatility: 380, crash: 166 },
    { normal: 686, high_volatility: 197, crash: 70 },
    ['XOM', 'CVX', 'SLB'],
  ],
  [
    'Financials',
    2890,
    { normal: 1905, high_volatility: 560, crash: 244 },
    { normal: 1260, high_volatility: 347, crash: 143 },
    ['JPM', 'BAC', 'GS'],
  ],
  [
    'Health Care',
    2455,
    { normal: 1633, high_volatility: 470, crash: 198 },
    { normal: 1102, high_volatility: 301, crash: 121 },
    ['JNJ', 'UNH', 'PFE'],
  ],
  [
    'Industrials',
    2210,
    { normal: 1460, high_volatility: 431, crash: 180 },
    { normal: 962, high_volatility: 270, crash: 104 },
    ['CAT', 'GE', 'UNP'],
  ],
  [
    'Information Technology',
    12480,
    { normal: 8210, high_volatility: 2460, crash: 1085 },
    { normal: 5830, high_volatility: 1650, crash: 683 },
    ['AAPL', 'MSFT', 'NVDA'],
  ],
  [
    'Materials',
    905,
    { normal: 590, high_volatility: 171, crash: 74 },
    { normal: 379, high_volatility: 104, crash: 42 },
    ['LIN', 'FCX', 'NEM'],
  ],
  [
    'Real Estate',
    41,
    { normal: 16, high_volatility: 6, crash: 0 },
    { normal: 10, high_volatility: 3, crash: 0 },
    ['PLD', 'AMT'],
  ],
  ['Utilities', 12, { normal: 0, high_volatility: 0, crash: 0 }, { normal: 0, high_volatility: 0, crash: 0 }, ['NEE']],
];

export const MIN_RESOLVED = 30;

export interface SymbolRow {
  symbol: string;
  tracked: number;
  resolved: number;
  correct: number;
  accuracy: number | null;
  ci: Ci | null;
  bestRegime: string | null;
}

export function sectorsDocument(empty = false) {
  const sectors = SECTOR_SPECS.map(([sector, tracked, res, cor]) => {
    const byRegime: Record<string, { resolved: number; correct: number; accuracy: number; ci: Ci | null }> = {};
    let resolved = 0;
    let correct = 0;
    for (const r of REGIMES) {
      if (empty || res[r] === 0) continue;
      byRegime[r] = { resolved: res[r], correct: cor[r], accuracy: cor[r] / res[r], ci: wilson(cor[r], res[r]) };
      resolved += res[r];
      correct += cor[r];
    }
    return {
      sector,
      tracked: empty ? 0 : tracked,
      resolved,
      correct,
      accuracy: resolved ? correct / resolved : null,
      ci: wilson(correct, resolved),
      byRegime,
    };
  });
  const ranked = sectors
    .filter((s) => s.resolved >= MIN_RESOLVED && s.ci)
    .sort((a, b) => (a.ci as Ci)[1] - (b.ci as Ci)[1])
    .slice(0, 3)
    .map((s) => ({ sector: s.sector, accuracy: s.accuracy as number, upper: (s.ci as Ci)[1], resolved: s.resolved }));
  return {
    sectors,
    weakest: ranked,
    insufficient: sectors.filter((s) => s.resolved < MIN_RESOLVED).map((s) => s.sector),
    minResolved: MIN_RESOLVED,
  };
}

export function symbolsDocument(sector: string): { sector: string; symbols: SymbolRow[] } | null {
  const spec = SECTOR_SPECS.find((s) => s[0] === sector);
  if (!spec) return null;
  const [, tracked, res, cor, symbols] = spec;
  const rand = rng(sector.length * 7919);
  const totalRes = REGIMES.reduce((a, r) => a + res[r], 0);
  const totalCor = REGIMES.reduce((a, r) => a + cor[r], 0);
  let leftT = tracked;
  let leftR = totalRes;
  let leftC = totalCor;
  return {
    sector,
    symbols: symbols.map((symbol, i) => {
      const last = i === symbols.length - 1;
      const share = last ? 1 : 0.25 + rand() * 0.2;
      const t = last ? leftT : Math.round(leftT * share);
      const r = last ? leftR : Math.round(leftR * share);
      const c = last ? leftC : Math.min(r, Math.round(leftC * share + (rand() - 0.5) * 8));
      leftT -= t;
      leftR -= r;
      leftC -= c;
      return {
        symbol,
        tracked: t,
        resolved: r,
        correct: c,
        accuracy: r ? c / r : null,
        ci: wilson(c, r),
        bestRegime: r ? (REGIMES[Math.floor(rand() * 2)] ?? 'normal') : null,
      };
    }),
  };
}

export interface DriftEvent {
  id: number;
  timestamp: string;
  type: 'feature' | 'regime' | 'prediction';
  statistic: number;
  detected: boolean;
  details: Record<string, unknown>;
}

export const DRIFT_THRESHOLDS = { feature: 0.15, regime: 0.15, prediction: 0.15 };

/** Daily checks over 2015-05-01..2015-10-30 (weekdays), a shock around 24 Aug 2015. */
export function driftEvents(): DriftEvent[] {
  const rand = rng(2015);
  const events: DriftEvent[] = [];
  let id = 1;
  const shock = Date.parse('2015-08-24T00:00:00Z');
  for (let t = Date.parse('2015-05-01T00:00:00Z'); t <= Date.parse('2015-10-30T00:00:00Z'); t += 86_400_000) {
    const day = new Date(t).getUTCDay();
    if (day === 0 || day === 6) continue;
    const daysFromShock = (t - shock) / 86_400_000;
    const bump = daysFromShock >= -3 && daysFromShock <= 25 ? Math.exp(-Math.abs(daysFromShock - 4) / 6) : 0;
    const stats = {
      feature: 0.06 + rand() * 0.04 + 0.3 * bump,
      regime: 0.04 + rand() * 0.03 + 0.24 * bump,
      prediction: 0.05 + rand() * 0.05 + 0.12 * bump,
    };
    for (const type of ['feature', 'regime', 'prediction'] as const) {
      const statistic = Math.round(stats[type] * 1e4) / 1e4;
      const detected = statistic > DRIFT_THRESHOLDS[type];
      const details: Record<string, unknown> =
        type === 'feature'
          ? {
              worstFeature: 'volatility_20d',
              pValue: detected ? 1e-4 : 0.3,
              driftedFeatures: detected ? ['volatility_20d', 'return_5d'] : [],
            }
          : type === 'regime'
            ? { baseline: 'normal', current: detected ? 'crash' : 'normal' }
            : { positiveShare: 0.5 + (rand() - 0.5) * 0.2 };
      events.push({ id: id++, timestamp: new Date(t).toISOString(), type, statistic, detected, details });
    }
  }
  return events;
}

/** The buffer's rows (worst first), in the export's vocabulary (`GET api/replay/export?format=json`). */
export function replayRows(model = 'm2') {
  const rand = rng(model === 'm1' ? 41 : 42);
  const symbols = ['AAPL', 'XOM', 'JPM', 'NVDA', 'CVX', 'TSLA', 'SLB', 'GS', 'AMZN'];
  const regimes = ['normal', 'high_volatility', 'crash'];
  return Array.from({ length: 1000 }, (_, i) => {
    const confidence = Math.round((0.5 + rand() * 0.49) * 1e4) / 1e4;
    const actualLabel = rand() < 0.538 ? 0 : 1;
    const t = new Date(Date.parse('2015-01-02T21:00:00Z') + Math.floor(rand() * 360) * 86_400_000).toISOString();
    return {
      id: `${model}-p${10_000 + i}`,
      modelVersion: model,
      bufferId: 900 + i,
      symbol: symbols[i % symbols.length] as string,
      timestamp: t,
      regime: regimes[Math.floor(rand() * 3)] as string,
      actualLabel,
      predictedLabel: 1 - actualLabel,
      confidence,
      errorScore: confidence,
      replayedCount: Math.floor(rand() * 5),
      features: [rand(), rand()],
    };
  }).sort((a, b) => b.errorScore - a.errorScore || a.bufferId - b.bufferId);
}

export function replayDocument(top: number, empty = false, model = 'm2') {
  if (empty)
    return {
      model: null,
      models: [],
      stats: { total: 0, maxSize: 1000, byRegime: {}, byLabel: {}, avgConfidence: null, replayed: 0 },
      top: [],
    };
  const rows = replayRows(model);
  const by = (f: (r: (typeof rows)[number]) => string) => {
    const counts: Record<string, number> = {};
    for (const r of rows) counts[f(r)] = (counts[f(r)] ?? 0) + 1;
    return counts;
  };
  return {
    model,
    models: ['m1', 'm2'],
    stats: {
      total: rows.length,
      maxSize: 1000,
      byRegime: by((r) => r.regime),
      byLabel: by((r) => String(r.actualLabel)),
      avgConfidence: rows.reduce((a, r) => a + r.confidence, 0) / rows.length,
      replayed: rows.filter((r) => r.replayedCount > 0).length,
    },
    top: rows.slice(0, top).map(({ features: _f, ...r }) => r),
  };
}

export interface GateCheck {
  id: string;
  description: string;
  status: 'pass' | 'fail' | 'insufficient' | 'error';
  required: boolean;
  value: number | null;
  threshold: number | null;
  message: string;
}

export interface GateReport {
  id: number;
  modelPath: string;
  timestamp: string;
  action: 'validate' | 'override';
  approved: boolean;
  recommendation: 'PROMOTE' | 'REJECT';
  actor: string | null;
  notes: string | null;
  modelSha256: string;
  /** The modelVersion its predictions carry; null: unknown (a row from before it was recorded). */
  modelVersion: string | null;
  checks: GateCheck[];
  promotedToProduction: boolean;
}

const check = (
  id: string,
  description: string,
  status: GateCheck['status'],
  value: number | null,
  threshold: number,
  message: string,
): GateCheck => ({ id, description, status, required: true, value, threshold, message });

export function gateHistory(): GateReport[] {
  const passing = [
    check(
      'gate.overall_accuracy',
      'overall accuracy above the threshold',
      'pass',
      0.6812,
      0.65,
      'overall accuracy 68.1% (n=4,210) > 65%',
    ),
    check(
      'sectors.crash_accuracy',
      'crash-regime accuracy above the threshold',
      'pass',
      0.6604,
      0.65,
      'crash-regime accuracy 66.0% (n=318) > 65%',
    ),
    check(
      'sectors.min_sector_accuracy',
      'no sector below the threshold',
      'pass',
      0.5731,
      0.55,
      'weakest sector Energy 57.3% > 55%',
    ),
    check('drift.drift_score', 'drift score below the threshold', 'pass', 0.0912, 0.2, 'drift score 0.091 < 0.200'),
    check(
      'replay.replay_improvement',
      'replay improved accuracy on past errors',
      'pass',
      0.0214,
      0,
      'replay improvement +2.1% > 0%',
    ),
  ];
  const rejected = [
    check(
      'gate.overall_accuracy',
      'overall accuracy above the threshold',
      'pass',
      0.6712,
      0.65,
      'overall accuracy 67.1% (n=4,388) > 65%',
    ),
    check(
      'sectors.crash_accuracy',
      'crash-regime accuracy above the threshold',
      'fail',
      0.5802,
      0.65,
      'crash-regime accuracy 58.0% (n=212) <= 65%',
    ),
    check(
      'sectors.min_sector_accuracy',
      'no sector below the threshold',
      'fail',
      0.5213,
      0.55,
      'Energy at 52.1% (n=1,750) <= 55%',
    ),
    check('drift.drift_score', 'drift score below the threshold', 'pass', 0.1342, 0.2, 'drift score 0.134 < 0.200'),
    {
      ...check(
        'replay.replay_improvement',
        'replay improved accuracy on past errors',
        'insufficient',
        null,
        0,
        'only 18 replayed samples evaluated (need 50)',
      ),
      required: false,
    },
  ];
  const report = (
    id: number,
    when: string,
    path: string,
    approved: boolean,
    checks: GateCheck[],
    promoted: boolean,
    modelVersion: string | null,
  ): GateReport => ({
    id,
    modelPath: path,
    modelVersion,
    timestamp: when,
    action: 'validate',
    approved,
    recommendation: approved ? 'PROMOTE' : 'REJECT',
    actor: null,
    notes: null,
    modelSha256: `${id}`.padStart(4, '0') + 'ab12f9c0d7e6' + 'c3'.repeat(26),
    checks,
    promotedToProduction: promoted,
  });
  return [
    // the file names differ from the modelVersions on purpose: the model filter matches the version
    report(3, '2015-09-01T21:05:00.000Z', 'candidates/m-2015-09-01.json', false, rejected, false, 'm3'),
    report(
      2,
      '2015-07-01T21:04:00.000Z',
      'candidates/m-2015-07-01.json',
      false,
      rejected.map((c) =>
        c.id === 'sectors.crash_accuracy'
          ? { ...c, value: 0.6123, message: 'crash-regime accuracy 61.2% (n=96) <= 65%' }
          : c,
      ),
      false,
      null,
    ),
    report(1, '2015-05-01T21:03:00.000Z', 'candidates/m-2015-05-01.json', true, passing, true, 'm1'),
  ];
}

/** A champion vs challenger comparison as `GET /api/gate/shadows/compare` answers it: 20 trading days of 9 rows. */
export function shadowComparison() {
  const byDay = Array.from({ length: 20 }, (_, i) => {
    const day = new Date(Date.UTC(2016, 2, 1 + i + 2 * Math.floor(i / 5))).toISOString().slice(0, 10);
    const champion = (5 + (i % 3)) / 9;
    const challenger = (5 + ((i + 1) % 4)) / 9;
    return { day, rows: 9, championAccuracy: champion, challengerAccuracy: challenger };
  });
  const rows = byDay.length * 9;
  const championAccuracy = byDay.reduce((a, d) => a + d.championAccuracy, 0) / byDay.length;
  const challengerAccuracy = byDay.reduce((a, d) => a + d.challengerAccuracy, 0) / byDay.length;
  const won = byDay.filter((d) => d.challengerAccuracy > d.championAccuracy).length;
  const lost = byDay.filter((d) => d.challengerAccuracy < d.championAccuracy).length;
  return {
    shadow: {
      id: 1,
      model: 'm7',
      champion: 'm5',
      modelPath: 'candidates/m7.json',
      since: `${byDay[0]?.day}T21:00:00.000Z`,
      until: null,
      active: true,
      startedAt: '2026-01-01T00:00:00.000Z',
      stoppedAt: null,
      actor: 'fixture',
      notes: null,
    },
    rows,
    days: byDay.length,
    championAccuracy,
    challengerAccuracy,
    improvement: challengerAccuracy - championAccuracy,
    interval: {
      lower: challengerAccuracy - championAccuracy - 0.04,
      upper: challengerAccuracy - championAccuracy + 0.04,
    },
    standardError: 0.02,
    daysChallengerBetter: won,
    daysChampionBetter: lost,
    tiedDays: byDay.length - won - lost,
    pBetter: 0.25,
    pWorse: 0.85,
    mismatched: 0,
    unpaired: { champion: 0, challenger: 0 },
    byDay,
  };
}
