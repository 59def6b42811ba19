"""The reference values of LabelingFunctionsTest, computed independently of the Java code.

    /usr/bin/python3 libs/stats/src/test/resources/labeling_functions_reference.py

Snorkel cannot be installed here, so its definitions are re-implemented below with numpy and
scipy.sparse, statement for statement as Snorkel 0.9.x writes them (Debian's numpy 1.24.2, scipy
1.10.1). Copied from github.com/snorkel-team/snorkel:

- snorkel/labeling/analysis.py (LFAnalysis, commit ff1074a61bf49fc40a5e5a483cc96f91d89664a1):
  __init__ (L_sparse = csr_matrix(L + 1)), _covered_data_points, _overlapped_data_points,
  _conflicted_data_points, label_coverage, label_overlap, label_conflict, lf_coverages,
  lf_overlaps, lf_conflicts (both without normalization) and lf_empirical_accuracies.
- snorkel/labeling/model/baselines.py (MajorityLabelVoter.predict_proba, commit
  dd240003857ee4e95fa49599d708c5ba878b3939) and snorkel/labeling/model/base_labeler.py
  (BaseLabeler.predict) with snorkel/utils/core.py (probs_to_preds, tie_break_policy="abstain",
  tol=1e-5).

lf_empirical_accuracies differs from Trainyard's empiricalAccuracies in two documented ways, both
handled outside Snorkel's formula here: Trainyard leaves out the rows whose gold label is unknown
(-1) (Snorkel has no unknown gold: it would count them as wrong), so Snorkel's formula is applied
to L[gold != -1], Y[gold != -1]; and where a function labels none of those rows Trainyard returns
NaN where Snorkel's nan_to_num returns 0, so both are printed.

The fixtures are the tests' fixtures (L[row][function], -1 = abstain); the printed values are
pasted into the tests.
"""
import numpy as np
import scipy
import scipy.sparse as sparse

ABSTAIN = -1
A = ABSTAIN

print("numpy", np.__version__, "scipy", scipy.__version__)


class LFAnalysis:
    """snorkel.labeling.LFAnalysis (0.9.x), the methods Trainyard mirrors."""

    def __init__(self, L):
        self.L = L
        self._L_sparse = sparse.csr_matrix(L + 1)

    def _covered_data_points(self):
        return np.ravel(np.where(self._L_sparse.sum(axis=1) != 0, 1, 0))

    def _overlapped_data_points(self):
        return np.where(np.ravel((self._L_sparse != 0).sum(axis=1)) > 1, 1, 0)

    def _conflicted_data_points(self):
        m = sparse.diags(np.ravel(self._L_sparse.max(axis=1).todense()))
        return np.ravel(
            np.max(m @ (self._L_sparse != 0) != self._L_sparse, axis=1)
            .astype(int)
            .todense()
        )

    def label_coverage(self):
        return self._covered_data_points().sum() / self._L_sparse.shape[0]

    def label_overlap(self):
        return self._overlapped_data_points().sum() / self._L_sparse.shape[0]

    def label_conflict(self):
        return self._conflicted_data_points().sum() / self._L_sparse.shape[0]

    def lf_coverages(self):
        return np.ravel((self._L_sparse != 0).sum(axis=0)) / self._L_sparse.shape[0]

    def lf_overlaps(self):
        overlaps = (
            (self._L_sparse != 0).T
            @ self._overlapped_data_points()
            / self._L_sparse.shape[0]
        )
        return np.nan_to_num(overlaps)

    def lf_conflicts(self):
        conflicts = (
            (self._L_sparse != 0).T
            @ self._conflicted_data_points()
            / self._L_sparse.shape[0]
        )
        return np.nan_to_num(conflicts)

    def lf_empirical_accuracies(self, Y, nan_to_num=True):
        X = np.where(
            self.L == -1,
            0,
            np.where(self.L == np.vstack([Y] * self.L.shape[1]).T, 1, -1),
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            accs = 0.5 * (X.sum(axis=0) / (self.L != -1).sum(axis=0) + 1)
            return np.nan_to_num(accs) if nan_to_num else accs


def majority_label_voter_predict_proba(L, cardinality):
    """MajorityLabelVoter.predict_proba."""
    n, m = L.shape
    Y_p = np.zeros((n, cardinality))
    for i in range(n):
        counts = np.zeros(cardinality)
        for j in range(m):
            if L[i, j] != -1:
                counts[L[i, j]] += 1
        Y_p[i, :] = np.where(counts == max(counts), 1, 0)
    Y_p /= Y_p.sum(axis=1).reshape(-1, 1)
    return Y_p


def probs_to_preds_abstain(probs, tol=1e-5):
    """snorkel.utils.probs_to_preds(probs, tie_break_policy="abstain")."""
    num_datapoints, num_classes = probs.shape
    if num_classes <= 1:
        raise ValueError("probs must have probabilities for at least 2 classes.")
    Y_pred = np.empty(num_datapoints)
    diffs = np.abs(probs - probs.max(axis=1).reshape(-1, 1))
    for i in range(num_datapoints):
        max_idxs = np.where(diffs[i, :] < tol)[0]
        if len(max_idxs) == 1:
            Y_pred[i] = max_idxs[0]
        else:
            Y_pred[i] = -1
    return Y_pred.astype(np.int_)


def majority_vote(L, cardinality):
    """MajorityLabelVoter(cardinality).predict(L, tie_break_policy="abstain")."""
    return probs_to_preds_abstain(majority_label_voter_predict_proba(L, cardinality))


def r(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def show(name, L, cardinality, golds=()):
    L = np.array(L)
    lfa = LFAnalysis(L)
    print("==", name, L.shape)
    print("lf_coverages", r(lfa.lf_coverages()))
    print("lf_overlaps", r(lfa.lf_overlaps()))
    print("lf_conflicts", r(lfa.lf_conflicts()))
    print("label_coverage", repr(float(lfa.label_coverage())))
    print("label_overlap", repr(float(lfa.label_overlap())))
    print("label_conflict", repr(float(lfa.label_conflict())))
    for gold in golds:
        Y = np.array(gold)
        known = Y != ABSTAIN
        known_lfa = LFAnalysis(L[known])
        print("gold", list(gold))
        print("  labeled known rows", list(int(c) for c in (L[known] != -1).sum(axis=0)))
        print("  lf_empirical_accuracies (Snorkel, known rows)",
              r(known_lfa.lf_empirical_accuracies(Y[known])))
        print("  the same without nan_to_num",
              r(known_lfa.lf_empirical_accuracies(Y[known], nan_to_num=False)))
    print("majority_vote", list(int(p) for p in majority_vote(L, cardinality)))


# LFAnalysis' docstring example (every method of snorkel/labeling/analysis.py shows it).
DOCSTRING = [
    [-1, 0, 0],
    [-1, -1, -1],
    [1, 0, -1],
    [-1, 0, -1],
    [0, 0, 0],
]

# test/labeling/test_analysis.py's L and Y (snorkel-team/snorkel, commit ff1074a6).
SNORKEL_TEST_L = [
    [-1, -1, 0, -1, -1, 0],
    [-1, -1, -1, 2, -1, -1],
    [2, -1, -1, -1, -1, 0],
    [1, -1, 2, -1, 0, 0],
    [-1, -1, -1, -1, -1, -1],
    [1, -1, 0, 2, 1, 0],
]
SNORKEL_TEST_Y = [0, 1, 2, 0, 1, 2]

# MajorityLabelVoter's docstring and test/labeling/model/test_baseline.py (commit afda351f).
VOTER_DOCSTRING = [[0, 0, -1], [-1, 0, 1], [1, -1, 0]]
VOTER_TEST = [[0, 1, 0], [0, 1, 0], [1, 0, 0], [-1, -1, 1]]

# The tests' own fixture: 12 rows x 4 functions, 3 classes.
FIXTURE = [
    [0, 0, A, A],  # 0: two agree
    [0, 1, A, A],  # 1: 1-1 tie, conflict
    [A, A, A, A],  # 2: nobody labels it
    [1, A, A, A],  # 3: one label
    [1, 1, 2, A],  # 4: 2-1 majority, conflict
    [A, 2, 2, 2],  # 5: three agree
    [2, A, 0, A],  # 6: 1-1 tie, conflict
    [A, A, A, 0],  # 7: one label
    [0, 0, 1, 1],  # 8: 2-2 tie, conflict
    [A, 1, A, 1],  # 9: two agree
    [2, 2, 2, 0],  # 10: 3-1 majority, conflict
    [A, A, 1, A],  # 11: one label
]
# Gold labels, -1 unknown; in the second, function 3 labels no row with a known gold label.
FIXTURE_GOLD = [0, 1, 2, 1, 1, 2, -1, 0, 0, 1, 2, -1]
FIXTURE_GOLD_PARTIAL = [0, 1, 2, 1, 1, -1, 2, -1, -1, -1, -1, 1]

show("LFAnalysis docstring", DOCSTRING, 2)
show("snorkel test_analysis", SNORKEL_TEST_L, 3, [SNORKEL_TEST_Y])
show("MajorityLabelVoter docstring", VOTER_DOCSTRING, 2)
show("snorkel test_baseline", VOTER_TEST, 2)
show("fixture", FIXTURE, 3, [FIXTURE_GOLD, FIXTURE_GOLD_PARTIAL])
