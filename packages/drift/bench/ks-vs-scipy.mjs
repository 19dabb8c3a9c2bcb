// KS two-sample test: @vigil/drift vs scipy.stats.ks_2samp on the same samples, in the same run.
// scipy's time depends on the value of D (its exact and asymptotic branches do different work),
// so each size is timed over 12 sample pairs whose shift spreads sqrt(n1 n2 / (n1 + n2)) * D
// from ~0 to ~2.75 (p-values from ~1 to ~1e-6); each pair is timed on both sides back to back
// (one persistent python process), and the bench reports the min/median/max of the ratios.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ks2Samp } from '@vigil/drift';
import { normalSampler, reportBench, seededRandom } from '@vigil/test-utils';

const SIZES = [
  { label: '1,000 vs 1,000', n1: 1_000, n2: 1_000, runs: 101 },
  { label: '10,000 vs 10,000', n1: 10_000, n2: 10_000, runs: 41 },
  { label: '9,999 vs 9,001', n1: 9_999, n2: 9_001, runs: 21 },
  { label: '10,001 vs 9,999', n1: 10_001, n2: 9_999, runs: 41 },
  { label: '100,000 vs 100,000', n1: 100_000, n2: 100_000, runs: 11 },
  { label: '1,000,000 vs 1,000,000', n1: 1_000_000, n2: 1_000_000, runs: 3 },
];
const PAIRS = 12;

const py = `
import json, sys, time
import numpy as np
import scipy
from scipy import stats
print(json.dumps({"version": scipy.__version__}), flush=True)
for line in sys.stdin:
    c = json.loads(line)
    a = np.fromfile(c["a"], dtype="<f8"); b = np.fromfile(c["b"], dtype="<f8")
    r = stats.ks_2samp(a, b)
    for _ in range(2): stats.ks_2samp(a, b)
    ts = []
    for _ in range(c["runs"]):
        t0 = time.perf_counter(); stats.ks_2samp(a, b); ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    print(json.dumps({"ms": ts[len(ts)//2], "statistic": float(r.statistic), "pvalue": float(r.pvalue), "method": r.method if hasattr(r, "method") else None}), flush=True)
`;

const dir = mkdtempSync(join(tmpdir(), 'vigil-ks-bench-'));
const child = spawn('python3', ['-c', py], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
const next = async () => {
  const r = await lines.next();
  if (r.done) throw new Error('python3 with scipy exited (is scipy importable?)');
  return JSON.parse(r.value);
};

function timeMedianSync(fn, runs) {
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((x, y) => x - y);
  return ts[ts.length >> 1];
}

const q = (xs, p) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
};

let scipyVersion;
const figures = [];
const notes = [];
try {
  scipyVersion = (await next()).version;
  for (const size of SIZES) {
    const en = (size.n1 * size.n2) / (size.n1 + size.n2);
    const ratios = [];
    const vigilMs = [];
    const scipyMs = [];
    let worstRel = 0;
    let dMismatch = 0;
    let method;
    const ds = [];
    const ps = [];
    for (let k = 0; k < PAIRS; k++) {
      const normal = normalSampler(seededRandom(1_000 * size.n1 + 17 * k + 1));
      const shift = (k * 0.25) / (0.4 * Math.sqrt(en));
      const a = Float64Array.from({ length: size.n1 }, normal);
      const b = Float64Array.from({ length: size.n2 }, () => normal() + shift);
      writeFileSync(join(dir, 'a.f64'), Buffer.from(a.buffer));
      writeFileSync(join(dir, 'b.f64'), Buffer.from(b.buffer));
      // V8 tiers a function up only after many calls; scipy's timings are after its first calls too
      const warm = Math.max(3, Math.min(100, Math.floor(2e6 / (size.n1 + size.n2))));
      for (let w = 0; w < warm; w++) ks2Samp(a, b);
      const ms = timeMedianSync(() => ks2Samp(a, b), size.runs);
      child.stdin.write(`${JSON.stringify({ a: join(dir, 'a.f64'), b: join(dir, 'b.f64'), runs: size.runs })}\n`);
      const ref = await next();
      const r = ks2Samp(a, b);
      method = r.method;
      if (r.statistic !== ref.statistic) dMismatch++;
      worstRel = Math.max(worstRel, Math.abs(r.pValue - ref.pvalue) / Math.max(ref.pvalue, 1e-300));
      ratios.push(ref.ms / ms);
      vigilMs.push(ms);
      scipyMs.push(ref.ms);
      ds.push(r.statistic);
      ps.push(r.pValue);
    }
    const median = q(ratios, 0.5);
    figures.push({
      label: `KS ${size.label} (two-sided, ${method}), median over ${PAIRS} sample pairs of each pair's median of ${size.runs}`,
      value: q(vigilMs, 0.5),
      unit: 'ms',
      better: 'lower',
      reference: q(scipyMs, 0.5),
      referenceLabel: `scipy ${scipyVersion}`,
      target: '>= 3x faster than scipy (median ratio)',
      met: median >= 3,
    });
    const line = `KS ${size.label}: speed-up over scipy per pair min ${Math.min(...ratios).toFixed(2)}x / median ${median.toFixed(2)}x / max ${Math.max(...ratios).toFixed(2)}x (${PAIRS} pairs, D ${Math.min(...ds).toPrecision(3)}-${Math.max(...ds).toPrecision(3)}, p ${Math.min(...ps).toExponential(1)}-${Math.max(...ps).toPrecision(2)}); D equal to scipy's in ${PAIRS - dMismatch}/${PAIRS}; worst relative p-value difference ${worstRel.toExponential(2)}`;
    notes.push(line);
    console.log(line);
  }
} finally {
  child.stdin.end();
  rmSync(dir, { recursive: true, force: true });
}
reportBench({
  name: 'drift-ks-vs-scipy',
  title: 'Two-sample KS vs scipy.stats.ks_2samp (validate + statistic + p-value), same arrays, alternating',
  figures,
  notes,
});
