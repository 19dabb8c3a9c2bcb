import {
  type GateCriterion,
  type InstalledPlugin,
  type Issue,
  VigilError,
  criterionPluginId,
  describeValue,
} from '@vigil/core';
import type { GateOptions } from './config.js';

/** A plugin that is installed but disabled, and the criteria it would provide. */
export interface DisabledCriteria {
  readonly plugin: string;
  readonly criterionIds: readonly string[];
}

/**
 * The criteria approval needs: each criterion's `requiredByDefault`, or `required` when config
 * lists them all; then `require` adds and `optional` drops.
 */
export function requiredIds(
  criteria: readonly GateCriterion[],
  o: Pick<GateOptions, 'required' | 'require' | 'optional'>,
): Set<string> {
  const base = o.required ?? criteria.filter((c) => c.requiredByDefault).map((c) => c.id);
  const ids = new Set([...base, ...o.require]);
  for (const id of o.optional) ids.delete(id);
  return ids;
}

/** Why a criterion config names is not registered, and how to fix it. */
export function absentReason(id: string, installed: readonly InstalledPlugin[]): string {
  const pluginId = criterionPluginId(id);
  const p = installed.find((x) => x.id === pluginId);
  if (!p) return `plugin '${pluginId}', which provides it, is not installed; install and enable ${pluginId}`;
  if (!p.enabled) return `plugin '${pluginId}', which provides it, is disabled; enable ${pluginId}`;
  return `plugin '${pluginId}' is enabled but provides no criterion '${id}'; check the id`;
}

/**
 * Checked when the gate starts, after every plugin's init: a criterion config requires that no
 * enabled plugin provides, or a threshold outside its criterion's range, fails `host.start()`.
 */
export function checkWiring(
  criteria: readonly GateCriterion[],
  o: GateOptions,
  installed: readonly InstalledPlugin[],
): void {
  const byId = new Map(criteria.map((c) => [c.id, c]));
  const issues: Issue[] = [];
  const explicit: [string, string][] = [
    ...(o.required ?? []).map((id) => ['required', id] as [string, string]),
    ...o.require.map((id) => ['require', id] as [string, string]),
  ];
  for (const [key, id] of explicit) {
    if (!byId.has(id))
      issues.push({
        path: `plugins.gate.options.${key}`,
        message: `'${id}' is required but ${absentReason(id, installed)}, or remove it from plugins.gate.options.${key}`,
        value: id,
      });
  }
  for (const [id, t] of Object.entries(o.thresholds)) {
    const c = byId.get(id);
    if (!c) continue;
    const [lo, hi] = c.thresholdRange ?? [0, 1];
    if (!(t >= lo && t <= hi))
      issues.push({
        path: `plugins.gate.options.thresholds.${id}`,
        message: `must be a number in [${lo}, ${hi}], got ${describeValue(t)}`,
        value: t,
      });
  }
  if (issues.length) {
    throw new VigilError(
      'VIGIL_PLUGIN_WIRING',
      `plugin 'gate': the gate's criteria are wired wrongly:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      { issues, details: { plugin: 'gate' } },
    );
  }
}

/** Installed, disabled plugins and the criteria they declare: the gate report names them as not evaluated. */
export function disabledCriteria(
  installed: readonly InstalledPlugin[],
  registered: ReadonlySet<string>,
): DisabledCriteria[] {
  return installed
    .filter((p) => !p.enabled)
    .map((p) => ({ plugin: p.id, criterionIds: p.criterionIds.filter((id) => !registered.has(id)) }));
}
