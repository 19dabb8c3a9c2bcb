// KS two-sample test: @vigil/drift vs scipy.stats.ks_2samp on the same samples, in the same run.
import { spawnSync } from 'node:child_process';
import { ks2Samp } from '@vigil/drift';
import { normalSampler, reportBench, seededRandom, timeMedian } from '@vigil/test-utils';

function normals(seed, n, shift) {
  const normal = normalSampler(seededRandom(seed));
  return Array.from({ length: n }, () => shift + normal());
}

const cases = [
  { label: 'KS 10,000 vs 10,000', a: normals(1, 10_000, 0), b: normals(2, 10_000, 0.03) },
  { label: 'KS 10,001 vs 9,999', a: normals(3, 10_001, 0), b: normals(4, 9_999, 0.03) },
];
const RUNS = 101; // medians of many short runs: a 1-2 ms timing is noisy on a shared machine

const py = `
import json, sys, time
import numpy as np
from scipy import stats
import scipy
cases = json.load(sys.stdin)
out = []
for c in cases:
    a = np.asarray(c["a"]); b = np.asarray(c["b"])
    r = stats.ks_2samp(a, b)
    ts = []
    for _ in range(${RUNS}):
        t0 = time.perf_counter(); stats.ks_2samp(a, b); ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    out.append({"ms": ts[len(ts)//2], "statistic": float(r.statistic), "pvalue": float(r.pvalue)})
print(json.dumps({"version": scipy.__version__, "cases": out}))
`;
let scipy;
const run = spawnSync('python3', ['-c', py], { input: JSON.stringify(cases.map(({ a, b }) => ({ a, b }))), encoding: 'utf8', maxBuffer: 1 << 26 });
if (run.status === 0) scipy = JSON.parse(run.stdout);
else console.log(`scipy reference unavailable (python3 with scipy not importable): ${(run.stderr || run.error?.message || '').trim().split('\n').at(-1)}`);

const figures = [];
const notes = [];
for (const [i, c] of cases.entries()) {
  // warm both sides: V8 tiers a function up only after many calls, as scipy's timings are after its first call
  for (let w = 0; w < 100; w++) ks2Samp(c.a, c.b);
  const ms = await timeMedian(() => ks2Samp(c.a, c.b), RUNS);
  const r = ks2Samp(c.a, c.b);
  const ref = scipy?.cases[i];
  const ratio = ref ? ref.ms / ms : undefined;
  figures.push({
    label: `${c.label} (two-sided, ${r.method}), median of ${RUNS}`,
    value: ms,
    unit: 'ms',
    better: 'lower',
    ...(ref ? { reference: ref.ms, referenceLabel: `scipy ${scipy.version}`, target: '>= 3x faster than scipy', met: ratio >= 3 } : {}),
  });
  if (ref) {
    const rel = Math.abs(r.pValue - ref.pvalue) / Math.max(ref.pvalue, 1e-300);
    notes.push(`${c.label}: D ${r.statistic} vs scipy ${ref.statistic}; p ${r.pValue.toExponential(10)} vs scipy ${ref.pvalue.toExponential(10)} (relative difference ${rel.toExponential(2)}); ${ratio.toFixed(1)}x faster`);
  }
}
reportBench({ name: 'drift-ks-vs-scipy', title: 'Two-sample KS vs scipy.stats.ks_2samp (sort + statistic + exact p-value)', figures, notes });
