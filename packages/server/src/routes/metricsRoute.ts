import { type MetricDefinition, assertMetric, predictionLogToken } from '@vigil/core';
import type { VigilHost } from '@vigil/host';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The host's own metrics: what every deployment has, whatever plugins are enabled. */
function hostMetrics(host: VigilHost): MetricDefinition[] {
  const counts = () => host.container.resolve(predictionLogToken).counts();
  return [
    {
      name: 'vigil_host_predictions_logged',
      type: 'gauge',
      help: 'Predictions in the prediction log; falls when retention prunes',
      collect: async () => [{ value: (await counts()).logged }],
    },
    {
      name: 'vigil_host_predictions_resolved',
      type: 'gauge',
      help: 'Logged predictions whose outcome is recorded',
      collect: async () => [{ value: (await counts()).resolved }],
    },
    {
      name: 'vigil_host_plugin_enabled',
      type: 'gauge',
      help: 'Installed plugins: 1 enabled, 0 disabled',
      labelNames: ['plugin'],
      collect: () =>
        host.installed.map((p) => ({
          labels: { plugin: p.id },
          value: host.plugins.some((e) => e.id === p.id) ? 1 : 0,
        })),
    },
  ];
}

/**
 * Registers a metric with prom-client: values come from `collect()` on each scrape (the plugin's
 * own services), so the text is always what the API would answer at that moment.
 */
function register(registry: Registry, m: MetricDefinition): void {
  const labelNames = [...(m.labelNames ?? [])];
  const fill = async (metric: Gauge | Counter): Promise<void> => {
    const samples = await m.collect();
    metric.reset();
    for (const s of samples) {
      if (!Number.isFinite(s.value)) continue;
      if (metric instanceof Gauge) metric.set(s.labels ?? {}, s.value);
      else metric.inc(s.labels ?? {}, s.value);
    }
  };
  if (m.type === 'gauge') {
    new Gauge({
      name: m.name,
      help: m.help,
      labelNames,
      registers: [registry],
      async collect() {
        await fill(this);
      },
    });
  } else {
    new Counter({
      name: m.name,
      help: m.help,
      labelNames,
      registers: [registry],
      async collect() {
        await fill(this);
      },
    });
  }
}

/**
 * `GET /metrics` in Prometheus text format: the host's metrics, each enabled plugin's
 * contributions (`instance.metrics`), and Node's process metrics (`vigil_process_*`,
 * `vigil_nodejs_*`). The server names no plugin.
 */
export function metricsRoute(app: FastifyInstance, host: VigilHost): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_' });
  for (const m of hostMetrics(host)) register(registry, m);
  for (const { plugin, instance } of host.initialized) {
    for (const m of instance.metrics ?? []) {
      assertMetric(m, plugin.id);
      register(registry, m);
    }
  }
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['host'],
        summary:
          'Prometheus metrics (text exposition format 0.0.4): drift, accuracy, buffer, gate, host; see docs/api.md',
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        produces: ['text/plain'],
        response: {
          200: {
            description: 'Prometheus text exposition format 0.0.4',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (_req, reply) => {
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    },
  );
}
