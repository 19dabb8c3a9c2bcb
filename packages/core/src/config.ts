import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type Issue, VigilError, describeValue } from './errors.js';
import type { AnyPlugin } from './plugin.js';

/** The shortest API token accepted from any source (flag, VIGIL_API_TOKEN, config). */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Why a bearer token is unusable, or undefined: at least 16 characters, printable ASCII without
 * whitespace (RFC 6750's token characters are a subset; a token with spaces could never arrive
 * intact in an Authorization header). The message never repeats the token.
 */
export function apiTokenProblem(token: string): string | undefined {
  if (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    return `must be at least ${MIN_TOKEN_LENGTH} printable ASCII characters without whitespace (got ${token.length} character${token.length === 1 ? '' : 's'}${/\s/.test(token) ? ', with whitespace' : ''}; the value is not shown)`;
  }
  return undefined;
}

/** A URL with its password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, '$1:***@');
}

const sqliteDatabase = z
  .object({
    type: z.literal('sqlite'),
    /** A file path, or ':memory:' for throwaway tests. */
    path: z.string().min(1).default('./vigil.db'),
    wal: z.boolean().default(true),
    busyTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
  })
  .strict();

const postgresDatabase = z
  .object({
    type: z.literal('postgres'),
    url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
    poolSize: z.number().int().min(1).max(100).default(10),
  })
  .strict();

/** `database.type` may be omitted: it defaults to sqlite (a block with only `path`, or nothing). */
export const databaseConfigSchema = z.preprocess(
  (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && !('type' in v) ? { type: 'sqlite', ...v } : v),
  z.discriminatedUnion('type', [sqliteDatabase, postgresDatabase]),
);
export type DatabaseConfig = z.output<typeof databaseConfigSchema>;

const pluginEntry = z
  .object({
    enabled: z.boolean().default(true),
    options: z.unknown().optional(),
  })
  .strict();

export const vigilConfigSchema = z
  .object({
    database: databaseConfigSchema.default({ type: 'sqlite', path: './vigil.db', wal: true, busyTimeoutMs: 10_000 }),
    /** The class labels a model may predict (e.g. [0, 1] for down/up). */
    labels: z
      .array(z.number().int())
      .min(2)
      .default([0, 1])
      .refine((l) => new Set(l).size === l.length, 'labels must be distinct'),
    /** If set, observations with another regime are refused. */
    regimes: z.array(z.string().min(1)).min(1).optional(),
    log: z
      .object({ level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
    plugins: z.record(z.string(), pluginEntry).default({}),
    /**
     * Retention of the raw prediction log (`vigil prune`): resolved predictions observed more
     * than `days` ago, and those past each model's `rowsPerModel` newest rows, are deleted.
     * Unset: kept forever. Aggregates, the replay buffer, drift checks and gate history are kept.
     */
    retention: z
      .object({
        days: z.number().int().positive().optional(),
        rowsPerModel: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    /** The HTTP API (`vigil serve`). The token may also come from VIGIL_API_TOKEN. */
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(8787),
        token: z
          .string()
          .superRefine((t, ctx) => {
            const problem = apiTokenProblem(t);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          })
          .optional(),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8787 }),
  })
  .strict();

/** Config as written (file or object). */
export type VigilConfigInput = z.input<typeof vigilConfigSchema>;

/** How long the raw prediction log keeps resolved rows (see `retention` in the config schema). */
export interface RetentionPolicy {
  readonly days?: number | undefined;
  readonly rowsPerModel?: number | undefined;
}

export interface PluginConfig {
  readonly enabled: boolean;
  readonly options: unknown;
}

/** Config after validation: defaults applied, plugin options parsed, enabled plugins ordered. */
export interface NormalizedConfig {
  readonly database: DatabaseConfig;
  readonly labels: readonly number[];
  readonly regimes?: readonly string[] | undefined;
  readonly log: { readonly level: 'debug' | 'info' | 'warn' | 'error' | 'silent' };
  readonly plugins: Readonly<Record<string, PluginConfig>>;
  readonly retention: RetentionPolicy;
  readonly server: { readonly host: string; readonly port: number; readonly token?: string | undefined };
  /** Enabled plugin ids, dependencies first. */
  readonly order: readonly string[];
}

export class ConfigError extends VigilError {
  constructor(issues: readonly Issue[]) {
    super(
      'VIGIL_CONFIG_INVALID',
      `invalid Vigil config (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      { issues },
    );
  }
}

const joinPath = (parts: readonly PropertyKey[]): string =>
  parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');

/** Orders enabled plugins so dependencies come first; reports each cycle as `a -> b -> a`. */
function orderPlugins(ids: readonly string[], deps: (id: string) => readonly string[], issues: Issue[]): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (id: string, stack: string[]): void => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(id)), id];
      const key = [...cycle.slice(0, -1)].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        issues.push({
          path: 'plugins',
          message: `dependency cycle ${cycle.join(' -> ')}; remove one of these dependsOn entries`,
        });
      }
      return;
    }
    state.set(id, 'visiting');
    for (const d of deps(id)) if (ids.includes(d)) visit(d, [...stack, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of ids) visit(id, []);
  return order;
}

/**
 * Validates written config against the installed plugins and returns it normalized.
 * Every problem is collected and thrown once as a `ConfigError`, each with its path and a fix.
 */
export function normalizeConfig(raw: unknown, plugins: readonly AnyPlugin[]): NormalizedConfig {
  const issues: Issue[] = [];
  const parsed = vigilConfigSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const path = joinPath(i.path) || '(root)';
      const input = (i as { input?: unknown }).input;
      // secrets are never echoed: the token not at all, a URL without its password
      const value =
        path === 'server.token'
          ? undefined
          : path === 'database.url' && typeof input === 'string'
            ? redactUrl(input)
            : input;
      issues.push({
        path,
        message: value === undefined ? i.message : `${i.message} (got ${describeValue(value)})`,
        value,
      });
    }
  }
  const base = parsed.success ? parsed.data : undefined;
  const written = (base?.plugins ?? (raw as { plugins?: Record<string, unknown> })?.plugins ?? {}) as Record<
    string,
    { enabled?: boolean; options?: unknown }
  >;

  const byId = new Map<string, AnyPlugin>();
  for (const p of plugins) {
    if (byId.has(p.id))
      issues.push({
        path: `plugins.${p.id}`,
        message: `two installed plugins share the id '${p.id}'; give each a unique id`,
      });
    byId.set(p.id, p);
  }
  const known = [...byId.keys()].sort().join(', ') || '(none)';
  for (const id of Object.keys(written)) {
    if (!byId.has(id))
      issues.push({ path: `plugins.${id}`, message: `unknown plugin '${id}'; known plugins: ${known}` });
  }

  const enabled = new Map<string, boolean>();
  for (const p of plugins) enabled.set(p.id, written[p.id]?.enabled ?? true);
  const enabledIds = plugins.filter((p) => enabled.get(p.id)).map((p) => p.id);

  for (const id of enabledIds) {
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(dep))
        issues.push({
          path: `plugins.${id}`,
          message: `depends on '${dep}', which is not installed; install it or disable ${id} (known plugins: ${known})`,
        });
      else if (!enabled.get(dep))
        issues.push({
          path: `plugins.${id}`,
          message: `depends on '${dep}', which is disabled; enable ${dep} or disable ${id}`,
        });
    }
  }
  const order = orderPlugins(enabledIds, (id) => byId.get(id)?.dependsOn ?? [], issues);

  const pluginConfigs: Record<string, PluginConfig> = {};
  for (const p of plugins) {
    const isOn = enabled.get(p.id) ?? false;
    const rawOptions = written[p.id]?.options ?? {};
    let options: unknown = rawOptions;
    if (isOn && p.options) {
      const result = p.options['~standard'].validate(rawOptions);
      if (result instanceof Promise) {
        issues.push({
          path: `plugins.${p.id}.options`,
          message: 'the plugin option schema validates asynchronously; option schemas must be synchronous',
        });
      } else if (result.issues) {
        for (const i of result.issues) {
          const sub = (i.path ?? []).map((s) =>
            typeof s === 'object' && s !== null && 'key' in s ? s.key : s,
          ) as PropertyKey[];
          const value = sub.reduce<unknown>(
            (o, k) => (o && typeof o === 'object' ? (o as Record<PropertyKey, unknown>)[k] : undefined),
            rawOptions,
          );
          issues.push({
            path: `plugins.${p.id}.options${sub.length ? `.${joinPath(sub)}` : ''}`,
            message: value === undefined ? i.message : `${i.message} (got ${describeValue(value)})`,
            value,
          });
        }
      } else options = result.value;
    }
    pluginConfigs[p.id] = { enabled: isOn, options };
  }

  if (issues.length > 0 || !base) throw new ConfigError(issues);
  return {
    database: base.database,
    labels: base.labels,
    regimes: base.regimes,
    log: base.log,
    retention: base.retention,
    server: base.server,
    plugins: pluginConfigs,
    order,
  };
}

/** Reads a YAML or JSON config file (JSON is YAML). Validation happens in `normalizeConfig`. */
export function loadConfigFile(path: string): VigilConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new VigilError('VIGIL_CONFIG_INVALID', `cannot read config file ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  try {
    return (parseYaml(text) ?? {}) as VigilConfigInput;
  } catch (cause) {
    throw new VigilError(
      'VIGIL_CONFIG_INVALID',
      `config file ${path} is not valid YAML or JSON: ${(cause as Error).message}`,
      { cause },
    );
  }
}
