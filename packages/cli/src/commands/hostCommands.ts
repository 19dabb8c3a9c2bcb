import { migrateDatabase } from '@vigil/host';
import { buildServer, resolveApiToken } from '@vigil/server';
import type { Command } from 'commander';
import { type GlobalOptions, firstPartyPlugins, loadCliConfig, withHost } from '../context.js';
import { type IngestKind, ingest } from '../ingest.js';
import { type CliIO, EXIT, printJson, printTable } from '../io.js';

type Run = (fn: () => Promise<number>) => Promise<void>;

export function hostCommands(program: Command, io: CliIO, run: Run): void {
  const g = (): GlobalOptions => program.opts<GlobalOptions>();

  program
    .command('migrate')
    .description(
      "bring the database up to date for the enabled plugins (the spec's upgrade_to_phase2_schema); idempotent",
    )
    .action(() =>
      run(async () => {
        const applied = await migrateDatabase({ config: loadCliConfig(g()), plugins: firstPartyPlugins });
        if (g().json) printJson(io, { applied });
        else
          io.stdout.write(
            applied.length
              ? `applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}`).join('\n')}\n`
              : 'database is up to date\n',
          );
        return EXIT.ok;
      }),
    );

  for (const kind of ['observe', 'resolve'] as IngestKind[]) {
    program
      .command(`${kind} [file]`)
      .description(
        kind === 'observe'
          ? 'log predictions from JSON Lines or CSV (file or stdin)'
          : 'record outcomes ({id, actualLabel, resolvedAt?}) from JSON Lines or CSV',
      )
      .option('--format <format>', 'jsonl or csv (default: by file extension, else jsonl)')
      .option('--batch <n>', 'records per transaction', (v) => Number.parseInt(v, 10), 1000)
      .option('--strict', 'stop at the first refused line', false)
      .option('--no-progress', 'no progress bar')
      .action(
        (
          file: string | undefined,
          opts: { format?: 'jsonl' | 'csv'; batch: number; strict: boolean; progress: boolean },
        ) =>
          run(async () => {
            if (opts.format && opts.format !== 'jsonl' && opts.format !== 'csv')
              throw Object.assign(new Error(`--format must be jsonl or csv, got ${opts.format}`), { usage: true });
            if (!(opts.batch >= 1))
              throw Object.assign(new Error('--batch must be a positive integer'), { usage: true });
            const summary = await withHost(g(), (host) =>
              ingest(
                kind,
                host,
                {
                  file,
                  format: opts.format,
                  batch: opts.batch,
                  strict: opts.strict,
                  progress: opts.progress && Boolean(io.stderr.isTTY),
                },
                io,
              ),
            );
            if (g().json) printJson(io, summary);
            else {
              for (const r of summary.refusals.slice(0, 50)) io.stderr.write(`line ${r.line}: ${r.reason}\n`);
              if (summary.refusals.length > 50)
                io.stderr.write(`... and ${summary.refusals.length - 50} more refused lines\n`);
              printTable(
                io,
                [
                  'read',
                  kind === 'observe' ? 'accepted' : 'resolved',
                  kind === 'observe' ? 'duplicates' : 'unchanged',
                  'refused',
                ],
                [[summary.read, summary.accepted, summary.duplicates, summary.refused]],
              );
            }
            return summary.refused > 0 ? EXIT.usage : EXIT.ok;
          }),
      );
  }

  program
    .command('prune')
    .description(
      'delete resolved predictions past the retention policy (config `retention`, or the flags); aggregates, replay buffer, drift checks and gate history are kept',
    )
    .option('--days <n>', 'keep resolved predictions observed in the last N days', (v) => Number(v))
    .option('--rows-per-model <n>', "keep each model version's N newest predictions", (v) => Number(v))
    .option('--dry-run', 'only count what would be deleted', false)
    .action((opts: { days?: number; rowsPerModel?: number; dryRun: boolean }) =>
      run(async () => {
        const flags = opts.days !== undefined || opts.rowsPerModel !== undefined;
        const result = await withHost(g(), (host) =>
          host.prune(flags ? { days: opts.days, rowsPerModel: opts.rowsPerModel } : undefined, { dryRun: opts.dryRun }),
        );
        if (g().json) printJson(io, { ...result, dryRun: opts.dryRun });
        else
          printTable(
            io,
            [opts.dryRun ? 'would delete' : 'deleted', 'past days', 'past rows per model', 'cut-off'],
            [[result.deleted, result.byAge, result.byRows, result.cutoff ?? '-']],
          );
        return EXIT.ok;
      }),
    );

  program
    .command('serve')
    .description('serve the HTTP API and the dashboard until stopped')
    .option('--host <host>', 'interface to bind (default from config: 127.0.0.1)')
    .option('--port <port>', 'port (default from config: 8787)', (v) => Number.parseInt(v, 10))
    .option('--token <token>', 'bearer token for write endpoints (default: config server.token or VIGIL_API_TOKEN)')
    .action((opts: { host?: string; port?: number; token?: string }) => run(() => serve(g(), opts, io)));
}

/** Starts the host and the server and resolves only when the process is told to stop. */
export async function serve(
  g: GlobalOptions,
  opts: { host?: string; port?: number; token?: string },
  io: CliIO,
): Promise<number> {
  return withHost(g, async (host) => {
    // one token rule for --token, server.token and VIGIL_API_TOKEN; a bad one is refused naming its source, never echoed
    const { token } = resolveApiToken({
      explicit: opts.token,
      explicitSource: '--token',
      config: host.config.server.token,
      env: process.env,
    });
    const app = await buildServer({ host, ...(token ? { token } : {}) });
    const address = await app.listen({
      host: opts.host ?? host.config.server.host,
      port: opts.port ?? host.config.server.port,
    });
    io.stderr.write(`vigil: dashboard and API at ${address}/  (OpenAPI: ${address}/openapi.json; Ctrl-C to stop)\n`);
    if (!token)
      io.stderr.write(
        'vigil: no API token is set (--token, server.token or VIGIL_API_TOKEN): writes are disabled; every write endpoint answers 401\n',
      );
    // The CLI owns its process (unlike an embedded host), so it stops cleanly on SIGINT/SIGTERM.
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await app.close();
    return EXIT.ok;
  });
}
