"""Generates test/fixtures/stats-scipy-extra.json: cases that reach every branch of scipy's
ks_2samp / kstwo (exact square and inside methods, one-sided path counting, the fallback to
'asymp', Ruben-Gambino, Durbin matrix, Pomeranz, Pelz-Good and Smirnov regions) plus chi-square
tails. Rerun with `python3 scripts/gen-scipy-fixtures.py` (needs numpy and scipy)."""
import json
import os
import warnings

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon

rng = np.random.default_rng(20240601)
out = {"generator": f"scipy {scipy.__version__}", "seed": 20240601, "ks_2samp": [], "kstwo_sf": [],
       "chisquare": [], "chi2_contingency_nocorrection": [], "wasserstein_distance": [], "jensenshannon": []}


def ks_case(tag, a, b, method="auto", alternative="two-sided"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = stats.ks_2samp(a, b, alternative=alternative, method=method)
    out["ks_2samp"].append({"tag": tag, "a": [float(x) for x in a], "b": [float(x) for x in b], "method": method,
                            "alternative": alternative, "statistic": float(r.statistic), "pvalue": float(r.pvalue)})


for n1, n2, shift in [(3, 4, 0.5), (17, 17, 0.4), (33, 47, 0.5), (120, 130, 0.3), (250, 251, 0.2), (300, 300, 0.0),
                      (700, 500, 0.15), (2000, 1999, 0.05), (5000, 5000, 0.06)]:
    a = rng.normal(0, 1, n1)
    b = rng.normal(shift, 1, n2)
    for alt in ["two-sided", "less", "greater"]:
        for method in ["auto", "exact", "asymp"]:
            if n1 + n2 > 4000 and method == "exact" and alt != "two-sided":
                continue
            ks_case(f"normal shift={shift}", a, b, method, alt)
# one-sided exact with unequal sizes small enough for path counting, and sizes that overflow (fallback)
for n1, n2 in [(40, 57), (200, 311), (600, 613)]:
    ks_case("one-sided path counting", rng.normal(0, 1, n1), rng.normal(0.2, 1, n2), "exact", "greater")
    ks_case("one-sided path counting", rng.normal(0, 1, n1), rng.normal(-0.2, 1, n2), "exact", "less")
# ties and discrete data
ks_case("heavy ties", rng.integers(0, 4, 80).astype(float), rng.integers(0, 5, 95).astype(float))
ks_case("heavy ties asymp", rng.integers(0, 4, 80).astype(float), rng.integers(0, 5, 95).astype(float), "asymp")
# tiny p-values
ks_case("far apart", rng.normal(0, 1, 500), rng.normal(2, 1, 400))
ks_case("far apart asymp", rng.normal(0, 1, 500), rng.normal(2, 1, 400), "asymp")
ks_case("large unequal", rng.normal(0, 1, 10001), rng.normal(0.02, 1, 9999))
ks_case("large equal", rng.normal(0, 1, 10000), rng.normal(0.02, 1, 10000))

# kstwo.sf over every region of kolmogn
for n in [1, 2, 5, 10, 37, 100, 140, 141, 500, 1000, 8571, 15000, 100000, 250000]:
    for x in [0.3 / n, 0.7 / n, 1.0 / n, 1.5 / n, 0.01, 0.02, 0.05, 0.08, 0.1, 0.2, 0.3, 0.45, 0.5, 0.7, 1 - 1.5 / n, 0.99]:
        if 0 < x < 1:
            out["kstwo_sf"].append({"n": n, "x": float(x), "sf": float(stats.kstwo.sf(x, n))})
    for z in [0.3, 0.6, 0.9, 1.2, 1.5, 2.0, 3.0, 5.0, 8.0]:
        x = z / np.sqrt(n)
        if 0 < x < 1:
            out["kstwo_sf"].append({"n": n, "x": float(x), "sf": float(stats.kstwo.sf(x, n))})

for k in [2, 3, 6, 20]:
    obs = rng.integers(1, 300, k).astype(float)
    exp = rng.random(k) + 0.2
    exp = exp / exp.sum() * obs.sum()
    r = stats.chisquare(obs, exp)
    out["chisquare"].append({"observed": obs.tolist(), "expected": exp.tolist(), "statistic": float(r.statistic), "pvalue": float(r.pvalue)})
for shape in [(2, 2), (3, 4), (2, 6), (5, 5)]:
    t = rng.integers(1, 200, shape)
    r = stats.chi2_contingency(t, correction=False)
    out["chi2_contingency_nocorrection"].append({"table": t.tolist(), "statistic": float(r[0]), "pvalue": float(r[1]), "dof": int(r[2])})
for n1, n2 in [(1, 1), (7, 3), (1000, 10)]:
    a = rng.standard_t(3, n1)
    b = rng.standard_t(3, n2) + 0.3
    out["wasserstein_distance"].append({"a": a.tolist(), "b": b.tolist(), "wasserstein": float(stats.wasserstein_distance(a, b))})
for k in [2, 5, 30]:
    p = rng.random(k)
    q = rng.random(k)
    q[0] = 0.0
    out["jensenshannon"].append({"p": p.tolist(), "q": q.tolist(), "jensenshannon_base2": float(jensenshannon(p, q, base=2))})

# Large samples for ks2Samp's bucketed extremes (no sort; >= 2,048 values in all) and the
# anti-diagonal inside method (exact, n1 != n2): their own generator, so the cases above keep
# their values.
rng2 = np.random.default_rng(20261202)
ks_case("exact unequal large", rng2.normal(0, 1, 9999), rng2.normal(0.03, 1, 9001))
ks_case("exact unequal large, no drift", rng2.normal(0, 1, 7001), rng2.normal(0, 1, 6999))
ties_a, ties_b = rng2.integers(0, 40, 3000).astype(float), rng2.integers(0, 41, 2500).astype(float)
for alt in ["two-sided", "less", "greater"]:
    ks_case("bucketed heavy ties", ties_a, ties_b, "auto", alt)
ks_case("bucketed heavy ties asymp", ties_a, ties_b, "asymp")
ks_case("bucketed skewed (lognormal, sigma 3)", rng2.lognormal(0, 3, 4000), rng2.lognormal(0.2, 3, 3500))
outlier = rng2.normal(0, 1, 3000)
outlier[17] = 1e300
ks_case("bucketed, one huge outlier", outlier, rng2.normal(0.05, 1, 3000))
tiny = np.array([-0.0, 0.0, 5e-324, -5e-324, 1e-323])
ks_case("bucketed, signed zeros and subnormals", rng2.choice(tiny, 2000), rng2.choice(tiny[1:], 2100))
ks_case("bucketed asymp large", rng2.normal(0, 1, 30000), rng2.normal(0.02, 1, 20000))

path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "stats-scipy-extra.json")
with open(path, "w") as f:
    json.dump(out, f)
print(f"wrote {len(out['ks_2samp'])} ks_2samp, {len(out['kstwo_sf'])} kstwo.sf cases to {os.path.normpath(path)}")
