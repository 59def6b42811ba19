"""The reference values of the drift tests, computed with SciPy and statsmodels.

    /usr/bin/python3 libs/stats/src/test/resources/drift_reference.py

Debian 12's python3-scipy (1.10.1), python3-statsmodels (0.13.5) and numpy (1.24). The samples
come from the same 64-bit LCG as DriftFixtures.uniform in the tests (Knuth's MMIX constants, the
top 53 bits as a double in [0, 1)), so both sides see the same doubles; the printed values are
pasted into the tests.
"""
import warnings

import numpy as np
import scipy
import statsmodels
from scipy import stats
from scipy.spatial import distance
from scipy.special import rel_entr
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

warnings.simplefilter("ignore")
print("scipy", scipy.__version__, "statsmodels", statsmodels.__version__, "numpy", np.__version__)

MASK = (1 << 64) - 1


def uniform(seed, n):
    """DriftFixtures.uniform(seed, n)."""
    state = seed & MASK
    out = np.empty(n)
    for i in range(n):
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        out[i] = (state >> 11) * 2.0**-53
    return out


def show(label, value):
    print(label, repr(value))


print("# Distributions.normalSf = norm.sf")
for z in [-3.0, 0.0, 0.5, 1.0, 1.959963984540054, 5.0, 10.0, 20.0, 37.0]:
    show("norm.sf(%r)" % z, stats.norm.sf(z))

print("# Distributions.chi2Sf = chi2.sf")
for x, df in [(0.5, 1), (3.841458820694124, 1), (50.0, 1), (1000.0, 1), (4.0, 3), (10.0, 10),
              (120.0, 100), (60.0, 100), (1000.0, 100), (210.0, 200), (300.0, 200), (1000.0, 200),
              (0.001, 2.5), (7.3, 4.5)]:
    show("chi2.sf(%r, %r)" % (x, df), stats.chi2.sf(x, df))

print("# Distributions.kstwoSf = kstwo.sf")
for d, n in [(0.15, 5), (0.004, 200), (0.95, 10), (0.6, 30), (0.05, 100), (0.15, 100), (0.3, 100),
             (0.1, 480), (0.02, 1000), (0.002, 200000), (0.2, 10000), (0.0015, 2500000),
             (0.25, 4)]:
    show("kstwo.sf(%r, %r)" % (d, n), stats.kstwo.sf(d, n))

print("# KolmogorovSmirnov.twoSample = ks_2samp")
cases = {
    "20x20": (uniform(1, 20), uniform(2, 20) * 1.1 + 0.05),
    "50x80": (uniform(3, 50), uniform(4, 80) + 0.1),
    "1000x1000": (uniform(5, 1000), uniform(6, 1000) * 0.9 + 0.08),
    "1000x300": (uniform(7, 1000), uniform(8, 300) + 0.03),
    "12000x500": (uniform(9, 12000), uniform(10, 500) * 1.2 - 0.1),
    "7x12000": (uniform(11, 7), uniform(12, 12000)),
    "ties": (np.floor(uniform(13, 300) * 10), np.floor(uniform(14, 200) * 11)),
    "fallback": (np.arange(0.0, 14.0, 2.0), np.arange(1.0, 15.0, 2.0)),
}
for name, (a, b) in cases.items():
    r = stats.ks_2samp(a, b)
    show("ks_2samp %s statistic" % name, float(r.statistic))
    show("ks_2samp %s pvalue" % name, float(r.pvalue))
a, b = cases["1000x300"]
r = stats.ks_2samp(a, b, method="asymp")
show("ks_2samp 1000x300 asymp pvalue", float(r.pvalue))

print("# Wasserstein.distance = wasserstein_distance; normalized = Evidently")
u = np.array([0.0, 1.0, 3.0])
v = np.array([5.0, 6.0, 8.0])
show("wasserstein_distance([0,1,3],[5,6,8])", stats.wasserstein_distance(u, v))
u = np.array([3.4, 3.9, 7.5, 7.8, 1.2, 3.4])
v = np.array([4.5, 1.4, 3.4, 9.9])
show("wasserstein_distance(u6, v4)", stats.wasserstein_distance(u, v))
show("normed(u6, v4)", stats.wasserstein_distance(u, v) / max(np.std(u), 0.001))
a = uniform(21, 1000) * 4 - 1
b = uniform(22, 700) * 3.5
show("wasserstein_distance lcg 1000x700", stats.wasserstein_distance(a, b))
show("normed lcg 1000x700", stats.wasserstein_distance(a, b) / max(np.std(a), 0.001))
c = np.full(10, 2.5)
show("normed constant", stats.wasserstein_distance(c, [2.5, 2.6]) / max(np.std(c), 0.001))

print("# QuantileSketch.of = numpy.quantile, mean, std")
vals = np.array([5.5, 0.3, 2.2, 12.5, 1.7, 3.1, np.nan, 2.9, 9.6, 4.8, 8.8, 6.0, 7.4])
fin = vals[~np.isnan(vals)]
show("quantile 5 points", list(np.quantile(fin, np.arange(5) / 4)))
show("quantile 7 points", list(np.quantile(fin, np.arange(7) / 6)))
show("mean", np.mean(fin))
show("std", np.std(fin))

print("# Binned.jensenShannonDistance = jensenshannon (base e)")
js = [([1, 2, 3, 4], [4, 3, 2, 1]), ([10, 0, 5], [0, 10, 5]), ([0.2, 0.3, 0.5], [0.25, 0.25, 0.5]),
      ([100, 250, 0, 650], [90, 260, 3, 647]), ([1, 0], [0, 1])]
for p, q in js:
    show("jensenshannon(%r, %r)" % (p, q), distance.jensenshannon(p, q))

print("# Binned.chiSquare = chisquare(current, reference * current.sum() / reference.sum())")
chi = [([30, 20, 50], [300, 250, 450]), ([5, 0, 12, 7], [40, 10, 90, 60]),
       ([120, 80, 0, 300], [1000, 700, 100, 2200]), ([50, 50], [50, 50]), ([13, 7, 2], [2600, 1400, 0])]
for cur, ref in chi:
    cur = np.array(cur); ref = np.array(ref)
    r = stats.chisquare(cur, ref * cur.sum() / ref.sum())
    show("chisquare(%r, %r) statistic" % (list(cur), list(ref)), float(r.statistic))
    show("chisquare(%r, %r) pvalue" % (list(cur), list(ref)), float(r.pvalue))
# bins empty in both are dropped first
cur = np.array([30, 0, 20, 50]); ref = np.array([300, 0, 250, 450])
keep = (cur > 0) | (ref > 0)
r = stats.chisquare(cur[keep], ref[keep] * cur.sum() / ref.sum())
show("chisquare with an empty bin dropped statistic", float(r.statistic))
show("chisquare with an empty bin dropped pvalue", float(r.pvalue))

print("# Binned.psi")
for ref, cur in [([300, 250, 450], [30, 20, 50]), ([40, 10, 90, 60], [5, 0, 12, 7]),
                 ([1000, 0, 3000], [0, 10, 10])]:
    r = np.array(ref) / np.sum(ref); c = np.array(cur) / np.sum(cur)
    r = np.maximum(r, 1e-4); c = np.maximum(c, 1e-4)
    show("psi(%r, %r)" % (ref, cur), np.sum((r - c) * np.log(r / c)))
    show("rel_entr form(%r, %r)" % (ref, cur), np.sum(rel_entr(c, r) + rel_entr(r, c)))

print("# ZTest.twoProportions = proportions_ztest")
for s1, n1, s2, n2 in [(45, 100, 30, 100), (5, 20, 9, 25), (480, 1000, 520, 1000), (0, 50, 7, 60),
                       (900, 1000, 700, 1000), (3, 3, 0, 4), (0, 10, 0, 20), (10, 10, 20, 20)]:
    z, p = proportions_ztest([s1, s2], [n1, n2])
    show("proportions_ztest(%d/%d, %d/%d) z" % (s1, n1, s2, n2), float(z))
    show("proportions_ztest(%d/%d, %d/%d) p" % (s1, n1, s2, n2), float(p))

print("# MultipleTesting = multipletests(...)[1]")
pv = np.array([0.01, 0.04, 0.03, 0.2, 0.04, 0.5, 0.0, 1.0, 0.001, 0.9])
show("bonferroni", list(multipletests(pv, method="bonferroni")[1]))
show("fdr_bh", list(multipletests(pv, method="fdr_bh")[1]))
pv2 = np.array([0.02, 0.3, 0.011, 0.04])
show("bonferroni without the NaNs", list(multipletests(pv2, method="bonferroni")[1]))
show("fdr_bh without the NaNs", list(multipletests(pv2, method="fdr_bh")[1]))
