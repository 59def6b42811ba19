package io.trainyard.evaluation.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.contracts.events.ModelEvaluated.Fairness;
import io.trainyard.contracts.events.ModelEvaluated.GateResult;
import io.trainyard.contracts.spec.PipelineSpec.Gate;
import io.trainyard.datasets.ParquetTables;
import io.trainyard.evaluation.gating.Gates;
import io.trainyard.evaluation.gating.Sliced;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlicesTest {

  static ParquetTables.Column text(String... values) {
    double[] nan = new double[values.length];
    Arrays.fill(nan, Double.NaN);
    return new ParquetTables.Column(false, values, nan);
  }

  static ParquetTables.Column numbers(double... values) {
    String[] text = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      text[i] = Double.isNaN(values[i]) ? null : String.valueOf(values[i]);
    }
    return new ParquetTables.Column(true, text, values);
  }

  @Test
  void textColumnsAreSlicedByValueWithMissingLast() {
    List<Slices.Group> groups = Slices.groups("country", text("DE", "FR", null, "DE"));
    assertThat(groups).extracting(Slices.Group::value).containsExactly("DE", "FR", "(missing)");
    assertThat(groups.get(0).rows()).containsExactly(0, 3);
    assertThat(groups.get(2).rows()).containsExactly(2);
  }

  @Test
  void numericColumnsWithFewValuesAreSlicedByValueAndOthersIntoQuartiles() {
    assertThat(Slices.groups("flag", numbers(1, 0, 1, 0, 1)))
        .extracting(Slices.Group::value)
        .containsExactly("0.0", "1.0");
    // pandas.qcut(x, 4) on 1..12: (0.999, 3.75], (3.75, 6.5], (6.5, 9.25], (9.25, 12.0], 3 each.
    List<Slices.Group> quartiles =
        Slices.groups("amount", numbers(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, Double.NaN));
    assertThat(quartiles)
        .extracting(Slices.Group::value)
        .containsExactly(
            "[1.000, 3.750]", "(3.750, 6.500]", "(6.500, 9.250]", "(9.250, 12.00]", "(missing)");
    assertThat(quartiles).extracting(g -> g.rows().length).containsExactly(3, 3, 3, 3, 1);
    assertThat(quartiles.get(1).rows()).containsExactly(3, 4, 5);
  }

  /** Rows: group a (4 rows), b (4 rows), c (1 row, below the minimum slice size of 2). */
  static Scored scored() {
    String[] actual = {"1", "1", "0", "0", "1", "1", "0", "0", "1"};
    double[] scores = {.9, .8, .7, .1, .9, .2, .1, .1, .9};
    String[] predicted = new String[scores.length];
    for (int i = 0; i < scores.length; i++) {
      predicted[i] = scores[i] >= .5 ? "1" : "0";
    }
    return Scored.binary(new long[9], actual, predicted, scores, List.of("0", "1"));
  }

  @Test
  void slicesReportMetricsWhenLargeEnoughAndFairnessAcrossThem() {
    Map<String, ParquetTables.Column> columns = new LinkedHashMap<>();
    columns.put("group", text("a", "a", "a", "a", "b", "b", "b", "b", "c"));
    Sliced sliced = Slices.slice(scored(), columns, Map.of(), 2);

    assertThat(sliced.slices()).extracting(s -> s.value()).containsExactly("a", "b", "c");
    assertThat(sliced.slices()).extracting(s -> s.rows()).containsExactly(4L, 4L, 1L);
    // a: predicted 1,1,1,0 against 1,1,0,0 (accuracy 3/4); b: 1,0,0,0 against 1,1,0,0 (3/4).
    assertThat(sliced.slices().get(0).metrics().get("accuracy")).isCloseTo(0.75, within(1e-12));
    assertThat(sliced.slices().get(1).metrics().get("recall")).isCloseTo(0.5, within(1e-12));
    assertThat(sliced.slices().get(2).metrics()).isEmpty();
    // Selection rates a 3/4, b 1/4; true positive rates a 2/2, b 1/2 (c is not judged).
    Fairness fairness = sliced.fairness().get(0);
    assertThat(fairness.groups()).containsExactly("a", "b");
    assertThat(fairness.demographicParityDifference()).isCloseTo(0.5, within(1e-12));
    assertThat(fairness.equalOpportunityDifference()).isCloseTo(0.5, within(1e-12));
    assertThat(fairness.disparateImpactRatio()).isCloseTo(1.0 / 3, within(1e-12));
  }

  @Test
  void sliceGatesJudgeEachSliceTheFairnessAndNameAMissingColumn() {
    Map<String, ParquetTables.Column> columns = new LinkedHashMap<>();
    columns.put("group", text("a", "a", "a", "a", "b", "b", "b", "b", "c"));
    Sliced sliced =
        Slices.slice(
            scored(),
            columns,
            Map.of("region", "slice column 'region' is not in the test split of datasets/x/v1"),
            2);
    List<GateResult> results =
        Gates.apply(
            List.of(
                new Gate("recall", 0.6, null, null, null, "group"),
                new Gate("recall", 0.6, null, null, null, "group=a"),
                new Gate("recall", 0.6, null, null, null, "group=c"),
                new Gate("demographic_parity_difference", null, 0.2, null, null, "group"),
                new Gate("accuracy", 0.5, null, null, null, "region"),
                new Gate("accuracy", 0.5, null, null, null, "group=z")),
            Map.of(),
            Map.of(),
            sliced,
            Optional.empty());
    assertThat(results)
        .extracting(GateResult::passed)
        .containsExactly(false, true, true, false, false, false);
    assertThat(results.get(0).reason()).isEqualTo("slice group=b: recall 0.5000 < min 0.6000");
    assertThat(results.get(0).slice()).isEqualTo("group");
    assertThat(results.get(1).reason()).isEqualTo("slice group=a: recall 1.0000 >= min 0.6000");
    assertThat(results.get(2).reason())
        .isEqualTo("slice group=c has 1 rows, below minSliceSize 2: not judged");
    assertThat(results.get(3).reason())
        .isEqualTo("across 'group': demographic_parity_difference 0.5000 > max 0.2000");
    assertThat(results.get(4).reason())
        .isEqualTo("slice column 'region' is not in the test split of datasets/x/v1");
    assertThat(results.get(5).reason()).isEqualTo("no test rows have group=z");

    // Against a champion: the same slice of the champion is compared.
    var champion =
        Optional.of(new Gates.Champion(4, Map.of(), Slices.slice(scored(), columns, Map.of(), 2)));
    GateResult same =
        Gates.apply(
                List.of(new Gate("accuracy", null, null, 0.0, null, "group=a")),
                Map.of(),
                Map.of(),
                sliced,
                champion)
            .get(0);
    assertThat(same.passed()).isTrue();
    assertThat(same.championValue()).isEqualTo(0.75);
  }
}
