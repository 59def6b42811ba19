package io.trainyard.evaluation.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.datasets.ParquetTables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ranking figures against scikit-learn 1.2.1. The reference, per query in row order:
 *
 * <pre>
 * from sklearn.metrics import ndcg_score
 * nd = [ndcg_score(rel[None, :], sc[None, :], k=k) for each query with at least 2 rows]
 * rr = [1 / (rank of the first relevant row by descending score) or 0, for each query]
 * print(np.mean(nd), np.mean(rr))
 * </pre>
 */
class RankedTest {

  private static final double E = 1e-9;

  @Test
  void binaryRowsAreRankedByTheirScoreWithinTheirQuery() {
    // queries a (4 rows, two tied scores), b (3 rows), c (1 row: MRR only), one row without.
    String[] query = {"a", "a", "a", "a", "b", "b", "b", "c", null, "b"};
    String[] actual = {"0", "1", "0", "1", "0", "0", "1", "1", "1", "0"};
    double[] scores = {0.9, 0.8, 0.3, 0.3, 0.2, 0.7, 0.6, 0.1, 0.99, 0.6};
    Scored scored = Scored.binary(ids(10), actual, actual, scores, List.of("0", "1"));
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, String> undefined = new LinkedHashMap<>();

    Ranked ranked = Ranked.metrics(scored, "q", 2, text(query), null, metrics, undefined);

    // ndcg per query [0.38685280723454163, 0.31546487678572877]; reciprocal ranks [0.5, 0.5, 1]
    assertThat(metrics.get("ndcg_at_k")).isCloseTo(0.3511588420101352, within(E));
    assertThat(metrics.get("mrr")).isCloseTo(0.6666666666666666, within(E));
    assertThat(undefined).isEmpty();
    assertThat(ranked).isEqualTo(new Ranked("q", 2, 3, 2, 1));
  }

  @Test
  void regressionTargetsAreTheRelevance() {
    String[] query = {"x", "x", "x", "y", "y"};
    double[] targets = {3.0, 0.0, 1.0, 2.0, 0.5};
    double[] estimates = {0.5, 2.0, 1.0, 1.0, 1.5};
    Scored scored = Scored.regression(ids(5), labels(targets), targets, estimates);
    Map<String, Double> metrics = new LinkedHashMap<>();

    Ranked.metrics(scored, "q", 10, text(query), null, metrics, new LinkedHashMap<>());

    assertThat(metrics.get("ndcg_at_k")).isCloseTo(0.6738961473642981, within(E));
    assertThat(metrics.get("mrr")).isCloseTo(0.75, within(E));
  }

  @Test
  void whatCannotBeComputedSaysWhy() {
    double[] targets = {1.0, -2.0};
    Scored regression = Scored.regression(ids(2), labels(targets), targets, new double[] {1, 2});
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, String> undefined = new LinkedHashMap<>();
    assertThat(
            Ranked.metrics(
                regression, "q", 10, text(new String[] {"a", "a"}), null, metrics, undefined))
        .isNull();
    assertThat(metrics).isEmpty();
    assertThat(undefined)
        .containsEntry(
            "ndcg_at_k",
            "ranking needs relevance of at least 0, but row_id 2 has the" + " target -2.0");

    undefined.clear();
    Scored binary =
        Scored.binary(
            ids(2),
            new String[] {"0", "1"},
            new String[] {"0", "1"},
            new double[] {0.1, 0.9},
            List.of("0", "1"));
    Ranked.metrics(
        binary,
        "session",
        10,
        null,
        "query column 'session' is not in the test split",
        metrics,
        undefined);
    assertThat(undefined)
        .containsEntry("ndcg_at_k", "query column 'session' is not in the test split")
        .containsEntry("mrr", "query column 'session' is not in the test split");

    undefined.clear();
    Ranked singles =
        Ranked.metrics(binary, "q", 10, text(new String[] {"a", "b"}), null, metrics, undefined);
    assertThat(metrics).containsEntry("mrr", 0.5).doesNotContainKey("ndcg_at_k");
    assertThat(undefined)
        .containsEntry("ndcg_at_k", "no query of 'q' has 2 documents, which NDCG needs");
    assertThat(singles.judged()).isZero();
  }

  private static long[] ids(int n) {
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i + 1;
    }
    return ids;
  }

  private static String[] labels(double[] values) {
    String[] labels = new String[values.length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = Double.toString(values[i]);
    }
    return labels;
  }

  private static ParquetTables.Column text(String[] values) {
    return new ParquetTables.Column(false, values, new double[values.length]);
  }
}
