import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { VigilError } from '@vigil/core';
import { createTestDatabase, postgresUrl } from '@vigil/host/testing';
import { makePredictions } from '@vigil/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../src/io.js';
import { exitCodeFor, runCli } from '../src/main.js';

async function vigil(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await runCli([...args, '--log-level', 'silent'], { stdin: Readable.from(['']), stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

const jsonl = (n: number) =>
  `${makePredictions(n, { features: 2 })
    .map((r) => JSON.stringify(r))
    .join('\n')}\n`;

// Issue 16 items 2 and 3: --db typos must not write to a fresh database, and exit codes follow the README.
describe('vigil --db and exit codes', () => {
  let dir: string;
  let records: string;
  let config: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-h-'));
    records = join(dir, 'p.jsonl');
    writeFileSync(records, jsonl(5));
    config = join(dir, 'vigil.yaml');
    writeFileSync(config, `plugins:\n  gate:\n    options: { root: ${JSON.stringify(dir)}, modelsDir: models }\n`);
    mkdirSync(join(dir, 'models'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an empty --db and unknown URL schemes, creating nothing', async () => {
    const empty = await vigil(['observe', records, '--db', '', '--config', config]);
    expect(empty.code).toBe(EXIT.usage);
    expect(empty.stderr).toMatch(/--db must not be empty/);
    for (const url of ['mysql://x', 'sqlite://x.db', 'https://example.com/db']) {
      const r = await vigil(['observe', records, '--db', url, '--config', config]);
      expect(r.code, url).toBe(EXIT.usage);
      expect(r.stderr).toMatch(/--db: unsupported database URL scheme/);
    }
    expect(existsSync('mysql:')).toBe(false);
    expect(existsSync('sqlite:')).toBe(false);
  });

  it('a data command on a path with no Vigil database says how to create one, exits 2 and creates nothing', async () => {
    const missing = join(dir, 'no', 'such', 'dir', 'x.db');
    for (const args of [
      ['observe', records],
      ['sectors', 'report'],
      ['gate', 'history'],
      ['drift', 'check', records],
    ]) {
      const r = await vigil([...args, '--db', missing, '--config', config]);
      expect(r.code, args.join(' ')).toBe(EXIT.usage);
      expect(r.stderr).toContain(`no Vigil database at ${missing}`);
      expect(r.stderr).toContain(`vigil migrate --db ${missing}`);
    }
    expect(existsSync(join(dir, 'no'))).toBe(false);
    const emptyFile = join(dir, 'empty.db');
    writeFileSync(emptyFile, '');
    expect((await vigil(['observe', records, '--db', emptyFile, '--config', config])).stderr).toContain(
      `no Vigil database at ${emptyFile}`,
    );

    const fresh = join(dir, 'fresh', 'v.db');
    expect((await vigil(['migrate', '--db', fresh, '--config', config])).code).toBe(EXIT.ok);
    const ok = await vigil(['observe', records, '--db', fresh, '--config', config, '--json']);
    expect(ok.code).toBe(EXIT.ok);
    expect(JSON.parse(ok.stdout)).toMatchObject({ accepted: 5 });
  });

  it('a directory or a non-SQLite file as --db, or a missing input file, is an input error naming the path', async () => {
    const asDir = await vigil(['observe', records, '--db', dir, '--config', config]);
    expect(asDir.code).toBe(EXIT.usage);
    expect(asDir.stderr).toContain(`--db ${dir} is a directory`);
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'this is not a database, just some text that is long enough');
    const notDb = await vigil(['observe', records, '--db', text, '--config', config]);
    expect(notDb.code).toBe(EXIT.usage);
    expect(notDb.stderr).toContain(`--db ${text} is not an SQLite database`);

    const db = join(dir, 'v.db');
    expect((await vigil(['migrate', '--db', db, '--config', config])).code).toBe(EXIT.ok);
    const input = join(dir, 'missing.jsonl');
    const missing = await vigil(['observe', input, '--db', db, '--config', config]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toContain(input);
    const validation = await vigil([
      'gate',
      'validate',
      'models/m.json',
      '--validation',
      input,
      '--db',
      db,
      '--config',
      config,
    ]);
    expect(validation.code).toBe(EXIT.usage);
  });

  it('a held promotion lock exits with the documented busy code', async () => {
    const db = join(dir, 'v.db');
    expect((await vigil(['migrate', '--db', db, '--config', config])).code).toBe(EXIT.ok);
    writeFileSync(join(dir, 'models', 'm.json'), '{"w":[1]}');
    mkdirSync(join(dir, 'models', '.vigil-gate.lock'));
    const r = await vigil(['gate', 'rollback', '--db', db, '--config', config]);
    expect(r.stderr).toMatch(/lock .* is held/);
    expect(r.code).toBe(EXIT.busy);
    expect(EXIT.busy).toBe(75);
  });

  it('maps errors to the README scheme', () => {
    expect(
      exitCodeFor(
        new VigilError(
          'VIGIL_CONFLICT',
          'model m changed while it was being promoted (sha256 a when checked, b when copied)',
        ),
      ),
    ).toBe(EXIT.busy);
    expect(
      exitCodeFor(
        new VigilError('VIGIL_CONFLICT', 'production path p holds a file, but the candidate is a directory', {
          details: { retryable: false },
        }),
      ),
    ).toBe(EXIT.usage);
    expect(exitCodeFor(Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' }))).toBe(
      EXIT.busy,
    );
    expect(exitCodeFor(new VigilError('VIGIL_INVALID_INPUT', 'x'))).toBe(EXIT.usage);
    expect(
      exitCodeFor(
        Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), { code: 'ENOENT', path: '/x' }),
      ),
    ).toBe(EXIT.usage);
    expect(exitCodeFor(new TypeError('a bug'))).toBe(EXIT.internal);
  });
});

describe.skipIf(!postgresUrl())('vigil --db postgres:// that cannot be reached', () => {
  it('wrong port, database or role: exit 2, the URL named without its password', async () => {
    const base = new URL(postgresUrl() as string);
    const variants: URL[] = [];
    const port = new URL(base);
    port.port = '1';
    variants.push(port);
    const database = new URL(base);
    database.pathname = '/vigil_no_such_database';
    variants.push(database);
    const role = new URL(base);
    role.username = 'vigil_no_such_role';
    role.password = 'hunter2-secret';
    variants.push(role);
    for (const u of variants) {
      const r = await vigil(['sectors', 'report', '--db', u.toString()]);
      expect(r.code, u.toString()).toBe(EXIT.usage);
      expect(r.stderr).toMatch(/cannot connect to postgres/);
      expect(r.stderr).toContain(`${u.hostname}:${u.port}`);
      expect(r.stderr).not.toContain('hunter2-secret');
    }
  });
});

// Issue 16 item 12: a failed ingest says how much was committed.
describe('ingest failing part-way', () => {
  it('says how many records were committed, in how many batches, before the database refused', async () => {
    const handle = await createTestDatabase('sqlite-file');
    const { createTestHost } = await import('@vigil/host/testing');
    const host = await createTestHost({ plugins: [], database: handle });
    try {
      const { ingest } = await import('../src/ingest.js');
      const file = join(tmpdir(), `vigil-full-${process.pid}.jsonl`);
      writeFileSync(file, jsonl(3000));
      const pages = Number((await host.dataSource.query('PRAGMA page_count'))[0].page_count);
      await host.dataSource.query(`PRAGMA max_page_count = ${pages + 40}`);
      const stderr = new PassThrough();
      const err = await ingest(
        'observe',
        host,
        { file, batch: 100, strict: false, progress: false },
        { stdin: Readable.from(['']), stdout: new PassThrough(), stderr },
      ).then(
        () => undefined,
        (e: Error) => e,
      );
      rmSync(file, { force: true });
      expect(err?.message).toMatch(/SQLITE_FULL/);
      const m = /(\d+) of (\d+) record\(s\) read were committed in (\d+) batch/.exec(err?.message ?? '');
      expect(m).not.toBeNull();
      const committed = Number((await host.dataSource.query('SELECT COUNT(*) AS n FROM vigil_predictions'))[0].n);
      expect(Number(m?.[1])).toBe(committed);
      expect(committed).toBeGreaterThan(0);
      expect(Number(m?.[3])).toBe(committed / 100);
      expect(exitCodeFor(err)).toBe(EXIT.internal);
    } finally {
      await host.dispose();
      await handle.cleanup();
    }
  });
});

// Issue 16 item 1: `vigil serve` applies the token rule to --token and VIGIL_API_TOKEN and says when writes are disabled.
describe('vigil serve and the API token', () => {
  let dir: string;
  let db: string;
  const saved = process.env.VIGIL_API_TOKEN;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-serve-'));
    db = join(dir, 'v.db');
    expect((await vigil(['migrate', '--db', db])).code).toBe(EXIT.ok);
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.VIGIL_API_TOKEN;
    else process.env.VIGIL_API_TOKEN = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a short --token or VIGIL_API_TOKEN with exit 2, without echoing it', async () => {
    delete process.env.VIGIL_API_TOKEN;
    const flag = await vigil(['serve', '--port', '0', '--token', 'short123', '--db', db]);
    expect(flag.code).toBe(EXIT.usage);
    expect(flag.stderr).toMatch(/--token must be at least 16/);
    expect(flag.stderr).not.toContain('short123');
    process.env.VIGIL_API_TOKEN = ' '.repeat(16);
    const env = await vigil(['serve', '--port', '0', '--db', db]);
    expect(env.code).toBe(EXIT.usage);
    expect(env.stderr).toMatch(/VIGIL_API_TOKEN must be at least 16/);
  });

  it('says at start that writes are disabled when no token is set', async () => {
    delete process.env.VIGIL_API_TOKEN;
    const out: Buffer[] = [];
    const stderr = new PassThrough();
    stderr.on('data', (c: Buffer) => out.push(c));
    const running = runCli(['serve', '--port', '0', '--db', db, '--log-level', 'silent'], {
      stdin: Readable.from(['']),
      stdout: new PassThrough(),
      stderr,
    });
    while (!Buffer.concat(out).toString().includes('Ctrl-C')) await new Promise((r) => setTimeout(r, 20));
    expect(Buffer.concat(out).toString()).toMatch(/no API token is set .*writes are disabled/);
    process.emit('SIGINT');
    expect(await running).toBe(EXIT.ok);
  });
});

// Issue 16 item 11: history forgery. Whoever can write the database could change a row and
// recompute the chain; with a key kept outside the database, or a head kept by an auditor, that shows.
describe('gate history: HMAC key and recorded heads', () => {
  let dir: string;
  let db: string;
  let config: string;
  const saved = process.env.VIGIL_HISTORY_KEY;
  const validation = {
    accuracy: 0.72,
    regimeAccuracy: { normal: 0.74, crash: 0.69 },
    sectorAccuracy: { Energy: 0.62, Financials: 0.66 },
    driftScore: 0.05,
    replayImprovement: 0.02,
  };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-hmac-'));
    db = join(dir, 'v.db');
    config = join(dir, 'vigil.yaml');
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'models', 'm.json'), '{"w":[1]}');
    writeFileSync(join(dir, 'v.json'), JSON.stringify(validation));
    writeFileSync(config, `plugins:\n  gate:\n    options: { root: ${JSON.stringify(dir)}, modelsDir: models }\n`);
    expect((await vigil(['migrate', '--db', db, '--config', config])).code).toBe(EXIT.ok);
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.VIGIL_HISTORY_KEY;
    else process.env.VIGIL_HISTORY_KEY = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  /** A forger with write access to the database: flips row 1's verdict and recomputes every hash after it without a key. */
  async function forge(): Promise<void> {
    const { createTestHost } = await import('@vigil/host/testing');
    const { rowHash, GENESIS_HASH } = await import('@vigil/gate');
    const host = await createTestHost({
      plugins: [],
      database: { config: { type: 'sqlite', path: db, wal: true, busyTimeoutMs: 10_000 }, cleanup: async () => {} },
    });
    try {
      const rows = (await host.dataSource.query('SELECT * FROM model_promotion_history ORDER BY id')) as Record<
        string,
        unknown
      >[];
      let prev = GENESIS_HASH;
      for (const r of rows) {
        const base = { ...r, approved: r.id === 1 ? 0 : r.approved, prev_hash: prev } as Record<string, unknown>;
        delete base.row_hash;
        const hash = rowHash(base as never);
        await host.dataSource.query(
          'UPDATE model_promotion_history SET approved = ?, prev_hash = ?, row_hash = ? WHERE id = ?',
          [base.approved, prev, hash, r.id],
        );
        prev = hash;
      }
    } finally {
      await host.dispose();
    }
  }

  const cli = (args: string[]) => vigil([...args, '--db', db, '--config', config]);

  it('without a key a forged chain verifies (the defect), but the head an auditor kept does not', async () => {
    delete process.env.VIGIL_HISTORY_KEY;
    expect((await cli(['gate', 'validate', 'models/m.json', '--validation', join(dir, 'v.json')])).code).toBe(EXIT.ok);
    expect((await cli(['gate', 'validate', 'models/m.json', '--validation', join(dir, 'v.json')])).code).toBe(EXIT.ok);
    const head = JSON.parse((await cli(['gate', 'head', '--json'])).stdout);
    expect(head).toMatchObject({ id: 2, keyed: false, head: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await forge();
    expect((await cli(['gate', 'verify'])).code).toBe(EXIT.ok);
    const withHead = await cli(['gate', 'verify', '--head', head.head]);
    expect(withHead.code).toBe(EXIT.rejected);
    expect(withHead.stdout).toMatch(/recorded head .* is not in the chain/);
  });

  it('with VIGIL_HISTORY_KEY the rows are keyed, and a forged chain fails verification', async () => {
    process.env.VIGIL_HISTORY_KEY = 'an-hmac-key-kept-outside-the-database-0123';
    expect((await cli(['gate', 'validate', 'models/m.json', '--validation', join(dir, 'v.json')])).code).toBe(EXIT.ok);
    expect((await cli(['gate', 'validate', 'models/m.json', '--validation', join(dir, 'v.json')])).code).toBe(EXIT.ok);
    const appended = join(dir, 'heads.log');
    const head = await cli(['gate', 'head', '--append', appended]);
    expect(head.stdout).toMatch(/ 2 hmac-sha256:[0-9a-f]{64}\n$/);
    const verified = await cli(['gate', 'verify', '--json']);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, rows: 2, keyedRows: 2 });
    // without the key the keyed chain cannot be checked at all, and the message says how to set it
    delete process.env.VIGIL_HISTORY_KEY;
    const keyless = await cli(['gate', 'verify']);
    expect(keyless.code).toBe(EXIT.rejected);
    expect(keyless.stdout).toMatch(/VIGIL_HISTORY_KEY/);
    process.env.VIGIL_HISTORY_KEY = 'an-hmac-key-kept-outside-the-database-0123';
    await forge();
    const forged = await cli(['gate', 'verify']);
    expect(forged.code).toBe(EXIT.rejected);
    expect(forged.stdout).toMatch(/BROKEN/);
    // the forger's all-unkeyed chain no longer holds the head the auditor appended
    const kept = readFileSync(appended, 'utf8').trim().split(' ').pop() as string;
    expect((await cli(['gate', 'verify', '--head', kept])).code).toBe(EXIT.rejected);
    // a short key is refused without echoing it
    process.env.VIGIL_HISTORY_KEY = 'short-key';
    const short = await cli(['gate', 'verify']);
    expect(short.code).toBe(EXIT.usage);
    expect(short.stderr).toMatch(/at least 32 characters/);
    expect(short.stderr).not.toContain('short-key');
  });

  it('logs the head after every decision, for the audit log to keep', async () => {
    const { createTestHost, createTestDatabase: database } = await import('@vigil/host/testing');
    const { MemoryLogger } = await import('@vigil/core');
    const { gatePlugin, gateToken } = await import('@vigil/gate');
    const logger = new MemoryLogger();
    const host = await createTestHost({
      plugins: [gatePlugin],
      database: await database('sqlite-file'),
      logger,
      config: { plugins: { gate: { options: { root: dir, modelsDir: 'models', required: [] } } } },
    });
    try {
      const gate = host.container.resolve(gateToken);
      await gate.validateModel('models/m.json', { accuracy: 0.7 });
      await gate.validateModel('models/../../etc/passwd', { accuracy: 0.7 }).catch(() => undefined);
      const logged = logger.lines.filter((l) => l.msg === 'promotion history head').map((l) => l.ctx.head);
      expect(logged).toHaveLength(2);
      expect(logged[1]).toBe((await gate.historyHead()).head);
    } finally {
      await host.dispose();
    }
  });
});
