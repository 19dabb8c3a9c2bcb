import {
  type CriterionContext,
  type CriterionResult,
  type CriterionStatus,
  type GateCriterion,
  type Issue,
  type NormalizedConfig,
  VigilError,
  criterionPluginId,
  describeValue,
} from '@vigil/core';

/** A criterion may declare the range its threshold lives in (default [0, 1]). */
export type RangedCriterion = GateCriterion & { readonly thresholdRange?: readonly [number, number] };

/** One criterion's verdict as the gate reports it. */
export interface CriterionOutcome extends CriterionResult {
  readonly id: string;
  readonly description: string;
  readonly required: boolean;
  readonly threshold: number | null;
  readonly durationMs: number;
}

const TIMED_OUT = Symbol('timed out');

const STATUSES: readonly CriterionStatus[] = ['pass', 'fail', 'insufficient', 'error'];

/** Duplicate ids are a wiring error: two plugins would both claim the verdict. */
export function assertUniqueCriteria(criteria: readonly GateCriterion[]): void {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const c of criteria) (seen.has(c.id) ? dup : seen).add(c.id);
  if (dup.size) {
    const ids = [...dup].sort();
    throw new VigilError(
      'VIGIL_DUPLICATE_CRITERION',
      `gate criterion id${ids.length > 1 ? 's' : ''} ${ids.map((i) => `'${i}'`).join(', ')} registered more than once (by plugin${ids.length > 1 ? 's' : ''} ${[...new Set(ids.map(criterionPluginId))].join(', ')}); each id must be registered once`,
      { details: { ids } },
    );
  }
}

/** The threshold in force for each criterion: config, else its default; config values checked against the criterion's range. */
export function thresholdsInForce(
  criteria: readonly RangedCriterion[],
  configured: Readonly<Record<string, number>>,
): { thresholds: Map<string, number | undefined>; issues: Issue[] } {
  const thresholds = new Map<string, number | undefined>();
  const issues: Issue[] = [];
  for (const c of criteria) {
    const [lo, hi] = c.thresholdRange ?? [0, 1];
    const t = configured[c.id];
    if (t !== undefined && !(typeof t === 'number' && t >= lo && t <= hi)) {
      issues.push({
        path: `plugins.gate.options.thresholds.${c.id}`,
        message: `must be a number in [${lo}, ${hi}], got ${describeValue(t)}`,
        value: t,
      });
    }
    thresholds.set(c.id, t ?? c.defaultThreshold);
  }
  return { thresholds, issues };
}

/** Why a required criterion has no verdict, naming the plugin that provides it and how to fix it. */
export function missingCriterionReason(id: string, config: Pick<NormalizedConfig, 'plugins'>): string {
  const pluginId = criterionPluginId(id);
  const entry = config.plugins[pluginId];
  const state = !entry
    ? `plugin '${pluginId}', which provides it, is not installed; install and enable ${pluginId}`
    : !entry.enabled
      ? `plugin '${pluginId}', which provides it, is disabled; enable ${pluginId}`
      : `plugin '${pluginId}' is enabled but registered no criterion '${id}'; check the id`;
  return `required criterion '${id}' was not evaluated: ${state}, or remove '${id}' from plugins.gate.options.required`;
}

function outcome(
  c: GateCriterion,
  required: boolean,
  threshold: number | undefined,
  r: CriterionResult,
  durationMs: number,
): CriterionOutcome {
  return {
    ...r,
    id: c.id,
    description: c.description,
    required,
    threshold: r.threshold ?? threshold ?? null,
    value: r.value ?? null,
    durationMs,
  };
}

/**
 * Runs one criterion: a throw, a rejected promise, a malformed result or a timeout all become
 * an `error` verdict carrying the message, so a broken criterion fails closed, never open.
 */
export async function evaluateCriterion(
  c: GateCriterion,
  ctx: CriterionContext,
  required: boolean,
  timeoutMs: number,
): Promise<CriterionOutcome> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const fail = (message: string, details: Record<string, unknown> = {}): CriterionOutcome =>
    outcome(c, required, ctx.threshold, { status: 'error', value: null, message, details }, performance.now() - t0);
  try {
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
      timer.unref?.();
    });
    const r = await Promise.race([Promise.resolve().then(() => c.evaluate(ctx)), timeout]);
    if (r === TIMED_OUT)
      return fail(
        `criterion '${c.id}' did not answer within ${timeoutMs} ms (plugins.gate.options.criterionTimeoutMs)`,
        { timeoutMs },
      );
    if (typeof r !== 'object' || r === null || !STATUSES.includes(r.status) || typeof r.message !== 'string') {
      return fail(
        `criterion '${c.id}' returned an invalid result (status must be one of ${STATUSES.join('|')} with a message), got ${describeValue(r)}`,
      );
    }
    if (r.value !== undefined && r.value !== null && !Number.isFinite(r.value)) {
      return fail(`criterion '${c.id}' returned a non-finite value ${r.value}`);
    }
    return outcome(c, required, ctx.threshold, r, performance.now() - t0);
  } catch (e) {
    const err = e as Error;
    return fail(`criterion '${c.id}' threw: ${err?.message ?? String(e)}`, {
      error: err?.name ?? 'Error',
      ...(err?.stack ? { stack: err.stack.split('\n').slice(0, 6).join('\n') } : {}),
    });
  } finally {
    clearTimeout(timer);
  }
}

export interface Decision {
  readonly approved: boolean;
  readonly checksPassed: string[];
  readonly checksFailed: string[];
  /** One line per blocking problem: a required criterion that did not pass or was not registered. */
  readonly reasons: string[];
}

/** Approval needs every required criterion registered and passing; optional ones only report. */
export function decide(results: readonly CriterionOutcome[], missing: ReadonlyMap<string, string>): Decision {
  const checksPassed: string[] = [];
  const checksFailed: string[] = [];
  const reasons: string[] = [];
  for (const r of results) {
    if (r.status === 'pass') checksPassed.push(r.id);
    else {
      checksFailed.push(r.id);
      // an advisory `insufficient` (the criterion's config says missing evidence does not block) is reported only
      if (r.required && !(r.status === 'insufficient' && r.advisory === true))
        reasons.push(`${r.id}: ${r.status}: ${r.message}`);
    }
  }
  for (const [id, reason] of missing) {
    checksFailed.push(id);
    reasons.push(reason);
  }
  if (checksPassed.length === 0 && reasons.length === 0)
    reasons.push('no criterion passed: nothing vouches for this model (is any criterion registered and required?)');
  return { approved: reasons.length === 0, checksPassed, checksFailed, reasons };
}
