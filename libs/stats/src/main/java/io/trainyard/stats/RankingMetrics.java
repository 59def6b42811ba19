package io.trainyard.stats;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * Ranking metrics over queries: each query has its documents' true relevance (a number, 0 for
 * irrelevant) and the model's scores; a query's figure is averaged over the queries.
 *
 * <ul>
 *   <li>{@link #ndcg}: {@code sklearn.metrics.ndcg_score(y_true, y_score, k=k)} computed per query
 *       and averaged: linear gains, discount {@code 1 / log2(rank + 1)} up to rank k, tied scores
 *       sharing the average gain of their group ({@code ignore_ties=False}), normalised by the
 *       ideal ordering; a query with no relevant document scores 0
 *   <li>{@link #mrr}: the mean reciprocal rank (Voorhees, 1999), {@code mean(1 / rank of the first
 *       relevant document)}, 0 for a query without one; documents are ranked by descending score,
 *       ties in their given order
 * </ul>
 */
public final class RankingMetrics {

  private RankingMetrics() {}

  /**
   * The mean NDCG at {@code k} over the queries.
   *
   * @param relevance per query, the true relevance of its documents (at least 2 each, as
   *     scikit-learn requires)
   * @param scores per query, the scores of the same documents
   * @param k the ranks counted; {@code 0} for all
   */
  public static double ndcg(double[][] relevance, double[][] scores, int k) {
    check(relevance, scores);
    double sum = 0;
    for (int q = 0; q < relevance.length; q++) {
      if (relevance[q].length < 2) {
        throw new IllegalArgumentException(
            "query " + q + " has " + relevance[q].length + " document: NDCG needs at least 2");
      }
      double[] discount = new double[relevance[q].length];
      for (int r = 0; r < discount.length; r++) {
        discount[r] = k > 0 && r >= k ? 0 : 1 / (Math.log(r + 2) / Math.log(2));
      }
      double ideal = idealDcg(relevance[q], discount);
      sum += ideal == 0 ? 0 : tieAveragedDcg(relevance[q], scores[q], discount) / ideal;
    }
    return sum / relevance.length;
  }

  /** The mean reciprocal rank of the first relevant document (relevance above 0). */
  public static double mrr(double[][] relevance, double[][] scores) {
    check(relevance, scores);
    double sum = 0;
    for (int q = 0; q < relevance.length; q++) {
      double[] s = scores[q];
      Integer[] order = new Integer[s.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a])); // stable: ties in given order
      for (int r = 0; r < order.length; r++) {
        if (relevance[q][order[r]] > 0) {
          sum += 1.0 / (r + 1);
          break;
        }
      }
    }
    return sum / relevance.length;
  }

  private static double idealDcg(double[] relevance, double[] discount) {
    double[] sorted = relevance.clone();
    Arrays.sort(sorted);
    double dcg = 0;
    for (int r = 0; r < sorted.length; r++) {
      dcg += sorted[sorted.length - 1 - r] * discount[r];
    }
    return dcg;
  }

  /** scikit-learn's {@code _tie_averaged_dcg}: each group of equal scores shares its gains. */
  private static double tieAveragedDcg(double[] relevance, double[] scores, double[] discount) {
    TreeMap<Double, double[]> groups = new TreeMap<>(); // -score -> {gain sum, count}
    for (int i = 0; i < scores.length; i++) {
      double[] g = groups.computeIfAbsent(-(scores[i] + 0.0), x -> new double[2]);
      g[0] += relevance[i];
      g[1]++;
    }
    double dcg = 0;
    int rank = 0;
    for (double[] g : groups.values()) {
      double discounts = 0;
      for (int r = rank; r < rank + (int) g[1]; r++) {
        discounts += discount[r];
      }
      dcg += g[0] / g[1] * discounts;
      rank += (int) g[1];
    }
    return dcg;
  }

  private static void check(double[][] relevance, double[][] scores) {
    if (relevance == null || scores == null || relevance.length == 0) {
      throw new IllegalArgumentException("ranking metrics need at least one query");
    }
    if (relevance.length != scores.length) {
      throw new IllegalArgumentException(
          relevance.length + " queries of relevance, " + scores.length + " of scores");
    }
    for (int q = 0; q < relevance.length; q++) {
      if (relevance[q] == null || scores[q] == null || relevance[q].length != scores[q].length) {
        throw new IllegalArgumentException(
            "query " + q + ": relevance and scores differ in length");
      }
      for (int i = 0; i < scores[q].length; i++) {
        if (!Double.isFinite(scores[q][i]) || !Double.isFinite(relevance[q][i])) {
          throw new IllegalArgumentException("query " + q + " has a value that is not finite");
        }
      }
    }
  }
}
