package io.trainyard.evaluation.models;

import io.trainyard.contracts.spec.Task;
import io.trainyard.datasets.ParquetTables;
import io.trainyard.stats.RankingMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ranking figures of a scored test split whose rows form queries ({@code evaluation.ranking}):
 * the rows that share a value of the query column are one query's documents, in {@code row_id}
 * order, ranked by the model's score (binary: P(positive); regression: the prediction) and judged
 * by their true relevance (binary: 1 for the positive class, else 0; regression: the target).
 *
 * <ul>
 *   <li>{@code ndcg_at_k}: scikit-learn's {@code ndcg_score(y_true, y_score, k=k)} of each query
 *       with at least 2 documents (scikit-learn needs 2), averaged over those queries;
 *   <li>{@code mrr}: the mean reciprocal rank of the first relevant document over every query, 0
 *       for a query without one (Voorhees, 1999).
 * </ul>
 *
 * Rows without a query value belong to no query. A figure that cannot be computed goes into {@code
 * undefined} with the reason, so that a gate on it fails saying why.
 *
 * @param query the query column
 * @param k the ranks {@code ndcg_at_k} counts
 * @param queries the queries (distinct values of the column)
 * @param judged the queries with at least 2 documents, which {@code ndcg_at_k} averages
 * @param rowsWithoutQuery the test rows whose query value is missing
 */
record Ranked(String query, int k, int queries, int judged, int rowsWithoutQuery) {

  static final String NDCG = "ndcg_at_k";
  static final String MRR = "mrr";

  /**
   * Adds {@code ndcg_at_k} and {@code mrr} to {@code metrics}, or their reasons to {@code
   * undefined}.
   *
   * @param column the query column's values in the split's row order; null when the split lacks it
   * @param missing why the column is missing, when it is
   * @return the queries' summary; null when the column is missing or the figures are undefined
   */
  static Ranked metrics(
      Scored scored,
      String query,
      int k,
      ParquetTables.Column column,
      String missing,
      Map<String, Double> metrics,
      Map<String, String> undefined) {
    if (column == null) {
      undefined.put(NDCG, missing);
      undefined.put(MRR, missing);
      return null;
    }
    double[] relevance = new double[scored.rows()];
    double[] scores;
    if (scored.task() == Task.BINARY_CLASSIFICATION) {
      String positive = scored.classes().get(1);
      for (int i = 0; i < relevance.length; i++) {
        relevance[i] = positive.equals(scored.actual()[i]) ? 1 : 0;
      }
      scores = scored.scores();
    } else if (scored.task() == Task.REGRESSION) {
      for (int i = 0; i < relevance.length; i++) {
        relevance[i] = scored.targets()[i];
        if (relevance[i] < 0) {
          String reason =
              "ranking needs relevance of at least 0, but row_id "
                  + scored.rowIds()[i]
                  + " has the target "
                  + relevance[i];
          undefined.put(NDCG, reason);
          undefined.put(MRR, reason);
          return null;
        }
      }
      scores = scored.estimates();
    } else {
      String reason = "ranking is not defined for " + scored.task().wire();
      undefined.put(NDCG, reason);
      undefined.put(MRR, reason);
      return null;
    }
    Map<String, List<Integer>> documents = new LinkedHashMap<>();
    int withoutQuery = 0;
    for (int i = 0; i < relevance.length; i++) {
      String value = column.text()[i];
      if (value == null) {
        withoutQuery++;
      } else {
        documents.computeIfAbsent(value, v -> new ArrayList<>()).add(i);
      }
    }
    if (documents.isEmpty()) {
      String reason = "no test row has a value of the query column '" + query + "'";
      undefined.put(NDCG, reason);
      undefined.put(MRR, reason);
      return null;
    }
    List<double[]> allRelevance = new ArrayList<>();
    List<double[]> allScores = new ArrayList<>();
    List<double[]> judgedRelevance = new ArrayList<>();
    List<double[]> judgedScores = new ArrayList<>();
    for (List<Integer> rows : documents.values()) {
      double[] r = new double[rows.size()];
      double[] s = new double[rows.size()];
      for (int d = 0; d < r.length; d++) {
        r[d] = relevance[rows.get(d)];
        s[d] = scores[rows.get(d)];
      }
      allRelevance.add(r);
      allScores.add(s);
      if (r.length >= 2) {
        judgedRelevance.add(r);
        judgedScores.add(s);
      }
    }
    metrics.put(
        MRR,
        RankingMetrics.mrr(
            allRelevance.toArray(new double[0][]), allScores.toArray(new double[0][])));
    if (judgedRelevance.isEmpty()) {
      undefined.put(NDCG, "no query of '" + query + "' has 2 documents, which NDCG needs");
    } else {
      metrics.put(
          NDCG,
          RankingMetrics.ndcg(
              judgedRelevance.toArray(new double[0][]), judgedScores.toArray(new double[0][]), k));
    }
    return new Ranked(query, k, documents.size(), judgedRelevance.size(), withoutQuery);
  }
}
