import { pino } from 'pino';

/** The logging surface plugins use. Structured context goes in `ctx`. */
export interface Logger {
  debug(msg: string, ctx?: Record<string, unknown>): void;
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

function adapt(p: pino.Logger): Logger {
  return {
    debug: (msg, ctx) => (ctx ? p.debug(ctx, msg) : p.debug(msg)),
    info: (msg, ctx) => (ctx ? p.info(ctx, msg) : p.info(msg)),
    warn: (msg, ctx) => (ctx ? p.warn(ctx, msg) : p.warn(msg)),
    error: (msg, ctx) => (ctx ? p.error(ctx, msg) : p.error(msg)),
    child: (bindings) => adapt(p.child(bindings)),
  };
}

/** A pino logger writing JSON lines to stderr (stdout stays free for CLI output). */
export function createLogger(level: LogLevel = 'info'): Logger {
  return adapt(pino({ level, base: { app: 'vigil' } }, pino.destination(2)));
}

/** Collects log lines in memory; for tests that assert a warning was logged. */
export class MemoryLogger implements Logger {
  readonly lines: { level: LogLevel; msg: string; ctx: Record<string, unknown> }[] = [];
  constructor(private readonly bindings: Record<string, unknown> = {}) {}
  #push(level: LogLevel, msg: string, ctx?: Record<string, unknown>): void {
    this.lines.push({ level, msg, ctx: { ...this.bindings, ...ctx } });
  }
  debug(msg: string, ctx?: Record<string, unknown>): void {
    this.#push('debug', msg, ctx);
  }
  info(msg: string, ctx?: Record<string, unknown>): void {
    this.#push('info', msg, ctx);
  }
  warn(msg: string, ctx?: Record<string, unknown>): void {
    this.#push('warn', msg, ctx);
  }
  error(msg: string, ctx?: Record<string, unknown>): void {
    this.#push('error', msg, ctx);
  }
  child(bindings: Record<string, unknown>): Logger {
    const child = new MemoryLogger({ ...this.bindings, ...bindings });
    (child as { lines: MemoryLogger['lines'] }).lines = this.lines;
    return child;
  }
}
