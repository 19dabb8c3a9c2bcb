import {
  EVERY_MODEL,
  clockToken,
  liveModelsToken,
  type ReportQuery,
  type ReportSection,
  type VigilReport,
  isVigilError,
  predictionLogToken,
  withoutAbsolutePaths,
} from '@vigil/core';
import { createRequire } from 'node:module';
import type { VigilHost } from '@vigil/host';

const { version: serverVersion } = createRequire(import.meta.url)('../../package.json') as { version: string };

const STATUSES = new Set<string>(['ok', 'info', 'warning', 'alert', 'disabled', 'error']);
const KINDS = new Set<string>(['figures', 'table', 'chart', 'text']);

/** The host's own section: what the prediction log holds for the query, per model version. */
async function predictionsSection(host: VigilHost, q: ReportQuery): Promise<ReportSection> {
  const rows = await host.container
    .resolve(predictionLogToken)
    .modelSummary({ from: q.from, to: q.to, modelVersion: q.model });
  const total = rows.reduce((a, r) => a + r.logged, 0);
  const resolved = rows.reduce((a, r) => a + r.resolved, 0);
  const correct = rows.reduce((a, r) => a + r.correct, 0);
  return {
    id: 'predictions',
    title: 'Predictions in scope',
    status: total ? 'info' : 'warning',
    summary: total
      ? `${total} predictions from ${rows.length} model version(s), ${resolved} resolved.`
      : 'No prediction in the prediction log matches this model and date range.',
    blocks: [
      {
        kind: 'figures',
        items: [
          { label: 'predictions', value: total, unit: 'count' },
          { label: 'resolved', value: resolved, unit: 'count' },
          { label: 'accuracy (resolved)', value: resolved ? correct / resolved : null, unit: 'share' },
          { label: 'model versions', value: rows.length, unit: 'count' },
        ],
      },
      {
        kind: 'table',
        title: 'By model version',
        columns: [
          { key: 'model', label: 'model' },
          { key: 'predictions', label: 'predictions', unit: 'count' },
          { key: 'resolved', label: 'resolved', unit: 'count' },
          { key: 'accuracy', label: 'accuracy', unit: 'share' },
          { key: 'first', label: 'first' },
          { key: 'last', label: 'last' },
        ],
        rows: rows.map((r) => ({
          model: r.modelVersion,
          predictions: r.logged,
          resolved: r.resolved,
          accuracy: r.resolved ? r.correct / r.resolved : null,
          first: r.first,
          last: r.last,
        })),
      },
    ],
  };
}

/** A plugin's sections, checked: a malformed or failing contribution becomes an `error` section naming the plugin. */
async function pluginSections(
  pluginId: string,
  report: (q: ReportQuery) => Promise<readonly ReportSection[]>,
  q: ReportQuery,
): Promise<ReportSection[]> {
  const failed = (why: string): ReportSection[] => [
    {
      id: pluginId,
      title: pluginId,
      status: 'error',
      summary: `plugin '${pluginId}' failed to report: ${why}`,
      blocks: [],
    },
  ];
  let sections: readonly ReportSection[];
  try {
    sections = await report(q);
  } catch (e) {
    return failed(withoutAbsolutePaths(isVigilError(e) ? e.message : String((e as Error)?.message ?? e)));
  }
  if (!Array.isArray(sections)) return failed('report() must return an array of sections');
  for (const s of sections) {
    const problem =
      typeof s?.id !== 'string' || !(s.id === pluginId || s.id.startsWith(`${pluginId}.`))
        ? `section id ${JSON.stringify(s?.id)} must be '${pluginId}' or '${pluginId}.<name>'`
        : typeof s.title !== 'string' || typeof s.summary !== 'string'
          ? `section '${s.id}' needs a title and a summary`
          : !STATUSES.has(s.status)
            ? `section '${s.id}' has status ${JSON.stringify(s.status)}`
            : !Array.isArray(s.blocks) ||
                (s.blocks as readonly { kind?: string }[]).some((b) => !KINDS.has(b?.kind ?? ''))
              ? `section '${s.id}' has a block of unknown kind`
              : undefined;
    if (problem) return failed(problem);
  }
  return [...sections];
}

/**
 * The model a report covers: the one asked for; without one, the model live now as the gate
 * records it (core's LiveModels), else every model; `*` asks for every model side by side.
 */
async function reportQuery(host: VigilHost, q: ReportQuery): Promise<ReportQuery> {
  if (q.model === EVERY_MODEL) {
    const { model: _every, ...rest } = q;
    return rest;
  }
  if (q.model !== undefined) return q;
  const c = host.container;
  const live = await c.resolve(liveModelsToken).at(c.resolve(clockToken).now().toISOString());
  return live.live === null ? q : { ...q, model: live.live };
}

/**
 * The report for a query: the host's predictions section, then each installed plugin's sections
 * in dependency order. A disabled plugin gets a `disabled` section saying so and how to enable
 * it; an enabled one without `report` is listed with no sections. Names no plugin.
 */
export async function buildReport(host: VigilHost, asked: ReportQuery, version = serverVersion): Promise<VigilReport> {
  const q = await reportQuery(host, asked);
  const sections: ReportSection[] = [await predictionsSection(host, q)];
  const plugins: { id: string; enabled: boolean; sections: string[] }[] = [];
  const initialized = new Map(host.initialized.map((i) => [i.plugin.id, i.instance]));
  for (const p of host.installed) {
    const instance = initialized.get(p.id);
    let own: ReportSection[] = [];
    if (!instance)
      own = [
        {
          id: p.id,
          title: p.description ? `${p.id}: ${p.description}` : p.id,
          status: 'disabled',
          summary: `plugin '${p.id}' is disabled in the config (plugins.${p.id}.enabled: false): nothing of it is in this report; enable it to include it.`,
          blocks: [],
        },
      ];
    else if (instance.report) own = await pluginSections(p.id, instance.report.bind(instance), q);
    plugins.push({ id: p.id, enabled: Boolean(instance), sections: own.map((s) => s.id) });
    sections.push(...own);
  }
  return {
    title: 'Vigil report',
    generatedAt: new Date().toISOString(),
    version,
    database: host.config.database.type,
    query: { model: q.model ?? null, from: q.from ?? null, to: q.to ?? null },
    plugins,
    sections,
  };
}
