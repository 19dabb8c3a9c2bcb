import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  type Issue,
  type RecordRules,
  checkPrediction,
  csvCells,
  csvRow,
  isVigilError,
  validateOutcomes,
} from '@vigil/core';
import type { VigilHost } from '@vigil/host';
import { SingleBar } from 'cli-progress';
import type { CliIO } from './io.js';

export type InputFormat = 'jsonl' | 'csv';
export type IngestKind = 'observe' | 'resolve';

export interface IngestOptions {
  readonly file?: string | undefined;
  readonly format?: InputFormat | undefined;
  readonly batch: number;
  readonly strict: boolean;
  readonly progress: boolean;
}

export interface Refusal {
  readonly line: number;
  readonly reason: string;
}

export interface IngestSummary {
  readonly read: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly refused: number;
  readonly refusals: readonly Refusal[];
}

async function* lines(o: IngestOptions, io: CliIO): AsyncGenerator<{ line: number; value: unknown; error?: string }> {
  const input = o.file && o.file !== '-' ? createReadStream(o.file) : io.stdin;
  const format = o.format ?? (o.file?.endsWith('.csv') ? 'csv' : 'jsonl');
  let header: string[] | undefined;
  let n = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    n++;
    if (text.trim() === '') continue;
    if (format === 'csv') {
      let cells: string[];
      try {
        cells = csvCells(text);
      } catch (e) {
        yield { line: n, value: undefined, error: `not a CSV line: ${(e as Error).message}` };
        continue;
      }
      if (!header) {
        header = cells.map((c) => c.trim());
        continue;
      }
      yield { line: n, value: csvRow(header, cells) };
    } else {
      try {
        yield { line: n, value: JSON.parse(text) };
      } catch (e) {
        yield { line: n, value: undefined, error: `not JSON: ${(e as Error).message}` };
      }
    }
  }
}

/**
 * Streams JSON Lines or CSV into `observe`/`resolve` in batches. Each line is checked on its own
 * first, so a bad line is reported with its number and reason and the rest go on (unless strict).
 */
export async function ingest(kind: IngestKind, host: VigilHost, o: IngestOptions, io: CliIO): Promise<IngestSummary> {
  const rules: RecordRules = host.config;
  const refusals: Refusal[] = [];
  let read = 0;
  let accepted = 0;
  let duplicates = 0;
  let batches = 0;
  const bar = o.progress
    ? new SingleBar({
        format: `${kind} {bar} {value} lines | {accepted} accepted, {refused} refused`,
        stream: io.stderr,
        hideCursor: true,
      })
    : undefined;
  bar?.start(0, 0, { accepted: 0, refused: 0 });
  let batch: { line: number; value: unknown }[] = [];

  const refuse = (line: number, reason: string) => {
    refusals.push({ line, reason });
    if (o.strict) throw Object.assign(new Error(`line ${line}: ${reason}`), { refusal: true });
  };

  const submit = async (items: { line: number; value: unknown }[]): Promise<void> => {
    if (items.length === 0) return;
    try {
      const values = items.map((i) => i.value);
      if (kind === 'observe') {
        const r = await host.observe(values as never[]);
        accepted += r.accepted;
        duplicates += r.duplicates;
      } else {
        const r = await host.resolve(values as never[]);
        accepted += r.resolved;
        duplicates += r.unchanged;
      }
      batches++;
    } catch (e) {
      if (!isVigilError(e) || items.length === 1) {
        if (items.length === 1 && isVigilError(e)) return refuse(items[0]!.line, e.message.split('\n')[0] ?? e.message);
        throw e;
      }
      // A batch-level refusal (an unknown id, a conflicting duplicate): find the lines one by one.
      for (const item of items) await submit([item]);
    }
  };

  try {
    for await (const item of lines(o, io)) {
      read++;
      if (item.error) refuse(item.line, item.error);
      else {
        const issues: Issue[] = [];
        if (kind === 'observe') checkPrediction(issues, 'record', item.value, rules);
        else {
          try {
            validateOutcomes([item.value], rules);
          } catch (e) {
            if (isVigilError(e)) issues.push(...e.issues);
            else throw e;
          }
        }
        if (issues.length)
          refuse(
            item.line,
            issues.map((i) => `${i.path.replace(/^(record|outcomes\[0\])\.?/, '') || 'line'}: ${i.message}`).join('; '),
          );
        else batch.push(item);
      }
      if (batch.length >= o.batch) {
        await submit(batch);
        batch = [];
      }
      bar?.setTotal(read);
      bar?.update(read, { accepted, refused: refusals.length });
    }
    await submit(batch);
  } catch (e) {
    if (!(e as { refusal?: boolean }).refusal) {
      // e.g. SQLITE_FULL: say how far the input got, so the operator knows what is in the database
      const done = kind === 'observe' ? 'record(s) read were committed' : 'outcome(s) read were recorded';
      throw Object.assign(
        new Error(
          `${(e as Error).message}\n${accepted + duplicates} of ${read} ${done} in ${batches} batch(es) of up to ${o.batch} before the failure; running the same input again is safe (committed lines are no-ops)`,
        ),
        { cause: e, wrapsExitCode: true },
      );
    }
  } finally {
    bar?.update(read, { accepted, refused: refusals.length });
    bar?.stop();
  }
  refusals.sort((a, b) => a.line - b.line);
  return { read, accepted, duplicates, refused: refusals.length, refusals };
}
