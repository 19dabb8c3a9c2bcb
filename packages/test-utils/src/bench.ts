import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One measured figure. */
export interface BenchFigure {
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  /** The same figure for the reference (scipy, the raw driver), measured in the same run. */
  readonly reference?: number;
  readonly referenceLabel?: string;
  /** How `value/reference` reads: 'higher' is better for throughput, 'lower' for times. */
  readonly better?: 'higher' | 'lower';
  /** A target from the issue, as text (`>= 60% of raw`, `< 150 ms`). */
  readonly target?: string;
  readonly met?: boolean;
}

export interface BenchReport {
  readonly name: string;
  readonly title: string;
  readonly figures: readonly BenchFigure[];
  readonly notes?: readonly string[];
}

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'} x${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
}

const fmt = (v: number): string =>
  Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : Math.abs(v) >= 10 ? v.toFixed(1) : v.toPrecision(3);

/** The ratio as a person reads it: "2.4x faster", "0.62x of reference". */
export function ratioText(f: BenchFigure): string {
  if (f.reference === undefined || f.reference === 0) return '';
  const r = f.value / f.reference;
  if (f.better === 'lower')
    return `${fmt(1 / r)}x ${1 / r >= 1 ? 'faster than' : 'the speed of'} ${f.referenceLabel ?? 'reference'}`;
  return `${(r * 100).toFixed(0)}% of ${f.referenceLabel ?? 'reference'}`;
}

/** Prints a benchmark's figures and writes them to bench-results/<name>.json for BENCHMARKS.md. */
export function reportBench(report: BenchReport): void {
  const lines = [`\n## ${report.title}`];
  for (const f of report.figures) {
    const ref =
      f.reference === undefined
        ? ''
        : ` | ${f.referenceLabel ?? 'reference'}: ${fmt(f.reference)} ${f.unit} | ${ratioText(f)}`;
    const target = f.target ? ` | target ${f.target}${f.met === undefined ? '' : f.met ? ' (met)' : ' (NOT met)'}` : '';
    lines.push(`  ${f.label}: ${fmt(f.value)} ${f.unit}${ref}${target}`);
  }
  for (const n of report.notes ?? []) lines.push(`  note: ${n}`);
  console.log(lines.join('\n'));
  const dir = join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${report.name}.json`),
    `${JSON.stringify({ ...report, machine: machine(), at: new Date().toISOString(), load: loadavg()[1] }, null, 2)}\n`,
  );
}

/** Median of repeated timings of `fn`, in milliseconds. */
export async function timeMedian(fn: () => unknown | Promise<unknown>, runs = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}
