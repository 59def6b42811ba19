package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.PipelineSpecs;
import io.trainyard.datasets.DatasetProfile.ColumnProfile;
import io.trainyard.datasets.ValidationReport.Anomaly;
import io.trainyard.datasets.ValidationReport.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inferred schema in the profile, and the Validator's checks of declared columns and diffs. */
class SchemaValidationTest {

  private static final SplitRatios RATIOS = new SplitRatios(0.7, 0.15, 0.15);

  @TempDir Path dir;

  private int tables;

  private record Table(IngestResult result, DatasetProfile profile) {}

  /** {@code rows} rows of {@code header}; {@code card}, when present, is excluded (text). */
  private Table table(String header, int rows, IntFunction<String> row) throws Exception {
    StringBuilder csv = new StringBuilder(header).append('\n');
    for (int i = 0; i < rows; i++) {
      csv.append(row.apply(i)).append('\n');
    }
    Path table = dir.resolve("t" + (++tables));
    Path file = Files.writeString(Files.createDirectories(table).resolve("in.csv"), csv);
    List<String> exclude =
        List.of(header.split(",")).contains("card") ? List.of("card") : List.of();
    IngestResult result =
        CsvSplitter.split(
            file, new SplitConfig("y", exclude, RATIOS, true, 1, false), table.resolve("out"));
    return new Table(result, Profiler.profile(result.splits()));
  }

  private static PipelineSpec spec(String ingestion) {
    return PipelineSpecs.parse(
        "{\"name\": \"t\", \"task\": \"binary-classification\", \"target\": \"y\","
            + " \"features\": {\"exclude\": [\"card\"]}, \"ingestion\": {"
            + ingestion
            + "}}");
  }

  private static String card(int i) {
    return i % 10 == 0 ? "jcb" : i % 2 == 0 ? "visa" : "amex";
  }

  /** x = 0..99 (with 5 empty cells when {@code holes}), card, y = 0/1. */
  private Table cards(boolean holes) throws Exception {
    return table(
        "x,card,y", 100, i -> (holes && i % 20 == 5 ? "" : i) + "," + card(i) + "," + i % 2);
  }

  private static Anomaly only(ValidationReport report, String code) {
    List<Anomaly> found = report.withCode(code);
    assertThat(found).as(code + " in " + report).hasSize(1);
    return found.get(0);
  }

  private static ValidationReport validate(Table t, String ingestion, SchemaDiff diff)
      throws Exception {
    return Validator.validate(t.result(), t.profile(), spec(ingestion), diff);
  }

  @Test
  void theWholeVersionProfileHasTheInferredSchema() throws Exception {
    Table t = cards(true);
    ColumnProfile card = t.profile().column("card");
    assertThat(card.kind()).isEqualTo(DatasetProfile.CATEGORICAL);
    assertThat(card.nullable()).isFalse();
    assertThat(card.distinct()).isEqualTo(3);
    assertThat(card.categories()).containsExactly("amex", "jcb", "visa");
    ColumnProfile x = t.profile().column("x");
    assertThat(x.kind()).isEqualTo(DatasetProfile.NUMERIC);
    assertThat(x.nullable()).isTrue();
    assertThat(x.categories()).isNull();
    // per split: no schema
    assertThat(t.profile().split("train").column("card").kind()).isNull();
    assertThat(t.profile().split("train").column("card").categories()).isNull();
    String json = new String(t.profile().toJson(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(json).contains("\"kind\" : \"categorical\"").contains("\"categories\" : [");
    assertThat(DatasetProfile.fromJson(t.profile().toJson())).isEqualTo(t.profile());

    // more than half of the values distinct: text
    Table ids = table("x,card,y", 40, i -> i + ",id" + i + "," + i % 2);
    assertThat(ids.profile().column("card").kind()).isEqualTo(DatasetProfile.TEXT);
    assertThat(ids.profile().column("card").categories()).isNull();
    assertThat(DatasetProfile.kindOf(Column.STRING, 2000, 1001)).isEqualTo(DatasetProfile.TEXT);
    assertThat(DatasetProfile.kindOf(Column.STRING, 2000, 1000))
        .isEqualTo(DatasetProfile.CATEGORICAL);
    assertThat(DatasetProfile.kindOf(Column.STRING, 0, 0)).isEqualTo(DatasetProfile.TEXT);
    assertThat(DatasetProfile.kindOf(Column.BOOLEAN, 5, 2)).isEqualTo(DatasetProfile.BOOLEAN);
  }

  @Test
  void valuesOutOfTheDeclaredRangeAreAnErrorWithTheirCounts() throws Exception {
    ValidationReport report =
        validate(cards(false), "\"columns\": [{\"name\": \"x\", \"min\": 5, \"max\": 90}]", null);
    Anomaly range = only(report, Validator.OUT_OF_RANGE);
    assertThat(range.severity()).isEqualTo(Severity.ERROR);
    assertThat(range.column()).isEqualTo("x");
    assertThat(range.value()).isEqualTo(14.0);
    assertThat(range.message())
        .contains("14 values out of the declared range")
        .contains("5 below the minimum 5 (smallest 0)")
        .contains("9 above the maximum 90 (largest 99)");
    assertThat(report.passed()).isFalse();

    ValidationReport inRange =
        validate(cards(false), "\"columns\": [{\"name\": \"x\", \"min\": 0}]", null);
    assertThat(inRange.withCode(Validator.OUT_OF_RANGE)).isEmpty();
    assertThat(inRange.passed()).isTrue();
  }

  @Test
  void valuesOutsideTheDeclaredCategoriesAreAnErrorWithExamples() throws Exception {
    ValidationReport report =
        validate(
            cards(false),
            "\"columns\": [{\"name\": \"card\", \"type\": \"categorical\","
                + " \"categories\": [\"visa\", \"Amex \"]}], \"categories\": {\"foldCase\": true}",
            null);
    Anomaly unexpected = only(report, Validator.UNEXPECTED_CATEGORY);
    assertThat(unexpected.severity()).isEqualTo(Severity.ERROR);
    assertThat(unexpected.column()).isEqualTo("card");
    assertThat(unexpected.value()).isEqualTo(10.0);
    assertThat(unexpected.message()).contains("10 values outside its declared categories, 1");
    assertThat(unexpected.message()).contains("'jcb' (10)");
    assertThat(report.withCode(Validator.TYPE_MISMATCH)).isEmpty();

    ValidationReport y =
        validate(
            cards(false),
            "\"columns\": [{\"name\": \"y\", \"type\": \"categorical\", \"categories\": [\"1\"]}]",
            null);
    assertThat(only(y, Validator.UNEXPECTED_CATEGORY).message()).contains("'0' (50)");
  }

  @Test
  void typeNullabilityAndMissingDeclaredColumnsAreErrors() throws Exception {
    ValidationReport report =
        validate(
            cards(true),
            "\"columns\": [{\"name\": \"x\", \"type\": \"text\", \"nullable\": false},"
                + " {\"name\": \"card\", \"type\": \"integer\"},"
                + " {\"name\": \"y\", \"type\": \"boolean\", \"nullable\": false},"
                + " {\"name\": \"nope\"}]",
            null);
    assertThat(report.withCode(Validator.TYPE_MISMATCH))
        .extracting(Anomaly::column)
        .containsExactly("x", "card");
    assertThat(report.withCode(Validator.TYPE_MISMATCH).get(0).message())
        .contains("declared text but its values are integer (numeric)");
    Anomaly nulls = only(report, Validator.NOT_NULLABLE);
    assertThat(nulls.column()).isEqualTo("x");
    assertThat(nulls.value()).isEqualTo(5.0);
    assertThat(nulls.message()).contains("no value in 5 of 100 rows");
    assertThat(only(report, Validator.MISSING_DECLARED_COLUMN).column()).isEqualTo("nope");
    assertThat(report.errors()).isEqualTo(4);

    ValidationReport fits =
        validate(
            cards(false),
            "\"columns\": [{\"name\": \"x\", \"type\": \"number\", \"nullable\": false},"
                + " {\"name\": \"card\", \"type\": \"categorical\"},"
                + " {\"name\": \"y\", \"type\": \"boolean\"}]",
            null);
    assertThat(fits.passed()).isTrue();
    assertThat(fits.schemaDiff()).isNull();
  }

  @Test
  void aBreakingSchemaChangeIsAnErrorUnlessAllowedAndTheDiffIsInTheReport() throws Exception {
    Table v1 = cards(false);
    Table v2 = table("x,y,extra", 100, i -> i + "," + i % 2 + "," + (i * 7 % 11));
    SchemaDiff diff = SchemaDiff.compare(v1.profile(), v2.profile()).between(1, null);
    assertThat(diff.breaking()).isTrue();

    ValidationReport rejected = validate(v2, "", diff);
    assertThat(rejected.passed()).isFalse();
    Anomaly breaking = only(rejected, Validator.BREAKING_SCHEMA_CHANGE);
    assertThat(breaking.severity()).isEqualTo(Severity.ERROR);
    assertThat(breaking.column()).isEqualTo("card");
    assertThat(breaking.message())
        .startsWith("removed_column against v1: column 'card' (string, categorical) was removed")
        .contains("ingestion.allowBreakingChanges");
    Anomaly added = only(rejected, Validator.SCHEMA_CHANGE);
    assertThat(added.severity()).isEqualTo(Severity.INFO);
    assertThat(added.column()).isEqualTo("extra");
    assertThat(rejected.schemaDiff()).isEqualTo(diff);

    ValidationReport allowed = validate(v2, "\"allowBreakingChanges\": true", diff);
    assertThat(allowed.passed()).isTrue();
    assertThat(only(allowed, Validator.BREAKING_SCHEMA_CHANGE).severity())
        .isEqualTo(Severity.WARNING);

    ValidationReport read = ValidationReport.fromJson(rejected.toJson());
    assertThat(read).isEqualTo(rejected);
    assertThat(new String(rejected.toJson(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"schemaDiff\"");
    // without a diff, no member
    assertThat(new String(validate(v1, "", null).toJson(), java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("schemaDiff");
  }

  @Test
  void newCategoriesAreAWarning() throws Exception {
    Table v1 = table("x,card,y", 100, i -> i + "," + (i % 2 == 0 ? "visa" : "amex") + "," + i % 2);
    Table v2 = cards(false);
    SchemaDiff diff = SchemaDiff.compare(v1.profile(), v2.profile()).between(1, null);
    ValidationReport report = validate(v2, "", diff);
    Anomaly change = only(report, Validator.SCHEMA_CHANGE);
    assertThat(change.severity()).isEqualTo(Severity.WARNING);
    assertThat(change.value()).isEqualTo(1.0);
    assertThat(change.message()).contains("new_categories").contains("'jcb'");
    assertThat(report.passed()).isTrue();
  }
}
