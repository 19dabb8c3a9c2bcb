import { appendFile, readFile } from 'node:fs/promises';
import { type CommandContext, type PluginCommands, type ValidationResults, isVigilError } from '@vigil/core';
import type { GateOptions } from './config.js';
import type { ModelPromotionGate } from './ModelPromotionGate.js';
import { type CheckView, type ReportView, reportViews, validationView } from './reportView.js';
import type { ShadowRecords, ShadowView, StartShadow } from './ShadowRecords.js';
import { gateToken, shadowRecordsToken } from './tokens.js';

type Ctx = CommandContext<GateOptions>;

/** A page of history as the API returns it; promote/override rows show the checks of the validation they acted on. */
export async function historyReports(
  gate: ModelPromotionGate,
  limit: number,
  offset: number,
): Promise<{ rows: ReportView[]; total: number }> {
  const page = await gate.getHistory({ limit, offset });
  const context = await gate.getHistory({ limit: Math.min(1000, offset + limit + 200), offset: 0 });
  return { rows: reportViews(page.entries, new Map(context.entries.map((e) => [e.id, e]))), total: page.total };
}

async function readValidation(file: string, { usageError }: Ctx): Promise<ValidationResults> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw usageError(`--validation: cannot read ${file}: ${(e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw usageError(`--validation: ${file} is not JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw usageError(
      `--validation: ${file} must hold a JSON object (accuracy, regimeAccuracy, sectorAccuracy, driftScore, replayImprovement and/or predictions)`,
    );
  return v as ValidationResults;
}

function printChecks(checks: readonly CheckView[], ctx: Ctx): void {
  const { num } = ctx;
  ctx.printTable(
    ['check', 'required', 'status', 'value', 'threshold', 'message'],
    checks.map((c) => [
      c.id,
      c.required ? 'yes' : 'no',
      c.status.toUpperCase(),
      num(c.value),
      num(c.threshold),
      c.message,
    ]),
  );
}

/** `vigil gate validate|promote|rollback|override|history|verify|head`. */
export const gateCommands: PluginCommands<GateOptions> = {
  description:
    'the model promotion gate (gate plugin); model paths resolve against plugins.gate.options.root and must lie inside its modelsDir',
  register(gate, ctx) {
    registerGate(gate, ctx);
  },
};

// biome-ignore lint/suspicious/noExplicitAny: the commander type lives in the CLI's dependency.
function registerGate(gate: any, ctx: Ctx): void {
  const { io, usageError, exit: EXIT } = ctx;
  const run = ctx.run;
  const text = (v: string | undefined, name: string): string | undefined => {
    if (v !== undefined && v.trim() === '') throw usageError(`${name} must not be blank`);
    return v;
  };
  /** `--model-version`, when given (the gate checks it like observe checks a prediction's). */
  const version = (v: string | undefined): { modelVersion?: string } =>
    v === undefined ? {} : { modelVersion: text(v, '--model-version') as string };

  gate
    .command('validate <modelPath>')
    .description('run every registered criterion on a candidate model and log the attempt; exit 1 when rejected')
    .requiredOption(
      '--validation <file>',
      'JSON validation results: accuracy, regimeAccuracy, sectorAccuracy, driftScore, replayImprovement and/or raw predictions',
    )
    .option('--actor <name>', 'who asks (written to history)')
    .option('--notes <text>', 'notes (written to history)')
    .option('--as-of <date>', "the data time the evidence speaks for (default: the predictions' newest timestamp)")
    .option(
      '--model-version <version>',
      "the modelVersion the model's predictions carry (optional; a promotion of these bytes inherits it)",
    )
    .action(
      (
        modelPath: string,
        opts: { validation: string; actor?: string; notes?: string; asOf?: string; modelVersion?: string },
      ) =>
        run(async () => {
          const validation = await readValidation(opts.validation, ctx);
          return ctx.withService(gateToken, async (gate: ModelPromotionGate) => {
            const r = validationView(
              await gate.validateModel(modelPath, validation, {
                actor: text(opts.actor, '--actor'),
                notes: text(opts.notes, '--notes'),
                asOf: text(opts.asOf, '--as-of'),
                ...version(opts.modelVersion),
              }),
            );
            if (ctx.json()) ctx.printJson(r);
            else {
              printChecks(r.checks, ctx);
              io.stdout.write(
                r.approved
                  ? `APPROVED: ${r.recommendation} (history row ${r.id}, sha256 ${r.modelSha256?.slice(0, 12)})\n`
                  : `REJECTED (history row ${r.id}, sha256 ${r.modelSha256?.slice(0, 12)}):\n${r.reasons.map((x) => `  - ${x}`).join('\n')}\n`,
              );
            }
            return r.approved ? EXIT.ok : EXIT.rejected;
          });
        }),
    );

  gate
    .command('promote <modelPath>')
    .description(
      'copy an approved model into production atomically (its latest validation must have approved it); exit 1 when its validation rejected it',
    )
    .option('--no-backup', 'do not keep the replaced production model as a backup')
    .option('--actor <name>', 'who promotes (written to history)')
    .option('--notes <text>', 'notes (written to history)')
    .option('--as-of <date>', "the data time it speaks for (default: its decision's)")
    .option(
      '--model-version <version>',
      "the modelVersion the model's predictions carry; required unless its validation named it",
    )
    .action(
      (
        modelPath: string,
        opts: { backup: boolean; actor?: string; notes?: string; asOf?: string; modelVersion?: string },
      ) =>
        run(() =>
          ctx.withService(gateToken, async (gate: ModelPromotionGate) => {
            let r: Awaited<ReturnType<ModelPromotionGate['promoteModel']>>;
            try {
              r = await gate.promoteModel(modelPath, {
                backupOld: opts.backup,
                actor: text(opts.actor, '--actor'),
                notes: text(opts.notes, '--notes'),
                asOf: text(opts.asOf, '--as-of'),
                ...version(opts.modelVersion),
              });
            } catch (e) {
              // The gate refused because the model's latest validation rejected it: a verdict, not bad usage.
              if (isVigilError(e, 'VIGIL_INVALID_INPUT') && typeof e.details.historyId === 'number') {
                io.stderr.write(`vigil: promotion refused: ${e.message}\n`);
                return EXIT.rejected;
              }
              throw e;
            }
            const out = {
              promoted: true,
              productionPath: r.productionPath,
              backupPath: r.backupPath,
              modelVersion: r.modelVersion,
              historyId: r.historyId,
              decisionId: r.decisionId,
              modelSha256: r.modelSha256,
            };
            if (ctx.json()) ctx.printJson(out);
            else
              io.stdout.write(
                `promoted ${r.modelPath} (modelVersion ${r.modelVersion}) to ${r.productionPath} (history row ${r.historyId}, approved by validation row ${r.decisionId})${r.backupPath ? `; previous model kept at ${r.backupPath}` : ''}\n`,
              );
            return EXIT.ok;
          }),
        ),
    );

  gate
    .command('rollback')
    .description('restore the most recent backup into production (the replaced model is kept)')
    .option('--kind <kind>', 'file or directory (default: the newer backup of either)')
    .option('--actor <name>', 'who rolls back (written to history)')
    .option('--notes <text>', 'notes (written to history)')
    .option('--as-of <date>', 'the data time it speaks for (default: none; the recorded time stands in)')
    .option(
      '--model-version <version>',
      "the modelVersion the model's predictions carry restored, when no history row names it (default: the history's)",
    )
    .action((opts: { kind?: string; actor?: string; notes?: string; asOf?: string; modelVersion?: string }) =>
      run(() =>
        ctx.withService(gateToken, async (gate: ModelPromotionGate) => {
          if (opts.kind !== undefined && opts.kind !== 'file' && opts.kind !== 'directory')
            throw usageError(`--kind must be file or directory, got ${JSON.stringify(opts.kind)}`);
          const r = await gate.rollback({
            actor: text(opts.actor, '--actor'),
            notes: text(opts.notes, '--notes'),
            asOf: text(opts.asOf, '--as-of'),
            ...version(opts.modelVersion),
            ...(opts.kind ? { kind: opts.kind as 'file' | 'directory' } : {}),
          });
          const out = {
            restored: r.restoredFrom,
            productionPath: r.productionPath,
            replacedPath: r.replacedPath,
            modelVersion: r.modelVersion,
            historyId: r.historyId,
            modelSha256: r.modelSha256,
          };
          if (ctx.json()) ctx.printJson(out);
          else
            io.stdout.write(
              `restored ${r.restoredFrom} (modelVersion ${r.modelVersion ?? 'unknown: no history row names it'}) to ${r.productionPath} (history row ${r.historyId})${r.replacedPath ? `; the replaced model is kept at ${r.replacedPath}` : ''}\n`,
            );
          return EXIT.ok;
        }),
      ),
    );

  gate
    .command('override <modelPath>')
    .description(
      'emergency: promote a model its validation rejected; needs --actor and --reason, both recorded with the checks it overrides',
    )
    .requiredOption('--actor <name>', 'who takes responsibility')
    .requiredOption('--reason <text>', 'why the failed checks are accepted')
    .option('--no-backup', 'do not keep the replaced production model as a backup')
    .option('--as-of <date>', "the data time it speaks for (default: the overridden validation's)")
    .option(
      '--model-version <version>',
      "the modelVersion the model's predictions carry; required unless its validation named it",
    )
    .action(
      (
        modelPath: string,
        opts: { actor: string; reason: string; backup: boolean; asOf?: string; modelVersion?: string },
      ) =>
        run(() =>
          ctx.withService(gateToken, async (gate: ModelPromotionGate) => {
            const r = await gate.overrideModel(modelPath, {
              actor: opts.actor,
              reason: opts.reason,
              backupOld: opts.backup,
              asOf: text(opts.asOf, '--as-of'),
              ...version(opts.modelVersion),
            });
            const report = (await historyReports(gate, 50, 0)).rows.find((x) => x.id === r.historyId);
            if (ctx.json())
              ctx.printJson({
                ...report,
                productionPath: r.productionPath,
                backupPath: r.backupPath,
                overrides: r.decisionId,
              });
            else {
              io.stdout.write(
                `OVERRIDE by ${opts.actor} (history row ${r.historyId}, overriding validation row ${r.decisionId}): ${opts.reason}\n`,
              );
              io.stdout.write(
                `promoted ${r.modelPath} (modelVersion ${r.modelVersion}) to ${r.productionPath}${r.backupPath ? `; previous model kept at ${r.backupPath}` : ''}\n`,
              );
              const failed = (report?.checks ?? []).filter((c) => c.status !== 'pass');
              if (failed.length) {
                io.stdout.write('overridden checks:\n');
                printChecks(failed, ctx);
              }
            }
            return EXIT.ok;
          }),
        ),
    );

  const shadow = gate
    .command('shadow')
    .description(
      'champion vs challenger: observe a candidate on live traffic (its predictions logged under its own modelVersion, never acted on) and compare it with the champion over the same rows',
    );
  const shadowLine = (s: ShadowView): string =>
    `shadow ${s.id}: ${s.model} vs champion ${s.champion}, rows from ${s.since}${s.until ? ` to ${s.until} (stopped)` : ' (active)'}${s.modelPath ? `, model ${s.modelPath}` : ''}`;
  shadow
    .command('start')
    .description('start observing a challenger in shadow of the champion')
    .requiredOption('--model <id>', "the challenger's model id (the modelVersion its predictions carry)")
    .option(
      '--champion <id>',
      "the champion's model id (the production model's modelVersion); default: the model live at --since",
    )
    .option(
      '--model-path <path>',
      "the candidate's file or directory (inside modelsDir): validation finds the shadow by it",
    )
    .option('--since <date>', 'data time from which rows count (default now)')
    .option('--actor <name>', 'who starts it')
    .option('--notes <text>', 'notes')
    .action((opts: StartShadow & { since?: string }) =>
      run(() =>
        ctx.withService(shadowRecordsToken, async (shadows: ShadowRecords) => {
          const s = await shadows.start({
            model: opts.model,
            ...(opts.champion !== undefined ? { champion: opts.champion } : {}),
            modelPath: opts.modelPath,
            since: opts.since,
            actor: text(opts.actor, '--actor'),
            notes: text(opts.notes, '--notes'),
          });
          if (ctx.json()) ctx.printJson(s);
          else io.stdout.write(`started ${shadowLine(s)}\n`);
          return EXIT.ok;
        }),
      ),
    );
  shadow
    .command('stop <model>')
    .description("stop a challenger's shadow observation; its rows stay comparable")
    .option('--until <date>', 'data time at which it stops (default now)')
    .option('--actor <name>', 'who stops it')
    .option('--notes <text>', 'notes')
    .action((model: string, opts: { until?: string; actor?: string; notes?: string }) =>
      run(() =>
        ctx.withService(shadowRecordsToken, async (shadows: ShadowRecords) => {
          const s = await shadows.stop(model, {
            until: opts.until,
            actor: text(opts.actor, '--actor'),
            notes: text(opts.notes, '--notes'),
          });
          if (ctx.json()) ctx.printJson(s);
          else io.stdout.write(`stopped ${shadowLine(s)}\n`);
          return EXIT.ok;
        }),
      ),
    );
  shadow
    .command('list')
    .description('every shadow observation, newest first')
    .option('--active', 'only the running ones')
    .action((opts: { active?: boolean }) =>
      run(() =>
        ctx.withService(shadowRecordsToken, async (shadows: ShadowRecords) => {
          const list = await shadows.list(opts.active ? { active: true } : {});
          if (ctx.json()) ctx.printJson({ shadows: list });
          else {
            ctx.printTable(
              ['id', 'challenger', 'champion', 'since (data)', 'until (data)', 'started (recorded)', 'model path'],
              list.map((s) => [
                s.id,
                s.model,
                s.champion,
                s.since,
                s.until ?? 'active',
                s.startedAt,
                s.modelPath ?? '-',
              ]),
            );
            io.stdout.write(`${list.length} shadow(s)\n`);
          }
          return EXIT.ok;
        }),
      ),
    );
  shadow
    .command('compare [model]')
    .description(
      'the challenger against the champion over the same resolved rows, by trading day (default: the newest shadow)',
    )
    .action((model: string | undefined) =>
      run(() =>
        ctx.withService(shadowRecordsToken, async (shadows: ShadowRecords) => {
          const s =
            model === undefined ? (await shadows.list())[0] : await shadows.find({ model: text(model, 'model') });
          if (!s) {
            io.stderr.write(
              `vigil: ${model === undefined ? 'no shadow recorded yet' : `no shadow record for model ${JSON.stringify(model)}`}\n`,
            );
            return EXIT.usage;
          }
          const c = await shadows.compare(s);
          if (ctx.json()) ctx.printJson(c);
          else {
            const { num } = ctx;
            io.stdout.write(`${shadowLine(s)}\n`);
            ctx.printTable(
              ['day', 'rows', `champion ${s.champion}`, `challenger ${s.model}`],
              c.byDay.map((d) => [d.day, d.rows, num(d.championAccuracy), num(d.challengerAccuracy)]),
            );
            io.stdout.write(
              `${c.rows} paired rows over ${c.days} days: challenger ${num(c.challengerAccuracy)} vs champion ${num(c.championAccuracy)}; better on ${c.daysChallengerBetter} days vs ${c.daysChampionBetter} (${c.tiedDays} tied); sign test one-sided p=${c.pBetter.toPrecision(3)}${c.interval ? `; difference 95% [${num(c.interval.lower)}, ${num(c.interval.upper)}]` : ''}\n`,
            );
          }
          return EXIT.ok;
        }),
      ),
    );

  gate
    .command('history')
    .description('every promotion attempt, newest first')
    .option('--limit <n>', 'rows to show', ctx.args.int(1, 500), 20)
    .option('--offset <n>', 'rows to skip', ctx.args.int(0), 0)
    .action((opts: { limit: number; offset: number }) =>
      run(() =>
        ctx.withService(gateToken, async (gate: ModelPromotionGate) => {
          const h = await historyReports(gate, opts.limit, opts.offset);
          if (ctx.json()) ctx.printJson(h);
          else {
            ctx.printTable(
              [
                'id',
                'as of (data)',
                'recorded',
                'action',
                'model',
                'file',
                'decision',
                'promoted',
                'actor',
                'failed checks',
                'notes',
              ],
              h.rows.map((r) => [
                r.id,
                r.asOf?.slice(0, 10) ?? '-',
                r.timestamp,
                r.action,
                r.modelVersion ?? 'unknown',
                r.modelPath,
                r.action === 'override'
                  ? 'OVERRIDE'
                  : r.action === 'rollback'
                    ? r.promotedToProduction
                      ? 'ROLLBACK'
                      : 'REFUSED'
                    : r.approved
                      ? 'APPROVED'
                      : r.action === 'validate'
                        ? 'REJECTED'
                        : 'REFUSED',
                r.promotedToProduction ? 'yes' : 'no',
                r.actor ?? '-',
                r.checks
                  .filter((c) => c.status !== 'pass')
                  .map((c) => c.id)
                  .join(', ') || '-',
                r.notes ?? '-',
              ]),
            );
            io.stdout.write(`${h.rows.length} of ${h.total} row(s)\n`);
          }
          return EXIT.ok;
        }),
      ),
    );

  gate
    .command('verify')
    .description(
      "verify the history's hash chain (HMAC-keyed rows with VIGIL_HISTORY_KEY or plugins.gate.options.historyKeyFile); exit 1 naming the first altered or missing row",
    )
    .option(
      '--head <hash>',
      'a head recorded earlier (`vigil gate head`, or the log line of a decision): it must still be in the chain',
    )
    .action((opts: { head?: string }) =>
      run(() =>
        ctx.withService(gateToken, async (gate: ModelPromotionGate) => {
          const v = await gate.verifyHistory({ head: text(opts.head, '--head') });
          if (ctx.json())
            ctx.printJson({
              ok: v.ok,
              rows: v.rows,
              keyedRows: v.keyedRows,
              legacyRows: v.legacyRows,
              firstBadId: v.firstBadId ?? null,
              reason: v.reason ?? null,
              head: v.head,
            });
          else if (v.ok)
            io.stdout.write(
              `history chain intact: ${v.rows} row(s) (${v.keyedRows} keyed)${v.legacyRows ? ` plus ${v.legacyRows} legacy row(s) before the chain` : ''}${opts.head ? '; the recorded head is in it' : ''}; head ${v.head}\n`,
            );
          else
            io.stdout.write(
              `history chain BROKEN${v.firstBadId === null ? '' : ` at row ${v.firstBadId}`}: ${v.reason}\n`,
            );
          return v.ok ? EXIT.ok : EXIT.rejected;
        }),
      ),
    );

  gate
    .command('production')
    .description(
      'what is in production now: the modelVersion its predictions carry, its file, and the decision that put it there',
    )
    .action(() =>
      run(() =>
        ctx.withService(gateToken, async (gate: ModelPromotionGate) => {
          const p = await gate.productionNow();
          if (ctx.json()) ctx.printJson(p);
          else if (!p) io.stdout.write('nothing in production yet: no promotion, override or rollback went through\n');
          else
            io.stdout.write(
              `live: modelVersion ${p.modelVersion ?? 'unknown (the row that put it there named none)'} · ${p.modelPath} (sha256 ${p.modelSha256?.slice(0, 12) ?? '-'})\n` +
                `  by ${p.action} (history row ${p.historyId}) as of ${p.asOf ?? '-'}, recorded ${p.recordedAt}${p.actor ? ` by ${p.actor}` : ''}\n` +
                (p.decision
                  ? `  allowed by ${p.decision.action} row ${p.decision.historyId} (${p.decision.approved ? 'approved' : 'overridden'})\n`
                  : '  no gate decision covers these bytes\n'),
            );
          return EXIT.ok;
        }),
      ),
    );

  gate
    .command('head')
    .description(
      "print the history chain's head (newest row id and hash) for an auditor to keep outside the database; --append adds it to a file",
    )
    .option('--append <file>', 'append "<time> <id> <head>" to this file')
    .action((opts: { append?: string }) =>
      run(() =>
        ctx.withService(gateToken, async (gate: ModelPromotionGate) => {
          const h = await gate.historyHead();
          const line = `${new Date().toISOString()} ${h.id ?? 0} ${h.head}`;
          if (opts.append) {
            try {
              await appendFile(opts.append, `${line}\n`);
            } catch (e) {
              throw usageError(`--append: cannot write ${opts.append}: ${(e as Error).message}`);
            }
          }
          if (ctx.json()) ctx.printJson(h);
          else io.stdout.write(`${line}\n`);
          return EXIT.ok;
        }),
      ),
    );
}
