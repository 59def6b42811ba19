package io.trainyard.stats;

import java.util.Arrays;

/**
 * Weak supervision: the analysis of labeling functions and their majority vote, each defined
 * exactly as Snorkel 0.9.x computes it ({@code snorkel.labeling.LFAnalysis} and {@code
 * snorkel.labeling.model.MajorityLabelVoter}), so that the labeling service's per-rule figures can
 * be checked against a notebook.
 *
 * <p>The input is a label matrix {@code L[row][function]}, as Snorkel's: every row has one entry
 * per labeling function, each a class in {@code [0, classes)} or {@link #ABSTAIN} when the function
 * does not label the row. A function <em>labels</em> a row when its entry is not {@link #ABSTAIN}.
 *
 * <ul>
 *   <li>{@link #coverage}: {@code LFAnalysis(L).lf_coverages()}
 *   <li>{@link #overlaps}: {@code LFAnalysis(L).lf_overlaps()} ({@code
 *       normalize_by_coverage=False})
 *   <li>{@link #conflicts}: {@code LFAnalysis(L).lf_conflicts()} ({@code
 *       normalize_by_overlaps=False})
 *   <li>{@link #totalCoverage}, {@link #totalOverlap}, {@link #totalConflict}: {@code
 *       label_coverage()}, {@code label_overlap()}, {@code label_conflict()}
 *   <li>{@link #empiricalAccuracies}: {@code lf_empirical_accuracies(Y)} on the rows whose gold
 *       label is known, {@code NaN} for a function that labels none of them
 *   <li>{@link #majorityVote}: {@code MajorityLabelVoter(cardinality=classes).predict(L,
 *       tie_break_policy="abstain")}
 * </ul>
 *
 * <p>Arguments are checked: a {@code null} matrix, one without rows, rows of different lengths, and
 * entries below {@link #ABSTAIN} (or, where the number of classes is given, not below it) throw
 * {@link IllegalArgumentException}. A matrix with rows but no functions is valid: nothing is
 * labeled.
 */
public final class LabelingFunctions {

  /** The entry of a labeling function that does not label a row (Snorkel's {@code -1}). */
  public static final int ABSTAIN = -1;

  private LabelingFunctions() {}

  /**
   * Per function, the share of the rows it labels: Snorkel's {@code LFAnalysis.lf_coverages},
   * {@code (L != -1).sum(axis=0) / n}.
   *
   * @throws IllegalArgumentException on an invalid matrix
   */
  public static double[] coverage(int[][] L) {
    int functions = checkMatrix(L);
    long[] labeled = new long[functions];
    for (int[] row : L) {
      for (int j = 0; j < functions; j++) {
        if (row[j] != ABSTAIN) {
          labeled[j]++;
        }
      }
    }
    return shares(labeled, L.length);
  }

  /**
   * Per function, the share of all rows that it labels and that at least one other function also
   * labels: Snorkel's {@code LFAnalysis.lf_overlaps()} (not normalized by coverage, so at most the
   * function's {@link #coverage}). The denominator is the number of rows, not of rows the function
   * labels.
   *
   * @throws IllegalArgumentException on an invalid matrix
   */
  public static double[] overlaps(int[][] L) {
    int functions = checkMatrix(L);
    long[] overlapping = new long[functions];
    for (int[] row : L) {
      if (labels(row) >= 2) {
        for (int j = 0; j < functions; j++) {
          if (row[j] != ABSTAIN) {
            overlapping[j]++;
          }
        }
      }
    }
    return shares(overlapping, L.length);
  }

  /**
   * Per function, the share of all rows that it labels and where at least one other function gives
   * a different label: Snorkel's {@code LFAnalysis.lf_conflicts()} (not normalized by overlaps, so
   * at most the function's {@link #overlaps}). Snorkel marks a row conflicted when its labels are
   * not all the same ({@code _conflicted_data_points}: some label differs from the row's greatest);
   * every function that labels such a row counts it, including one that agrees with some of the
   * others.
   *
   * @throws IllegalArgumentException on an invalid matrix
   */
  public static double[] conflicts(int[][] L) {
    int functions = checkMatrix(L);
    long[] conflicting = new long[functions];
    for (int[] row : L) {
      if (conflicted(row)) {
        for (int j = 0; j < functions; j++) {
          if (row[j] != ABSTAIN) {
            conflicting[j]++;
          }
        }
      }
    }
    return shares(conflicting, L.length);
  }

  /**
   * The share of rows that at least one function labels: Snorkel's {@code
   * LFAnalysis.label_coverage()}.
   *
   * @throws IllegalArgumentException on an invalid matrix
   */
  public static double totalCoverage(int[][] L) {
    checkMatrix(L);
    long covered = 0;
    for (int[] row : L) {
      covered += labels(row) >= 1 ? 1 : 0;
    }
    return (double) covered / L.length;
  }

  /**
   * The share of rows that 2 or more functions label: Snorkel's {@code LFAnalysis.label_overlap()}.
   *
   * @throws IllegalArgumentException on an invalid matrix
   */
  public static double totalOverlap(int[][] L) {
    checkMatrix(L);
    long overlapping = 0;
    for (int[] row : L) {
      overlapping += labels(row) >= 2 ? 1 : 0;
    }
    return (double) overlapping / L.length;
  }

  /**
   * The share of rows with 2 or more distinct labels: Snorkel's {@code
   * LFAnalysis.label_conflict()}.
   *
   * @throws IllegalArgumentException on an invalid matrix
   */
  public static double totalConflict(int[][] L) {
    checkMatrix(L);
    long conflicting = 0;
    for (int[] row : L) {
      conflicting += conflicted(row) ? 1 : 0;
    }
    return (double) conflicting / L.length;
  }

  /**
   * Per function, its accuracy against gold labels: over the rows it labels whose gold label is
   * known ({@code gold[i] != -1}), the share where its label equals the gold label.
   *
   * <p>This is Snorkel's {@code LFAnalysis(L[known]).lf_empirical_accuracies(gold[known])}, {@code
   * 0.5 * (mean of ±1 over the labeled rows + 1)}, which is the same share (up to rounding, below
   * 1e-15), with two differences:
   *
   * <ul>
   *   <li>rows whose gold label is unknown ({@code -1}) are left out; Snorkel has no unknown gold
   *       label and would count them as wrong;
   *   <li>a function that labels none of the rows with a known gold label gets {@link Double#NaN}
   *       (no evidence), where Snorkel's {@code nan_to_num} reports 0 (indistinguishable from a
   *       function that is always wrong).
   * </ul>
   *
   * @param gold per row, its gold class in {@code [0, classes)} or {@code -1} when unknown
   * @throws IllegalArgumentException on an invalid matrix, when {@code gold} is {@code null}, its
   *     length differs from the number of rows, or it holds a value below {@code -1}
   */
  public static double[] empiricalAccuracies(int[][] L, int[] gold) {
    int functions = checkMatrix(L);
    if (gold == null) {
      throw new IllegalArgumentException("gold must not be null");
    }
    if (gold.length != L.length) {
      throw new IllegalArgumentException(
          "gold needs one label per row of L, but has "
              + gold.length
              + " for "
              + L.length
              + " rows");
    }
    long[] labeled = new long[functions];
    long[] correct = new long[functions];
    for (int i = 0; i < L.length; i++) {
      if (gold[i] < ABSTAIN) {
        throw new IllegalArgumentException(
            "gold[" + i + "] is " + gold[i] + ": neither a class (>= 0) nor unknown (-1)");
      }
      if (gold[i] == ABSTAIN) {
        continue;
      }
      for (int j = 0; j < functions; j++) {
        if (L[i][j] != ABSTAIN) {
          labeled[j]++;
          correct[j] += L[i][j] == gold[i] ? 1 : 0;
        }
      }
    }
    double[] accuracies = new double[functions];
    for (int j = 0; j < functions; j++) {
      accuracies[j] = labeled[j] == 0 ? Double.NaN : (double) correct[j] / labeled[j];
    }
    return accuracies;
  }

  /**
   * The majority vote per row: Snorkel's {@code MajorityLabelVoter(cardinality=classes).predict(L,
   * tie_break_policy="abstain")}. A row gets the class most functions give it; it gets {@link
   * #ABSTAIN} when no function labels it (Snorkel's probabilities are then uniform, a tie) or when
   * two or more classes share the top count.
   *
   * <p>Snorkel's {@code probs_to_preds} refuses fewer than 2 classes; here {@code classes = 1} is
   * allowed: a row any function labels gets class 0.
   *
   * @param classes the number of classes, at least 1
   * @return per row, a class in {@code [0, classes)} or {@link #ABSTAIN}
   * @throws IllegalArgumentException on an invalid matrix, {@code classes < 1}, or an entry that is
   *     neither a class in {@code [0, classes)} nor {@link #ABSTAIN}
   */
  public static int[] majorityVote(int[][] L, int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be at least 1, got " + classes);
    }
    checkMatrix(L, classes);
    int[] votes = new int[L.length];
    int[] counts = new int[classes];
    for (int i = 0; i < L.length; i++) {
      Arrays.fill(counts, 0);
      for (int label : L[i]) {
        if (label != ABSTAIN) {
          counts[label]++;
        }
      }
      int top = 0;
      int atTop = 0;
      for (int k = 0; k < classes; k++) {
        if (counts[k] > counts[top]) {
          top = k;
          atTop = 1;
        } else if (counts[k] == counts[top]) {
          atTop++;
        }
      }
      votes[i] = counts[top] == 0 || atTop > 1 ? ABSTAIN : top;
    }
    return votes;
  }

  /** How many functions label the row. */
  private static int labels(int[] row) {
    int labels = 0;
    for (int label : row) {
      labels += label != ABSTAIN ? 1 : 0;
    }
    return labels;
  }

  /** Whether the row's labels are not all the same (it has 2 or more distinct labels). */
  private static boolean conflicted(int[] row) {
    int first = ABSTAIN;
    for (int label : row) {
      if (label == ABSTAIN) {
        continue;
      }
      if (first == ABSTAIN) {
        first = label;
      } else if (label != first) {
        return true;
      }
    }
    return false;
  }

  private static double[] shares(long[] counts, int rows) {
    double[] shares = new double[counts.length];
    for (int j = 0; j < counts.length; j++) {
      shares[j] = (double) counts[j] / rows;
    }
    return shares;
  }

  /** Checks the matrix, its entries {@code >= ABSTAIN}; the number of functions. */
  private static int checkMatrix(int[][] L) {
    return checkMatrix(L, Integer.MAX_VALUE);
  }

  /** Checks the matrix, its entries {@code ABSTAIN} or in {@code [0, classes)}. */
  private static int checkMatrix(int[][] L, int classes) {
    if (L == null) {
      throw new IllegalArgumentException("the label matrix L must not be null");
    }
    if (L.length == 0) {
      throw new IllegalArgumentException("the label matrix L has no row");
    }
    for (int i = 0; i < L.length; i++) {
      if (L[i] == null) {
        throw new IllegalArgumentException("L[" + i + "] is null");
      }
      if (L[i].length != L[0].length) {
        throw new IllegalArgumentException(
            "every row of L needs one entry per labeling function, but row 0 has "
                + L[0].length
                + " and row "
                + i
                + " has "
                + L[i].length);
      }
      for (int j = 0; j < L[i].length; j++) {
        int label = L[i][j];
        if (label < ABSTAIN || label >= classes) {
          throw new IllegalArgumentException(
              "L["
                  + i
                  + "]["
                  + j
                  + "] is "
                  + label
                  + (classes == Integer.MAX_VALUE
                      ? ": neither a class (>= 0) nor ABSTAIN (-1)"
                      : ": neither a class in [0, " + classes + ") nor ABSTAIN (-1)"));
        }
      }
    }
    return L[0].length;
  }
}
