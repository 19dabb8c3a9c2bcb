import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { EntitySchema, MixedList } from 'typeorm';
import type { NormalizedConfig } from './config.js';
import type { GateCriterion } from './criterion.js';
import { VigilError } from './errors.js';
import type { Logger } from './logger.js';
import type { MetricDefinition } from './metrics.js';
import type { PredictionRecord, ResolvedPrediction } from './records.js';
import type { ReportQuery, ReportSection } from './report.js';
import type { Token } from './tokens.js';
import type { TxContext } from './transactor.js';

/**
 * A plugin's option schema: any Standard Schema (zod, valibot, arktype...). It must validate
 * synchronously, since config is checked before anything starts; its output is the normalized
 * options (defaults applied), and that typed value is what `init` receives.
 */
export type OptionsSchema<O> = StandardSchemaV1<unknown, O>;

// biome-ignore lint/complexity/noBannedTypes: TypeORM takes migration classes by constructor.
export type MigrationClass = Function;
// biome-ignore lint/suspicious/noExplicitAny: entity schemas vary in their row type.
export type EntityDefinition = EntitySchema<any>;

/** What a hook gets: the batch's transaction and the plugin's logger. */
export interface HookContext extends TxContext {
  readonly logger: Logger;
}

export interface PluginHooks {
  /** New predictions, inside the transaction that logs them. Throwing rolls the batch back. */
  observe?(records: readonly PredictionRecord[], ctx: HookContext): Promise<void>;
  /** Predictions joined with their outcomes, inside the transaction that records them. */
  resolve?(records: readonly ResolvedPrediction[], ctx: HookContext): Promise<void>;
}

/**
 * A plugin's HTTP routes: a fastify plugin (`async (app) => { app.get('/x', ...) }`), mounted
 * encapsulated under `/api/<plugin-id>`. Typed loosely so core does not depend on fastify.
 */
// biome-ignore lint/suspicious/noExplicitAny: the fastify instance type lives in the server's dependency.
export type PluginRoutes = (app: any, opts: { readonly writeAuth: unknown }) => Promise<void>;

/** A dashboard tab: `script` is an ES module served from the plugin's package at `/plugins/<id>/<file>`. */
export interface PluginView {
  /** The view's heading and the page title. */
  readonly title: string;
  /** The tab's text (default `title`). */
  readonly label?: string;
  /** The tab's hash route (`#/<route>`); default the plugin id. */
  readonly route?: string;
  /** The directory holding `script` (an absolute path inside the plugin's package). */
  readonly dir: string;
  /** File name inside `dir`; it exports `render(root, ctx)`. */
  readonly script: string;
  /** Tab order, ascending (default 100). */
  readonly order?: number;
}

/** A service a plugin provides to the plugins that declare it in `deps`. */
export type Provided<T = unknown> = readonly [Token<T>, T];

/** What `init` returns: the plugin's services and its surfaces. Everything is optional. */
export interface PluginInstance {
  readonly provides?: readonly Provided[];
  /** Gate criteria; the host binds them under `gateCriterionToken` and rejects duplicate ids. */
  readonly criteria?: readonly GateCriterion[];
  readonly hooks?: PluginHooks;
  readonly routes?: PluginRoutes;
  readonly view?: PluginView;
  /** Metrics for `GET /metrics`, named `vigil_<plugin-id>_...`, collected on each scrape. */
  readonly metrics?: readonly MetricDefinition[];
  /**
   * The plugin's sections of `vigil report` / `GET /api/report`, for the query's model and
   * [from, to): typed figures, tables and chart series that the report renders (JSON or a
   * self-contained HTML page). Section ids are the plugin id or `<plugin-id>.<name>`.
   */
  report?(query: ReportQuery): Promise<readonly ReportSection[]>;
  /** Runs after every plugin's `init`, in dependency order (load state, check wiring). */
  start?(): Promise<void>;
  /** Called in reverse order; errors are collected, never stop the others. */
  stop?(): Promise<void>;
}

/** The tokens a plugin asks for, by the names `init` receives them under. */
// biome-ignore lint/suspicious/noExplicitAny: a record of differently typed tokens.
export type DepsSpec = Readonly<Record<string, Token<any>>>;
/** `{ tx: Token<Transactor> }` -> `{ tx: Transactor }`. */
export type ResolvedDeps<D extends DepsSpec> = { readonly [K in keyof D]: D[K] extends Token<infer T> ? T : never };

export interface MonitorPlugin<O = unknown, D extends DepsSpec = DepsSpec> {
  /** kebab-case, unique; also the route prefix (`/api/<id>`) and the CLI group (`vigil <id>`). */
  readonly id: string;
  readonly description?: string;
  /** Plugins that must be enabled and initialised first. */
  readonly dependsOn?: readonly string[];
  readonly options?: OptionsSchema<O>;
  readonly entities?: MixedList<EntityDefinition>;
  readonly migrations?: readonly MigrationClass[];
  /** The services `init` receives: core tokens or tokens other plugins provide. */
  readonly deps: D;
  /**
   * Ids of the gate criteria `init` returns, declared up front so the gate can name what is
   * missing while the plugin is disabled. When given, `init` must return exactly these.
   */
  readonly criterionIds?: readonly string[];
  /** The data source is open and migrated; the declared deps are resolved. Wiring only. */
  init(deps: ResolvedDeps<D>, options: O): PluginInstance | Promise<PluginInstance>;
  /** `vigil <id> ...`: commands, declared statically so `--help` and offline commands need no database. */
  readonly commands?: PluginCommands<O>;
}

/**
 * The CLI surface. `register` adds subcommands to the `vigil <id>` group (a commander `Command`);
 * `ctx.withService` starts a host, hands the action this plugin's service and options, and stops it.
 */
export interface PluginCommands<O = unknown> {
  readonly description: string;
  // biome-ignore lint/suspicious/noExplicitAny: the commander type lives in the CLI's dependency.
  register(group: any, ctx: CommandContext<O>): void;
}

export interface CommandIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
}

/** What the CLI hands a plugin's commands: its io, output, argument parsers and exit codes, so no plugin copies them. */
export interface CommandContext<O = unknown> {
  readonly io: CommandIO;
  /** `--json` was given. */
  json(): boolean;
  /**
   * Starts a host over the configured database, resolves `token`, runs `fn` with it and the
   * plugin's normalized options, stops the host. A disabled plugin is a usage error saying how to enable it.
   */
  withService<T, R>(token: Token<T>, fn: (service: T, options: O) => Promise<R>): Promise<R>;
  /** Exit codes: ok 0, rejected/drift 1, usage 2, internal 3, busy 75 (try again). */
  readonly exit: { readonly ok: 0; readonly rejected: 1; readonly usage: 2; readonly internal: 3; readonly busy: 75 };
  /** The exit code `run` gives a thrown error. */
  exitCodeFor(e: unknown): number;
  /** Wraps an action: maps thrown errors to exit codes. */
  run(fn: () => Promise<number>): Promise<void>;
  /** An error reported as a usage error (exit 2). */
  usageError(message: string): Error;
  printJson(value: unknown): void;
  /** A table on stdout; null and undefined cells print as `-`. */
  printTable(head: readonly string[], rows: readonly (readonly unknown[])[]): void;
  /** Option parsers for commander (`.option('--top <n>', '...', ctx.args.int(0, 1000), 10)`): a bad value is a usage error naming the option. */
  readonly args: {
    /** An integer in [min, max]. */
    int(min: number, max?: number): (value: string) => number;
    /** A finite number >= 0. */
    nonNegative(value: string): number;
    /** A repeatable, comma-separable list (`--x a --x b` or `--x a,b`). */
    list(value: string, previous?: string[]): string[];
  };
  /** The text of a file, or of stdin for no file or `-`; a file that cannot be read is a usage error naming it. */
  readInput(file: string | undefined): Promise<string>;
  /** `jsonl` or `csv` from `--format`, else from the file's extension, else `jsonl`; another `--format` is a usage error. */
  formatOf(file: string | undefined, format: string | undefined): 'jsonl' | 'csv';
  /** A share as a percentage (`12.3%`), `-` for null, undefined or NaN. */
  pct(v: number | null | undefined, digits?: number): string;
  /** A number with fixed digits, `-` for null, undefined or NaN. */
  num(v: number | null | undefined, digits?: number): string;
}

// biome-ignore lint/suspicious/noExplicitAny: a list of plugins holds differing option and deps types.
export type AnyPlugin = MonitorPlugin<any, any>;

const PLUGIN_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function assertPlugin(p: unknown): asserts p is AnyPlugin {
  const problems: string[] = [];
  const o = (p ?? {}) as Record<string, unknown>;
  if (typeof o.id !== 'string' || !PLUGIN_ID.test(o.id))
    problems.push(`id must be kebab-case, got ${JSON.stringify(o.id)}`);
  if (typeof o.init !== 'function') problems.push('init must be a function');
  if (
    typeof o.deps !== 'object' ||
    o.deps === null ||
    Array.isArray(o.deps) ||
    !Object.values(o.deps).every((t) => typeof t === 'symbol' || typeof t === 'function' || typeof t === 'string')
  ) {
    problems.push('deps must be an object of injection tokens ({} when none)');
  }
  if (o.dependsOn !== undefined && !(Array.isArray(o.dependsOn) && o.dependsOn.every((d) => typeof d === 'string')))
    problems.push('dependsOn must be an array of plugin ids');
  if (
    o.criterionIds !== undefined &&
    !(Array.isArray(o.criterionIds) && o.criterionIds.every((d) => typeof d === 'string'))
  )
    problems.push('criterionIds must be an array of criterion ids');
  if (o.options !== undefined && typeof (o.options as { '~standard'?: unknown })['~standard'] !== 'object')
    problems.push('options must be a Standard Schema (e.g. a zod schema)');
  const cmds = o.commands as { register?: unknown; description?: unknown } | undefined;
  if (cmds !== undefined && (typeof cmds.register !== 'function' || typeof cmds.description !== 'string'))
    problems.push('commands must be { description, register(group, ctx) }');
  if (problems.length)
    throw new VigilError('VIGIL_INVALID_PLUGIN', `plugin ${JSON.stringify(o.id)} is invalid: ${problems.join('; ')}`);
}

/**
 * A plugin's normalized options, typed by its own schema (defaults applied when config was
 * normalized): the one way code outside `init` reads them, so nobody re-parses or casts.
 * Undefined when the plugin is not installed.
 */
// biome-ignore lint/suspicious/noExplicitAny: any deps spec; only the options type matters here.
export function optionsOf<O>(config: Pick<NormalizedConfig, 'plugins'>, plugin: MonitorPlugin<O, any>): O | undefined {
  return config.plugins[plugin.id]?.options as O | undefined;
}

/** Identity with a check, like Vite's `defineConfig`: gives type inference and fails early. */
export function definePlugin<O, D extends DepsSpec>(plugin: MonitorPlugin<O, D>): MonitorPlugin<O, D> {
  assertPlugin(plugin);
  return plugin;
}
