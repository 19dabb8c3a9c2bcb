import {
  type Clock,
  ISO_DATE_RULE,
  type Issue,
  type LiveModels,
  type PairedByDay,
  type PredictionLog,
  type Transactor,
  VigilError,
  checkText,
  dialectOf,
  placeholder,
  describeValue,
  pairedByDay,
  parseIsoDate,
  throwIfIssues,
} from '@vigil/core';
import type { DataSource, EntityManager } from 'typeorm';
import { SHADOW_TABLE, ShadowRecordEntity, type ShadowRow } from './entities/ShadowRecord.js';
import { pathBelow } from './gateReports.js';
import { checkOptionalText } from './historyRows.js';
import { type GatePaths, confineModelPath } from './paths.js';

const MAX_MODEL_ID = 200;

/** A shadow observation as the API, the CLI and the criterion see it. */
export interface ShadowView {
  readonly id: number;
  /** The challenger's model id (its predictions' `modelVersion`). */
  readonly model: string;
  /** The champion's model id: the production model it is compared with. */
  readonly champion: string;
  readonly modelPath: string | null;
  /** Data time from which rows count, and at which the observation stopped (exclusive; null while active). */
  readonly since: string;
  readonly until: string | null;
  readonly active: boolean;
  /** Wall-clock times it was started and stopped. */
  readonly startedAt: string;
  readonly stoppedAt: string | null;
  readonly actor: string | null;
  readonly notes: string | null;
}

export interface StartShadow {
  readonly model: string;
  /**
   * The champion's model id; default: the model live at `since` (core's `LiveModels`: what the
   * gate last put into production by then). With none live and none given: a `VigilError` naming it.
   */
  readonly champion?: string;
  /** The candidate's file or directory (inside modelsDir): lets validation find this shadow by the candidate's path. */
  readonly modelPath?: string;
  /** Data time from which rows count; default now (the gate's clock). */
  readonly since?: string | Date;
  readonly actor?: string;
  readonly notes?: string;
}

export interface StopShadow {
  /** Data time at which it stops (exclusive); default now. */
  readonly until?: string | Date;
  readonly actor?: string;
  readonly notes?: string;
}

/** The challenger against the champion over the same rows (same symbol and timestamp, both resolved). */
export interface ShadowComparison
  extends Omit<PairedByDay, 'oldAccuracy' | 'newAccuracy' | 'daysNewBetter' | 'daysOldBetter' | 'byDay'> {
  readonly shadow: ShadowView;
  readonly championAccuracy: number | null;
  readonly challengerAccuracy: number | null;
  readonly daysChallengerBetter: number;
  readonly daysChampionBetter: number;
  /** Rows both models predicted whose outcomes differ: not the same row (a bug upstream), left out. */
  readonly mismatched: number;
  /** Resolved rows of either model with no partner row of the other. */
  readonly unpaired: { readonly champion: number; readonly challenger: number };
  readonly byDay: readonly {
    readonly day: string;
    readonly rows: number;
    readonly championAccuracy: number;
    readonly challengerAccuracy: number;
  }[];
}

const view = (r: ShadowRow): ShadowView => ({
  id: Number(r.id),
  model: r.model,
  champion: r.champion,
  modelPath: r.model_path,
  since: r.since,
  until: r.until,
  active: r.until === null,
  startedAt: r.started_at,
  stoppedAt: r.stopped_at,
  actor: r.actor,
  notes: r.notes,
});

/**
 * The gate's shadow record (`gate_shadow`): which challengers are observed on live traffic
 * against which champion, since when. A challenger's predictions are observed like any other,
 * under its own `modelVersion` and its own prediction ids, and never acted on; this record says
 * which rows count, and `compare` pairs them with the champion's.
 */
export class ShadowRecords {
  readonly #ds: DataSource;
  readonly #tx: Transactor;
  readonly #clock: Clock;
  readonly #log: PredictionLog;
  readonly #paths: GatePaths;
  readonly #liveModels: LiveModels;

  constructor(o: {
    dataSource: DataSource;
    transactor: Transactor;
    clock: Clock;
    log: PredictionLog;
    paths: GatePaths;
    /** Which model is live at a data time: the champion a shadow starts against by default. */
    liveModels: LiveModels;
  }) {
    this.#ds = o.dataSource;
    this.#tx = o.transactor;
    this.#clock = o.clock;
    this.#log = o.log;
    this.#paths = o.paths;
    this.#liveModels = o.liveModels;
  }

  /**
   * Starts observing `model` in shadow of `champion` (default: the model live at `since`). One
   * active shadow per challenger (`VIGIL_CONFLICT`).
   */
  async start(s: StartShadow): Promise<ShadowView> {
    const o = (s ?? {}) as Partial<StartShadow>;
    const issues: Issue[] = [];
    checkText(issues, 'model', o.model, MAX_MODEL_ID);
    if (o.champion !== undefined) checkText(issues, 'champion', o.champion, MAX_MODEL_ID);
    if (typeof o.model === 'string' && o.model === o.champion)
      issues.push({
        path: 'champion',
        message: `must differ from model, got ${describeValue(o.champion)}`,
        value: o.champion,
      });
    checkOptionalText(issues, 'actor', o.actor);
    checkOptionalText(issues, 'notes', o.notes);
    const since = o.since === undefined ? this.#clock.now().toISOString() : parseIsoDate(o.since);
    if (since === undefined)
      issues.push({
        path: 'since',
        message: `must be ${ISO_DATE_RULE}, got ${describeValue(o.since)}`,
        value: o.since,
      });
    let modelPath: string | null = null;
    if (o.modelPath !== undefined) {
      try {
        modelPath = pathBelow(this.#paths.root)((await confineModelPath(o.modelPath, this.#paths)).path);
      } catch (e) {
        if (!(e instanceof VigilError)) throw e;
        issues.push(...(e.issues.length ? e.issues : [{ path: 'modelPath', message: e.message, value: o.modelPath }]));
      }
    }
    throwIfIssues('shadow start', issues);
    return this.#tx.run(async (t) => {
      const champion = o.champion ?? (await this.#defaultChampion(o.model as string, since as string, t.manager));
      const repo = t.manager.getRepository(ShadowRecordEntity);
      const running = await this.#active(t.manager, o.model as string);
      if (running)
        throw new VigilError(
          'VIGIL_CONFLICT',
          `model ${describeValue(o.model)} is already observed in shadow (shadow ${running.id}, since ${running.since}); stop it first`,
          { details: { shadowId: running.id } },
        );
      const row = await repo.save({
        model: o.model as string,
        champion,
        model_path: modelPath,
        since: since as string,
        until: null,
        started_at: this.#clock.now().toISOString(),
        stopped_at: null,
        actor: o.actor ?? null,
        notes: o.notes ?? null,
      });
      return view(row as ShadowRow);
    });
  }

  /** Stops the active shadow of `model` at data time `until` (default now); its rows stay comparable. */
  async stop(model: string, s: StopShadow = {}): Promise<ShadowView> {
    const o = s ?? {};
    const issues: Issue[] = [];
    checkText(issues, 'model', model, MAX_MODEL_ID);
    checkOptionalText(issues, 'actor', o.actor);
    checkOptionalText(issues, 'notes', o.notes);
    const until = o.until === undefined ? this.#clock.now().toISOString() : parseIsoDate(o.until);
    if (until === undefined)
      issues.push({
        path: 'until',
        message: `must be ${ISO_DATE_RULE}, got ${describeValue(o.until)}`,
        value: o.until,
      });
    throwIfIssues('shadow stop', issues);
    return this.#tx.run(async (t) => {
      const repo = t.manager.getRepository(ShadowRecordEntity);
      const running = await this.#active(t.manager, model);
      if (!running)
        throw new VigilError('VIGIL_NOT_FOUND', `model ${describeValue(model)} is not observed in shadow`, {
          issues: [{ path: 'model', message: 'has no active shadow', value: model }],
        });
      if ((until as string) < running.since)
        throw new VigilError(
          'VIGIL_INVALID_INPUT',
          `invalid shadow stop; nothing was written:\n  until: must not be before the shadow's since (${running.since}), got ${until}`,
          { issues: [{ path: 'until', message: `must not be before ${running.since}`, value: until }] },
        );
      const notes = o.notes === undefined ? running.notes : running.notes ? `${running.notes}\n${o.notes}` : o.notes;
      const row: ShadowRow = {
        ...running,
        until: until as string,
        stopped_at: this.#clock.now().toISOString(),
        notes,
        actor: o.actor ?? running.actor,
      };
      await repo.save(row);
      return view(row);
    });
  }

  /**
   * The challengers observed in shadow at data time `at` (ISO): started `since` or before, not
   * stopped by then (`until` is exclusive). `manager` reads inside the caller's transaction.
   */
  async shadowsAt(at: string, manager: EntityManager = this.#ds.manager): Promise<string[]> {
    const ph = placeholder(dialectOf(manager.connection));
    const rows = (await manager.query(
      `SELECT DISTINCT model FROM ${SHADOW_TABLE} WHERE since <= ${ph(1)} AND (until IS NULL OR until > ${ph(2)}) ORDER BY model`,
      [at, at],
    )) as { model: string }[];
    return rows.map((r) => String(r.model));
  }

  /** Every shadow, newest first; `active` keeps only the running ones. */
  async list(o: { active?: boolean } = {}): Promise<ShadowView[]> {
    const rows = await this.#ds.manager.getRepository(ShadowRecordEntity).find({ order: { id: 'DESC' } });
    return rows.map(view).filter((v) => o.active === undefined || v.active === o.active);
  }

  /**
   * The shadow a candidate is judged on: by challenger model id when given, else by the
   * candidate's path (as `start` recorded it); the newest one, active or stopped.
   */
  async find(q: { model?: string; modelPath?: string }): Promise<ShadowView | undefined> {
    const repo = this.#ds.manager.getRepository(ShadowRecordEntity);
    const where =
      q.model !== undefined
        ? { model: q.model }
        : q.modelPath !== undefined
          ? { model_path: pathBelow(this.#paths.root)(q.modelPath) }
          : undefined;
    if (!where) return undefined;
    const row = await repo.findOne({ where, order: { id: 'DESC' } });
    return row ? view(row) : undefined;
  }

  /**
   * The challenger against the champion over the rows both predicted (same symbol and
   * timestamp), both resolved, with `since <= timestamp < until`, paired by trading day (the
   * UTC date of the timestamp): core's `pairedByDay`.
   */
  async compare(shadow: ShadowView): Promise<ShadowComparison> {
    // only the columns the pairing reads (never the features): PredictionLog.outcomes
    const q = { from: shadow.since, ...(shadow.until ? { to: shadow.until } : {}) };
    const [champion, challenger] = await Promise.all([
      this.#log.outcomes({ ...q, modelVersion: shadow.champion }),
      this.#log.outcomes({ ...q, modelVersion: shadow.model }),
    ]);
    const key = (p: { symbol: string; timestamp: string }): string => `${p.symbol}\u0000${p.timestamp}`;
    const byKey = new Map(champion.map((p) => [key(p), p]));
    const rows: { day: string; old: boolean; new: boolean }[] = [];
    let mismatched = 0;
    let pairedChampion = 0;
    for (const c of challenger) {
      const k = key(c);
      const l = byKey.get(k);
      if (!l) continue;
      byKey.delete(k);
      pairedChampion++;
      if (l.actualLabel !== c.actualLabel) {
        mismatched++;
        continue;
      }
      rows.push({
        day: c.timestamp.slice(0, 10),
        old: l.predictedLabel === l.actualLabel,
        new: c.predictedLabel === c.actualLabel,
      });
    }
    const r = pairedByDay(rows);
    const { oldAccuracy, newAccuracy, daysNewBetter, daysOldBetter, byDay, ...rest } = r;
    return {
      ...rest,
      shadow,
      championAccuracy: oldAccuracy,
      challengerAccuracy: newAccuracy,
      daysChallengerBetter: daysNewBetter,
      daysChampionBetter: daysOldBetter,
      mismatched,
      unpaired: { champion: champion.length - pairedChampion, challenger: challenger.length - pairedChampion },
      byDay: byDay.map((d) => ({
        day: String(d.day),
        rows: d.rows,
        championAccuracy: d.oldRight / d.rows,
        challengerAccuracy: d.newRight / d.rows,
      })),
    };
  }

  /**
   * The champion when none is named: the model live at data time `since` (core's LiveModels, as
   * the gate's promotions record it). None live (nothing promoted by then, or the promotion named
   * no modelVersion), or the challenger itself: a `VigilError` naming `champion`.
   */
  async #defaultChampion(model: string, since: string, manager: EntityManager): Promise<string> {
    const { live } = await this.#liveModels.at(since, manager);
    const refuse = (message: string): never => {
      throw new VigilError(
        'VIGIL_INVALID_INPUT',
        `invalid shadow start; nothing was written:\n  champion: ${message}`,
        {
          issues: [{ path: 'champion', message, value: undefined }],
        },
      );
    };
    if (live === null)
      return refuse(
        `not given, and no model is live at ${since} (nothing promoted into production by then, or the promotion named no modelVersion): name the champion (--champion, "champion")`,
      );
    if (live === model)
      return refuse(
        `not given, and the model live at ${since} is ${describeValue(model)}, the challenger itself: name the champion (--champion, "champion")`,
      );
    return live;
  }

  async #active(manager: EntityManager, model: string): Promise<ShadowRow | undefined> {
    const ph = placeholder(dialectOf(manager.connection));
    const rows = (await manager.query(
      `SELECT * FROM ${SHADOW_TABLE} WHERE model = ${ph(1)} AND until IS NULL ORDER BY id DESC LIMIT 1`,
      [model],
    )) as ShadowRow[];
    return rows[0];
  }
}
