"""The reference values of AgreementTest, computed independently of the Java code.

    /usr/bin/python3 libs/stats/src/test/resources/agreement_reference.py

Debian's python3-sklearn (1.2.1), python3-statsmodels (0.13.5) and numpy. The fixtures are the
tests' fixtures (ratings[item][rater], -1 = MISSING, categories 0..q-1); the printed values are
pasted into the tests.

- Cohen's kappa: sklearn.metrics.cohen_kappa_score on the items both raters rated.
- Fleiss' kappa: statsmodels.stats.inter_rater.fleiss_kappa(table, method='fleiss'), the table from
  aggregate_raters(ratings, n_cat=q).
- Krippendorff's alpha (nominal): written out below from Krippendorff (2011), "Computing
  Krippendorff's Alpha-Reliability", section C: the coincidence matrix from every ordered pair of
  values within a unit, each weighted 1 / (m_u - 1), then alpha = 1 - D_o / D_e.
- Gwet's AC1, percent agreement: written out below as irrCAC's gwet.ac1.raw / pa.coeff.raw (Gwet
  2014, Handbook of Inter-Rater Reliability, 4th ed., ch. 2), with q = the number of categories
  given (gwet.ac1.raw(ratings, categ.labels = 0:(q-1))).
- Per-annotator agreement and the majority vote have no library function: written out below.
"""
import numpy as np
import sklearn
import statsmodels
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

MISSING = -1

print("sklearn", sklearn.__version__, "statsmodels", statsmodels.__version__, "numpy", np.__version__)


def counts(ratings, q):
    """n_ik: how many raters put item i in category k (missing ratings not counted)."""
    table = np.zeros((len(ratings), q), dtype=int)
    for i, row in enumerate(ratings):
        for v in row:
            if v != MISSING:
                table[i, v] += 1
    return table


def percent_agreement(ratings, q):
    n = counts(ratings, q)
    r = n.sum(axis=1)
    two = r >= 2
    return np.mean((n[two] * (n[two] - 1)).sum(axis=1) / (r[two] * (r[two] - 1)))


def gwet_ac1(ratings, q):
    n = counts(ratings, q)
    r = n.sum(axis=1)
    two = r >= 2
    pa = np.mean((n[two] * (n[two] - 1)).sum(axis=1) / (r[two] * (r[two] - 1)))
    one = r >= 1
    pi = (n[one] / r[one][:, None]).mean(axis=0)
    pe = np.sum(pi * (1 - pi)) / (q - 1)
    return (pa - pe) / (1 - pe)


def krippendorff_alpha_nominal(ratings, q):
    o = np.zeros((q, q))
    for row in ratings:
        values = [v for v in row if v != MISSING]
        m = len(values)
        if m < 2:
            continue  # not pairable
        for a in range(m):
            for b in range(m):
                if a != b:
                    o[values[a], values[b]] += 1.0 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    delta = 1 - np.eye(q)  # nominal difference
    d_o = (o * delta).sum()
    d_e = (np.outer(n_c, n_c) * delta).sum() / (n - 1)
    return 1 - d_o / d_e, o, n_c, n


def cohen(ratings, a, b):
    both = [(row[a], row[b]) for row in ratings if row[a] != MISSING and row[b] != MISSING]
    return cohen_kappa_score([x for x, _ in both], [y for _, y in both])


def annotator_agreement(ratings, rater):
    agree = pairs = 0
    for row in ratings:
        if row[rater] == MISSING:
            continue
        others = [v for j, v in enumerate(row) if j != rater and v != MISSING]
        agree += sum(v == row[rater] for v in others)
        pairs += len(others)
    return agree / pairs


def show(name, ratings, q, fleiss=True):
    print("==", name)
    print("percent_agreement", repr(percent_agreement(ratings, q)))
    print("gwet_ac1", repr(gwet_ac1(ratings, q)))
    alpha, o, n_c, n = krippendorff_alpha_nominal(ratings, q)
    print("krippendorff_alpha_nominal", repr(alpha))
    if fleiss:
        table, _ = aggregate_raters(np.array(ratings), n_cat=q)
        print("fleiss_kappa", repr(fleiss_kappa(table, method="fleiss")))
    raters = len(ratings[0])
    for a in range(raters):
        for b in range(a + 1, raters):
            print("cohen_kappa", a, b, repr(cohen(ratings, a, b)))
    print("annotator_agreement", [repr(annotator_agreement(ratings, j)) for j in range(raters)])
    return o, n_c, n


# Krippendorff (2011), section C: 4 observers (A-D) x 12 units, values 1-5, '*' missing; here
# units are rows, observers columns, and value v is category v - 1.
paper = [
    [1, 1, None, 1],
    [2, 2, 3, 2],
    [3, 3, 3, 3],
    [3, 3, 3, 3],
    [2, 2, 2, 2],
    [1, 2, 3, 4],
    [4, 4, 4, 4],
    [1, 1, 2, 1],
    [2, 2, 2, 2],
    [None, 5, 5, 5],
    [None, None, 1, 1],
    [None, 3, None, None],
]
paper = [[MISSING if v is None else v - 1 for v in row] for row in paper]
o, n_c, n = show("krippendorff 2011 nominal example", paper, 5, fleiss=False)
print("coincidences (values 1-5)", o.round(6).tolist())
print("n_c", n_c.tolist(), "n", n)

# 10 items x 3 annotators, complete, 3 categories used unevenly (13, 10 and 7 times).
three = [
    [0, 0, 0],
    [0, 0, 1],
    [1, 1, 1],
    [2, 2, 2],
    [1, 2, 1],
    [0, 1, 2],
    [0, 0, 0],
    [0, 0, 0],
    [1, 1, 0],
    [2, 2, 1],
]
show("three annotators", three, 3)

# 9 items x 4 annotators with missing ratings, 4 categories (category 3 never used): item 6 has one
# rating (counts for AC1's pi only), item 7 none (ignored by all).
missing = [
    [0, 0, MISSING, 0],
    [1, 1, 2, MISSING],
    [MISSING, 2, 2, 2],
    [0, 1, MISSING, MISSING],
    [2, 2, 2, 2],
    [1, MISSING, 1, 0],
    [MISSING, MISSING, 1, MISSING],
    [MISSING, MISSING, MISSING, MISSING],
    [0, 0, 1, 0],
]
show("missing ratings", missing, 4, fleiss=False)

# Cohen's kappa where the raters use different categories (q = 4; rater a never says 3, rater b
# never says 2), and with missing ratings (only the pairs both rated count).
a = [0, 1, 2, 0, 1, 2, 0, 0, 1, 1]
b = [0, 1, 1, 0, 3, 1, 3, 0, 1, 0]
print("== cohen, different categories present")
print("cohen_kappa", repr(cohen_kappa_score(a, b)))
am = [0, 1, MISSING, 0, 1, 2, 0, MISSING, 1, 1]
bm = [0, 1, 1, 0, 3, MISSING, 3, 0, 1, 0]
both = [(x, y) for x, y in zip(am, bm) if x != MISSING and y != MISSING]
print("cohen_kappa with missing", repr(cohen_kappa_score([x for x, _ in both], [y for _, y in both])))
print("cohen_kappa constant but different", repr(cohen_kappa_score([1, 1, 1], [2, 2, 2])))

# Wikipedia's Fleiss' kappa example: 10 subjects, 14 raters, 5 categories (counts per category).
wiki = np.array([
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
])
print("== wikipedia fleiss")
print("fleiss_kappa", repr(fleiss_kappa(wiki, method="fleiss")))
# The ratings matrix the test builds: each item's raters in category order.
wiki_ratings = [[k for k in range(5) for _ in range(row[k])] for row in wiki]
table, _ = aggregate_raters(np.array(wiki_ratings), n_cat=5)
print("fleiss_kappa from ratings", repr(fleiss_kappa(table, method="fleiss")))
print("percent_agreement", repr(percent_agreement(wiki_ratings, 5)))
