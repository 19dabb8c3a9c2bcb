/** What the demo found, for the CLI's summary and the integration test. */
export interface GateDecision {
  readonly date: string;
  readonly model: string;
  readonly action: 'validate' | 'promote' | 'override' | 'rollback';
  readonly approved: boolean;
  readonly checks: readonly {
    id: string;
    status: string;
    value: number | null;
    threshold: number | null;
    message: string;
  }[];
  /** For an override: who and why; for a rollback: the watch's finding. */
  readonly note?: string;
}

export interface DemoSummary {
  readonly period: { from: string; to: string; tradingDays: number };
  /** Live predictions observed, and how many of them resolved. */
  readonly predictions: number;
  readonly resolved: number;
  /** Predictions the shadow challengers made on the same rows (logged under their own model ids, never acted on). */
  readonly shadowPredictions: number;
  readonly accuracy: number | null;
  readonly driftAlerts: readonly { date: string; type: string; statistic: number }[];
  /** Window checks run, per type (feature, regime, prediction): what the flagged ones are out of. */
  readonly driftChecks?: Readonly<Record<string, number>>;
  readonly retrainingRequests: readonly {
    date: string;
    model: string;
    reasons: readonly string[];
    features: readonly string[];
  }[];
  /** Drift episodes (drift_monitoring rows of type 'cusum'): one retraining request each while its model is live. */
  readonly driftEpisodes: readonly {
    model: string;
    onset: string;
    end: string | null;
    /** 'quiet', or 'retired' when the model stopped predicting (replaced); null while open. */
    endReason: string | null;
    peak: number;
    peakDate: string;
    statistics: readonly string[];
    /** Whether its onset asked for retraining: only the live model's do (a shadow's or a retired model's is recorded). */
    retrainingRequested: boolean;
    /** The model's standing at the onset's data time: live, shadow, retired or unknown. */
    standing: string;
  }[];
  readonly weakestSectors: readonly { sector: string; accuracy: number; upper: number; resolved: number }[];
  readonly insufficientSectors: readonly string[];
  readonly replay: {
    readonly stats: {
      total: number;
      byRegime: Readonly<Record<string, number>>;
      avgConfidence: number | null;
      highConfidence: number;
      replayed: number;
    };
    readonly retrains: readonly {
      date: string;
      model: string;
      buffered: number;
      /** Buffered errors held out of the training mix. */
      heldOut: number;
      replayRows: number;
      /** Share of the held-out buffered errors the candidate (trained with the replay mix) gets right. */
      fixedWithReplay: number | null;
      /** The same for a model trained on the same rows without replay. */
      fixedWithoutReplay: number | null;
      /** Validation accuracy of the candidate, of the same model trained without replay, and of the live model. */
      accuracyWithReplay: number | null;
      accuracyWithoutReplay: number | null;
      liveAccuracy: number | null;
    }[];
  };
  readonly gate: readonly GateDecision[];
  readonly historyVerified: boolean;
  readonly liveModel: string;
  /** What the live models predicted and how well, against two naive baselines, over every resolved live row. */
  readonly skill: {
    target: string;
    rows: number;
    model: number | null;
    persistence: number | null;
    pBetterThanPersistence: number;
    majority: number | null;
  };
  /** Each promotion's watch: the promoted model against the one it replaced, on the same live rows. */
  readonly watches: readonly {
    promoted: string;
    replaced: string;
    from: string;
    to: string;
    rows: number;
    promotedAccuracy: number;
    replacedAccuracy: number;
    pReplacedBetter: number;
    rolledBack: boolean;
  }[];
  /** Champion vs challenger: each candidate observed in shadow before the gate judged it, over the same rows. */
  readonly shadows: readonly {
    model: string;
    champion: string;
    /** The shadow's trading days (data dates), and the day the gate judged the candidate. */
    from: string;
    to: string;
    judged: string;
    rows: number;
    days: number;
    challengerAccuracy: number | null;
    championAccuracy: number | null;
    daysChallengerBetter: number;
    daysChampionBetter: number;
    /** One-sided sign test over days that the challenger is better. */
    pBetter: number;
    interval: { lower: number; upper: number } | null;
    /** gate.challenger_vs_champion's verdict. */
    status: string;
  }[];
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

/** Groups consecutive alert dates into episodes (gaps of more than `gapDays` calendar days split them). */
export function alertEpisodes(
  alerts: DemoSummary['driftAlerts'],
  gapDays = 10,
): { from: string; to: string; count: number; types: string[] }[] {
  const out: { from: string; to: string; count: number; types: Set<string> }[] = [];
  for (const a of alerts) {
    const last = out.at(-1);
    if (last && (Date.parse(a.date) - Date.parse(last.to)) / 86_400_000 <= gapDays) {
      last.to = a.date;
      last.count++;
      last.types.add(a.type);
    } else out.push({ from: a.date, to: a.date, count: 1, types: new Set([a.type]) });
  }
  return out.map((e) => ({ ...e, types: [...e.types].sort() }));
}

/** The summary as a person reads it at the end of `vigil demo`. */
export function formatSummary(s: DemoSummary): string {
  const lines: string[] = [];
  lines.push(`Vigil demo: ${s.period.tradingDays} trading days, ${s.period.from} .. ${s.period.to}`);
  lines.push(
    `  ${s.predictions.toLocaleString('en-US')} live predictions observed, ${s.resolved.toLocaleString('en-US')} resolved 5 trading days later; live accuracy ${pct(s.accuracy)}; ${s.shadowPredictions.toLocaleString('en-US')} more from candidates in shadow`,
  );
  lines.push(`  The model predicts, for each of nine large caps every day: ${s.skill.target}.`);
  lines.push(
    `  Live accuracy ${pct(s.skill.model)} on ${s.skill.rows.toLocaleString('en-US')} resolved rows, against ${pct(s.skill.persistence)} for "next week like this week" (paired sign test over days, one-sided p=${s.skill.pBetterThanPersistence.toPrecision(2)}) and ${pct(s.skill.majority)} for always guessing the commoner answer.`,
  );
  lines.push('', 'Drift episodes (per-step CUSUMs; one retraining request each while its model is live):');
  for (const e of s.driftEpisodes) {
    lines.push(
      `  ${e.onset} .. ${e.end ?? 'open'}${e.endReason === 'retired' ? ' (model retired)' : ''} (${e.model}, ${e.standing}${e.retrainingRequested ? '' : ': no retraining request'}): peak ${e.peak.toFixed(1)} on ${e.peakDate}; ${e.statistics.join(', ')}`,
    );
  }
  if (s.driftEpisodes.length === 0) lines.push('  none');
  const other = new Map<string, number>();
  for (const a of s.driftAlerts) if (a.type !== 'cusum') other.set(a.type, (other.get(a.type) ?? 0) + 1);
  lines.push(
    `  other flagged checks (recorded and charted, not acted on): ${[...other].map(([t, n]) => `${t} ${n}${s.driftChecks?.[t] ? ` of ${s.driftChecks[t]}` : ''}`).join(', ') || 'none'}`,
  );
  lines.push(
    `  retraining requested on ${s.retrainingRequests.length} day(s)${s.retrainingRequests.length ? `: ${s.retrainingRequests.map((r) => r.date).join(', ')}` : ''}`,
  );
  lines.push('', `Weakest sectors of ${s.liveModel} (Wilson 95% upper bound, enough evidence only):`);
  for (const w of s.weakestSectors)
    lines.push(`  ${w.sector.padEnd(24)} ${pct(w.accuracy)} (upper ${pct(w.upper)}, n=${w.resolved})`);
  if (s.insufficientSectors.length) lines.push(`  too little evidence: ${s.insufficientSectors.join(', ')}`);
  lines.push(
    '',
    `Replay buffer of ${s.liveModel}: ${s.replay.stats.total} errors (${s.replay.stats.highConfidence} with confidence > 0.8), avg confidence ${pct(s.replay.stats.avgConfidence)}, ${s.replay.stats.replayed} replayed`,
  );
  for (const r of s.replay.retrains) {
    lines.push(
      `  ${r.date} ${r.model}: ${r.replayRows} replay rows mixed in; held-out buffered errors (${r.heldOut}, never trained on) now right: ${pct(r.fixedWithReplay)} with replay vs ${pct(r.fixedWithoutReplay)} without; validation accuracy ${pct(r.accuracyWithReplay)} with, ${pct(r.accuracyWithoutReplay)} without, live model ${pct(r.liveAccuracy)}`,
    );
  }
  lines.push('', 'Promotion gate decisions:');
  for (const d of s.gate) {
    if (d.action !== 'validate') {
      const what = {
        override: 'OVERRIDE: put live without approval (the emergency path, recorded in the history)',
        promote: 'PROMOTED to production',
        rollback: 'ROLLED BACK to this model (the promoted one did worse live; see the watch below)',
      }[d.action];
      lines.push(`  ${d.date} ${d.model}: ${what}`);
      if (d.note) lines.push(`                 ${d.note}`);
      continue;
    }
    lines.push(`  ${d.date} ${d.model}: ${d.approved ? 'PROMOTE' : 'REJECT'}`);
    for (const c of d.checks) {
      const show = (x: number) => (Math.abs(x) <= 1 ? pct(x) : x.toFixed(3));
      lines.push(
        `    ${c.status.toUpperCase().padEnd(12)} ${c.id.padEnd(28)} ${c.value === null ? '-' : show(c.value)}${c.threshold === null ? '' : ` (threshold ${show(c.threshold)})`}`,
      );
      if (c.status === 'insufficient' || c.status === 'error') lines.push(`                 ${c.message}`);
    }
  }
  lines.push(
    '',
    'After each promotion the replaced model keeps scoring the same rows (never acted on); a significantly worse promoted model is rolled back:',
  );
  for (const w of s.watches) {
    lines.push(
      `  ${w.from} .. ${w.to}: ${w.promoted} ${pct(w.promotedAccuracy)} vs ${w.replaced} ${pct(w.replacedAccuracy)} on ${w.rows} rows (p=${w.pReplacedBetter.toPrecision(3)}): ${w.rolledBack ? 'ROLLED BACK' : 'kept'}`,
    );
  }
  if (s.watches.length === 0) lines.push('  no promotion to watch');
  lines.push(
    '',
    'Champion vs challenger: each candidate ran in shadow on live traffic (own model id, never acted on) before the gate judged it, on the same rows:',
  );
  for (const x of s.shadows) {
    const iv = x.interval ? ` [95% ${pct(x.interval.lower)}, ${pct(x.interval.upper)}]` : '';
    lines.push(
      `  ${x.from} .. ${x.to} ${x.model} ${pct(x.challengerAccuracy)} vs champion ${x.champion} ${pct(x.championAccuracy)} on ${x.rows} rows, ${x.days} days (better on ${x.daysChallengerBetter} vs ${x.daysChampionBetter}, sign test p=${x.pBetter.toPrecision(3)}; difference${iv}): ${x.status.toUpperCase()}, judged ${x.judged}`,
    );
  }
  if (s.shadows.length === 0) lines.push('  no candidate was observed in shadow');
  lines.push(
    '',
    `Live model at the end: ${s.liveModel}; promotion history hash chain ${s.historyVerified ? 'verified' : 'BROKEN'}`,
  );
  lines.push(
    '',
    "What to look at next: `vigil gate history` (every decision, hash-chained, with the data date it speaks for), `vigil gate shadow compare m15` (a challenger against the champion, day by day), the dashboard's Gate tab (each check's evidence, what is in production now, champion vs challenger), and the Drift tab around the alarm dates above.",
  );
  return lines.join('\n');
}
