"""The reference values of the metrics tests (MetricsReferenceTest), computed with scikit-learn.

    /usr/bin/python3 libs/stats/src/test/resources/sklearn_reference.py

Debian's python3-sklearn (1.2) and numpy. The fixtures here are the tests' fixtures; the printed
values are pasted into the tests. ECE, the multiclass Brier score and MRR have no scikit-learn
function: they follow the published formulas, written out here in numpy.
"""
import numpy as np
import sklearn
from sklearn import metrics as m

print("sklearn", sklearn.__version__)

# Binary: scores with ties, predictions at 0.5.
y = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0])
s = np.array([0.1, 0.8, 0.65, 0.3, 0.65, 0.7, 0.2, 0.9, 0.4, 0.3, 0.55, 0.05])
yp = (s >= 0.5).astype(int)
print("binary balanced_accuracy", repr(m.balanced_accuracy_score(y, yp)))
print("binary average_precision", repr(m.average_precision_score(y, s)))
print("binary brier_score", repr(m.brier_score_loss(y, s)))
p, r, t = m.precision_recall_curve(y, s)
f1 = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0)
print("binary best_f1_threshold", repr(t[np.argmax(f1[:-1])]), "f1", repr(f1[np.argmax(f1[:-1])]))


def ece(y, proba, bins=15):
    conf = proba.max(axis=1)
    pred = proba.argmax(axis=1)
    idx = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = idx == b
        if mask.any():
            total += mask.sum() / len(y) * abs((pred[mask] == y[mask]).mean() - conf[mask].mean())
    return total


print("binary ece", repr(ece(y, np.stack([1 - s, s], axis=1))))

# Multiclass, K = 3.
yk = np.array([0, 1, 2, 2, 1, 0, 2, 1, 0, 2, 1, 1])
pk = np.array([
    [0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3],
    [0.5, 0.4, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.2, 0.5, 0.3],
    [0.4, 0.35, 0.25], [0.25, 0.25, 0.5], [0.3, 0.3, 0.4], [0.05, 0.9, 0.05]])
ykp = pk.argmax(axis=1)
print("multi pred", list(ykp))
print("multi balanced_accuracy", repr(m.balanced_accuracy_score(yk, ykp)))
for avg in ["macro", "micro", "weighted"]:
    print("multi", avg, repr(m.precision_score(yk, ykp, average=avg, zero_division=0)),
          repr(m.recall_score(yk, ykp, average=avg, zero_division=0)),
          repr(m.f1_score(yk, ykp, average=avg, zero_division=0)))
print("multi per-class precision", [repr(v) for v in m.precision_score(yk, ykp, average=None, zero_division=0)])
print("multi per-class recall", [repr(v) for v in m.recall_score(yk, ykp, average=None, zero_division=0)])
print("multi per-class f1", [repr(v) for v in m.f1_score(yk, ykp, average=None, zero_division=0)])
print("multi roc_auc_ovr_macro", repr(m.roc_auc_score(yk, pk, multi_class="ovr", average="macro")))
yb = np.eye(3)[yk]
print("multi average_precision_macro", repr(m.average_precision_score(yb, pk, average="macro")))
print("multi brier", repr(np.mean(np.sum((pk - yb) ** 2, axis=1))))
print("multi ece", repr(ece(yk, pk)))
print("multi confusion", m.confusion_matrix(yk, ykp).tolist())

# A class never predicted: zero_division gives 0.
yz = np.array([0, 0, 1, 1, 2, 2])
yzp = np.array([0, 0, 1, 1, 1, 0])
print("zero macro", repr(m.precision_score(yz, yzp, average="macro", zero_division=0)),
      repr(m.f1_score(yz, yzp, average="macro", zero_division=0)),
      repr(m.f1_score(yz, yzp, average="weighted", zero_division=0)),
      repr(m.balanced_accuracy_score(yz, yzp)))

# Regression.
yr = np.array([3.0, -0.5, 2.0, 7.0, 4.2, 1.5])
yrp = np.array([2.5, 0.0, 2.1, 8.0, 4.0, 1.0])
print("regression mape", repr(m.mean_absolute_percentage_error(yr, yrp)))
print("regression median_absolute_error", repr(m.median_absolute_error(yr, yrp)))

# Ranking: two queries.
rel1, sc1 = np.array([3, 2, 3, 0, 1, 2]), np.array([0.9, 0.8, 0.9, 0.1, 0.5, 0.3])
rel2, sc2 = np.array([0, 0, 1]), np.array([0.2, 0.6, 0.4])
for k in [3, None]:
    n1 = m.ndcg_score(rel1[None, :], sc1[None, :], k=k)
    n2 = m.ndcg_score(rel2[None, :], sc2[None, :], k=k)
    print("ndcg k", k, repr(n1), repr(n2), repr((n1 + n2) / 2))


def rr(rel, sc):
    order = np.argsort(-sc, kind="stable")
    hits = np.nonzero(rel[order] > 0)[0]
    return 0.0 if len(hits) == 0 else 1.0 / (hits[0] + 1)


print("mrr", repr((rr(rel1, sc1) + rr(rel2, sc2)) / 2))
