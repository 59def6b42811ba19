package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.contracts.spec.Task;
import io.trainyard.datasets.ValidationReport.Anomaly;
import io.trainyard.datasets.ValidationReport.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidatorTest {

  private static final SplitRatios RATIOS = new SplitRatios(0.7, 0.15, 0.15);

  @TempDir Path dir;

  private int tables;

  /** A table of {@code rows} rows: the header, then {@code row.apply(i)} for each row. */
  private ValidationReport validate(
      String header, int rows, IntFunction<String> row, boolean dedupe, Task task)
      throws Exception {
    StringBuilder csv = new StringBuilder(header).append('\n');
    for (int i = 0; i < rows; i++) {
      csv.append(row.apply(i)).append('\n');
    }
    Path table = dir.resolve("t" + (++tables));
    Path file = Files.writeString(Files.createDirectories(table).resolve("in.csv"), csv);
    IngestResult result =
        CsvSplitter.split(
            file,
            new SplitConfig("y", List.of(), RATIOS, task.classification(), 1, dedupe),
            table.resolve("out"));
    DatasetProfile profile = Profiler.profile(result.splits());
    return Validator.validate(result, profile, task);
  }

  private ValidationReport validate(String header, int rows, IntFunction<String> row)
      throws Exception {
    return validate(header, rows, row, false, Task.BINARY_CLASSIFICATION);
  }

  private static Anomaly only(ValidationReport report, String code) {
    List<Anomaly> found = report.withCode(code);
    assertThat(found).as(code + " in " + report).hasSize(1);
    return found.get(0);
  }

  @Test
  void aCleanBalancedTablePassesWithTheClassSharesAsInfo() throws Exception {
    ValidationReport report = validate("x,z,y", 100, i -> i + "," + (i * 7 % 13) + "," + i % 2);
    assertThat(report.passed()).isTrue();
    assertThat(report.anomalies()).extracting(Anomaly::code).containsExactly("class_imbalance");
    Anomaly shares = only(report, Validator.CLASS_IMBALANCE);
    assertThat(shares.severity()).isEqualTo(Severity.INFO);
    assertThat(shares.column()).isEqualTo("y");
    assertThat(shares.value()).isEqualTo(0.5);
    assertThat(shares.message()).contains("'0' 50.0 %", "'1' 50.0 %");
    assertThat(report.errors()).isZero();
    assertThat(report.warnings()).isZero();

    ValidationReport regression =
        validate("x,z,y", 100, i -> i + "," + (i * 7 % 13) + "," + i % 2, false, Task.REGRESSION);
    assertThat(regression.anomalies()).isEmpty();
    assertThat(regression.passed()).isTrue();
  }

  @Test
  void unlabeledRowsAreAnInfoWithTheirCount() throws Exception {
    ValidationReport report = validate("x,y", 100, i -> i + "," + (i % 10 == 3 ? "" : i % 2));
    Anomaly unlabeled = only(report, Validator.UNLABELED_ROWS);
    assertThat(unlabeled.severity()).isEqualTo(Severity.INFO);
    assertThat(unlabeled.column()).isEqualTo("y");
    assertThat(unlabeled.value()).isEqualTo(10.0);
    assertThat(unlabeled.message()).contains("10 of 100 rows");
    assertThat(report.passed()).isTrue();
  }

  @Test
  void nanAndInfinitiesAreCountedPerNumberColumnApartFromEmptyCells() throws Exception {
    String[] special = {"nan", "inf", "-inf", "NaN", ""};
    ValidationReport report =
        validate(
            "x,w,y", 100, i -> (i < 5 ? special[i] : i + ".5") + "," + (i * 3 % 17) + "," + i % 2);
    Anomaly nan = only(report, Validator.NAN_OR_INF);
    assertThat(nan.severity()).isEqualTo(Severity.WARNING);
    assertThat(nan.column()).isEqualTo("x");
    assertThat(nan.value()).isEqualTo(4.0);
    assertThat(nan.message()).contains("2 NaN", "1 +Infinity", "1 -Infinity");
    Anomaly missing = only(report, Validator.MISSING_VALUES);
    assertThat(missing.column()).isEqualTo("x");
    assertThat(missing.value()).isCloseTo(0.01, within(1e-12)); // the empty cell only
    assertThat(report.passed()).isTrue();
  }

  @Test
  void missingValuesAreAWarningPerFeatureWithTheirShare() throws Exception {
    ValidationReport report =
        validate("x,w,y", 100, i -> (i % 20 == 0 ? "" : i) + "," + (i * 3 % 17) + "," + i % 2);
    Anomaly missing = only(report, Validator.MISSING_VALUES);
    assertThat(missing.severity()).isEqualTo(Severity.WARNING);
    assertThat(missing.column()).isEqualTo("x");
    assertThat(missing.value()).isCloseTo(0.05, within(1e-12));
    assertThat(missing.message()).contains("5 of 100 rows (5.0 %)");
  }

  @Test
  void aConstantFeatureIsAWarning() throws Exception {
    ValidationReport report = validate("x,c,e,y", 100, i -> i + ",3," + "," + i % 2);
    List<Anomaly> constant = report.withCode(Validator.CONSTANT_COLUMN);
    assertThat(constant).extracting(Anomaly::column).containsExactly("c", "e");
    assertThat(constant).extracting(Anomaly::severity).containsOnly(Severity.WARNING);
    assertThat(constant.get(0).value()).isEqualTo(3.0);
    assertThat(constant.get(0).message()).contains("single value (3)");
    assertThat(constant.get(1).message()).contains("no value in any row");
    assertThat(only(report, Validator.MISSING_VALUES).column()).isEqualTo("e");
    assertThat(report.passed()).isTrue();
  }

  @Test
  void aCopyOfTheTargetIsLeakageAndFailsTheReport() throws Exception {
    ValidationReport report = validate("x,leak,y", 100, i -> i + "," + i % 2 + "," + i % 2);
    assertThat(report.passed()).isFalse();
    assertThat(report.errors()).isEqualTo(1);
    Anomaly leak = only(report, Validator.TARGET_LEAKAGE);
    assertThat(leak.severity()).isEqualTo(Severity.ERROR);
    assertThat(leak.column()).isEqualTo("leak");
    assertThat(leak.message()).contains("equals the target 'y'");
    // errors come first
    assertThat(report.anomalies().get(0)).isEqualTo(leak);
  }

  @Test
  void aCopyOfANumericRegressionTargetIsLeakageToo() throws Exception {
    ValidationReport report =
        validate("x,copy,y", 100, i -> i + "," + i * 1.5 + "," + i * 1.5, false, Task.REGRESSION);
    assertThat(only(report, Validator.TARGET_LEAKAGE).column()).isEqualTo("copy");
    assertThat(report.passed()).isFalse();
  }

  @Test
  void theComplementOrARelabelingOfABinaryTargetIsLeakage() throws Exception {
    ValidationReport complement =
        validate("x,neg,y", 100, i -> i + "," + (1 - i % 2) + "," + i % 2);
    assertThat(only(complement, Validator.TARGET_LEAKAGE).column()).isEqualTo("neg");
    assertThat(only(complement, Validator.TARGET_LEAKAGE).message()).contains("complement");

    ValidationReport text =
        validate(
            "x,flag,y",
            100,
            i -> i + "," + (i % 2 == 0 ? 7 : 9) + "," + (i % 2 == 0 ? "no" : "yes"));
    assertThat(only(text, Validator.TARGET_LEAKAGE).column()).isEqualTo("flag");
  }

  @Test
  void aFeatureThatAlmostMatchesTheTargetIsNotLeakage() throws Exception {
    ValidationReport report =
        validate("x,near,y", 100, i -> i + "," + (i == 40 ? 1 : i % 2) + "," + i % 2);
    assertThat(report.withCode(Validator.TARGET_LEAKAGE)).isEmpty();
    assertThat(report.passed()).isTrue();
    // nor is a binary feature with an empty cell on a labeled row
    ValidationReport gap =
        validate("x,gap,y", 100, i -> i + "," + (i == 40 ? "" : i % 2) + "," + i % 2);
    assertThat(gap.withCode(Validator.TARGET_LEAKAGE)).isEmpty();
  }

  @Test
  void duplicatesAreAnInfoWhetherDroppedOrKept() throws Exception {
    IntFunction<String> row = i -> (i < 4 ? 0 : i) + "," + (i < 4 ? 0 : i % 2); // rows 0-3 equal
    ValidationReport dropped = validate("x,y", 100, row, true, Task.BINARY_CLASSIFICATION);
    Anomaly d = only(dropped, Validator.DUPLICATE_ROWS);
    assertThat(d.severity()).isEqualTo(Severity.INFO);
    assertThat(d.column()).isNull();
    assertThat(d.value()).isEqualTo(3.0);
    assertThat(d.message()).contains("dropped");

    ValidationReport kept = validate("x,y", 100, row, false, Task.BINARY_CLASSIFICATION);
    assertThat(only(kept, Validator.DUPLICATE_ROWS).value()).isEqualTo(3.0);
    assertThat(only(kept, Validator.DUPLICATE_ROWS).message()).contains("kept");
  }

  @Test
  void aMinorityClassBelowFivePercentIsAWarning() throws Exception {
    ValidationReport rare = validate("x,y", 100, i -> i + "," + (i % 50 == 7 ? 1 : 0));
    Anomaly imbalance = only(rare, Validator.CLASS_IMBALANCE);
    assertThat(imbalance.severity()).isEqualTo(Severity.WARNING);
    assertThat(imbalance.value()).isCloseTo(0.02, within(1e-12));
    assertThat(imbalance.message()).contains("smallest class '1'", "2 of 100");
    assertThat(rare.passed()).isTrue();

    ValidationReport fine = validate("x,y", 100, i -> i + "," + (i % 10 == 7 ? 1 : 0));
    assertThat(only(fine, Validator.CLASS_IMBALANCE).severity()).isEqualTo(Severity.INFO);
    assertThat(only(fine, Validator.CLASS_IMBALANCE).value()).isCloseTo(0.1, within(1e-12));
  }

  @Test
  void aSingleClassInTheTrainSplitIsAnError() throws Exception {
    ValidationReport report =
        validate("x,y", 50, i -> i + ",a", false, Task.MULTICLASS_CLASSIFICATION);
    Anomaly single = only(report, Validator.SINGLE_CLASS);
    assertThat(single.severity()).isEqualTo(Severity.ERROR);
    assertThat(single.column()).isEqualTo("y");
    assertThat(report.withCode(Validator.CLASS_IMBALANCE)).isEmpty();
    assertThat(report.passed()).isFalse();

    ValidationReport regression = validate("x,y", 50, i -> i + ",4", false, Task.REGRESSION);
    assertThat(regression.withCode(Validator.SINGLE_CLASS)).isEmpty();
  }

  @Test
  void theReportRoundTripsThroughJson() throws Exception {
    ValidationReport report = validate("x,leak,y", 100, i -> i + "," + i % 2 + "," + i % 2);
    String json = new String(report.toJson(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(json).contains("\"severity\" : \"error\"", "\"passed\" : false");
    assertThat(json).doesNotContain("\"errors\"", "\"warnings\"");
    assertThat(ValidationReport.fromJson(report.toJson())).isEqualTo(report);
  }
}
