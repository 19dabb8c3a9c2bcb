/** One value of a metric: its labels (each of the metric's `labelNames`) and the number. */
export interface MetricSample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * A metric a plugin contributes to `GET /metrics` (Prometheus text format). Declared up front
 * (name, help, labels), collected on each scrape from the plugin's own services. The server
 * registers what the enabled plugins return and names none of them.
 */
export interface MetricDefinition {
  /** `vigil_<pluginId>_<what>[_<unit>]`, Prometheus naming (`_total` for counters). */
  readonly name: string;
  readonly help: string;
  /** `counter` for totals that only grow between restarts; `gauge` for levels and ratios. */
  readonly type: 'gauge' | 'counter';
  readonly labelNames?: readonly string[];
  collect(): Promise<readonly MetricSample[]> | readonly MetricSample[];
}

const METRIC_NAME = /^vigil_[a-z][a-z0-9_]*$/;
const LABEL_NAME = /^[a-z_][a-z0-9_]*$/;

/** Throws a TypeError naming the problem when a definition breaks the naming rules. */
export function assertMetric(m: MetricDefinition, pluginId: string): void {
  const prefix = `vigil_${pluginId.replace(/-/g, '_')}_`;
  if (!METRIC_NAME.test(m.name) || !m.name.startsWith(prefix))
    throw new TypeError(
      `plugin '${pluginId}': metric name ${JSON.stringify(m.name)} must match ${prefix}<name> (lower snake case)`,
    );
  if (m.type === 'counter' && !m.name.endsWith('_total'))
    throw new TypeError(`plugin '${pluginId}': counter ${m.name} must end in _total`);
  for (const l of m.labelNames ?? [])
    if (!LABEL_NAME.test(l) || l.startsWith('__'))
      throw new TypeError(
        `plugin '${pluginId}': metric ${m.name} label ${JSON.stringify(l)} is not a valid label name`,
      );
}
