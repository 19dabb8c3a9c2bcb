import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, apiTokenProblem, normalizeConfig, redactUrl } from './config.js';
import { isVigilError } from './errors.js';
import { definePlugin } from './plugin.js';

const plugin = (id: string, dependsOn: string[] = [], options?: z.ZodType) =>
  definePlugin({ id, dependsOn, deps: {}, init: () => ({}), ...(options ? { options } : {}) });

const drift = plugin(
  'drift',
  [],
  z.object({
    windowSize: z.number().int().min(10).default(100),
    alertThreshold: z.number().min(0).max(1).default(0.15),
  }),
);
const gate = plugin('gate', ['drift']);
const sectors = plugin('sectors');

const problems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('normalizeConfig', () => {
  it('fills defaults and orders enabled plugins dependencies first', () => {
    const c = normalizeConfig({}, [gate, sectors, drift]);
    expect(c.database).toEqual({ type: 'sqlite', path: './vigil.db', wal: true, busyTimeoutMs: 10_000 });
    expect(c.labels).toEqual([0, 1]);
    expect(c.order).toEqual(['drift', 'gate', 'sectors']);
    expect(c.plugins.drift).toEqual({ enabled: true, options: { windowSize: 100, alertThreshold: 0.15 } });
  });

  it('parses postgres and leaves disabled plugins out of the order', () => {
    const c = normalizeConfig(
      { database: { type: 'postgres', url: 'postgres://u:p@127.0.0.1/v' }, plugins: { sectors: { enabled: false } } },
      [sectors, drift],
    );
    expect(c.database).toMatchObject({ type: 'postgres', poolSize: 10 });
    expect(c.order).toEqual(['drift']);
    expect(c.plugins.sectors?.enabled).toBe(false);
  });

  it('names an unknown plugin and lists the known ones', () => {
    expect(problems(() => normalizeConfig({ plugins: { drfit: { enabled: true } } }, [drift, sectors]))).toEqual([
      "plugins.drfit: unknown plugin 'drfit'; known plugins: drift, sectors",
    ]);
  });

  it('says how to fix a plugin whose dependency is disabled', () => {
    expect(problems(() => normalizeConfig({ plugins: { drift: { enabled: false } } }, [drift, gate]))).toEqual([
      "plugins.gate: depends on 'drift', which is disabled; enable drift or disable gate",
    ]);
  });

  it('prints a dependency cycle as a -> b -> a', () => {
    const a = plugin('a', ['b']);
    const b = plugin('b', ['a']);
    expect(problems(() => normalizeConfig({}, [a, b]))).toEqual([
      'plugins: dependency cycle a -> b -> a; remove one of these dependsOn entries',
    ]);
  });

  it('reports option errors with their path and the value given', () => {
    const p = problems(() =>
      normalizeConfig({ plugins: { drift: { options: { windowSize: 'big', alertThreshold: 1.5 } } } }, [drift]),
    );
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/^plugins\.drift\.options\.windowSize: .*expected number.*\(got "big"\)$/);
    expect(p[1]).toMatch(/^plugins\.drift\.options\.alertThreshold: .*<=1.*\(got 1\.5\)$/);
  });

  it('collects every problem into one error', () => {
    const a = plugin('a', ['b']);
    const b = plugin('b', ['a']);
    const err = (() => {
      try {
        normalizeConfig(
          {
            database: { type: 'mysql' },
            labels: [1, 1],
            plugins: { nope: {}, drift: { options: { windowSize: 3 } }, sectors: { enabled: false } },
          },
          [a, b, drift, gate, sectors],
        );
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(isVigilError(err, 'VIGIL_CONFIG_INVALID')).toBe(true);
    const paths = err!.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'database.type',
        'labels',
        'plugins.nope',
        'plugins',
        'plugins.drift.options.windowSize',
      ]),
    );
    expect(err!.message).toMatch(/^invalid Vigil config \(\d+ problems\):/);
    expect(err!.message).toContain('a -> b -> a');
  });

  it('refuses a plugin that depends on one that is not installed', () => {
    expect(problems(() => normalizeConfig({}, [gate]))).toEqual([
      "plugins.gate: depends on 'drift', which is not installed; install it or disable gate (known plugins: gate)",
    ]);
  });
});

// Issue 16 items 1 and 6.
describe('issue 16: config hardening', () => {
  it('defaults database.type to sqlite when a database block omits it (as the README says)', () => {
    expect(normalizeConfig({ database: { path: 'x.db' } }, []).database).toEqual({
      type: 'sqlite',
      path: 'x.db',
      wal: true,
      busyTimeoutMs: 10_000,
    });
  });

  it('applies one token rule (>= 16 printable characters, no whitespace) and never echoes the secret', () => {
    for (const bad of ['short', ' '.repeat(16), `${'a'.repeat(15)} `, `tab\tseparated-token-value`]) {
      let message = '';
      try {
        normalizeConfig({ server: { token: bad } }, []);
      } catch (e) {
        message = (e as Error).message;
        expect((e as ConfigError).issues.map((i) => i.path)).toEqual(['server.token']);
        expect((e as ConfigError).issues[0]?.value).toBeUndefined();
      }
      expect(message, JSON.stringify(bad)).toMatch(/server\.token: must be at least 16/);
      if (bad.trim()) expect(message).not.toContain(bad.trim());
    }
    expect(apiTokenProblem('0123456789abcdef')).toBeUndefined();
    expect(apiTokenProblem('short')).toMatch(/at least 16/);
    expect(normalizeConfig({ server: { token: '0123456789abcdef' } }, []).server.token).toBe('0123456789abcdef');
  });

  it('never echoes a database password', () => {
    let message = '';
    try {
      normalizeConfig({ database: { type: 'postgres', url: 'mysql://admin:hunter2-secret@db/x' } }, []);
    } catch (e) {
      message = (e as Error).message;
      expect(JSON.stringify((e as ConfigError).issues)).not.toContain('hunter2');
    }
    expect(message).toMatch(/database\.url/);
    expect(message).not.toContain('hunter2');
    expect(redactUrl('postgres://admin:hunter2@127.0.0.1:5432/vigil')).toBe(
      'postgres://admin:***@127.0.0.1:5432/vigil',
    );
    expect(redactUrl('postgres://127.0.0.1/vigil')).toBe('postgres://127.0.0.1/vigil');
  });
});
