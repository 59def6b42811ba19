package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trainyard.datasets.DatasetProfile.ColumnProfile;
import io.trainyard.datasets.DatasetProfile.Histogram;
import io.trainyard.datasets.DatasetProfile.TopValue;
import io.trainyard.datasets.SchemaDiff.Change;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SchemaDiffTest {

  private static ColumnProfile numeric(
      String name, String type, long count, long missing, double mean, Double std, Histogram h) {
    return new ColumnProfile(name, type, count, missing, count, 0.0, 2.0, mean, std, null, h, null)
        .withSchema(null);
  }

  private static ColumnProfile categorical(String name, long count, String... values) {
    List<String> categories = List.of(values).stream().sorted().toList();
    return new ColumnProfile(
            name, Column.STRING, count, 0, values.length, null, null, null, null, null, null, null)
        .withSchema(categories);
  }

  private static DatasetProfile profile(long rows, ColumnProfile... columns) {
    return new DatasetProfile(DatasetProfile.FORMAT_VERSION, rows, List.of(columns), null);
  }

  private static Histogram histogram(long... counts) {
    return new Histogram(
        IntStream.rangeClosed(0, counts.length).mapToObj(i -> (double) i).toList(),
        java.util.Arrays.stream(counts).boxed().toList());
  }

  @Test
  void identicalProfilesHaveNoChangeAndZeroDeltas() {
    DatasetProfile p =
        profile(
            100,
            numeric("x", Column.NUMBER, 100, 0, 1.0, 0.5, histogram(50, 50)),
            categorical("c", 100, "a", "b"));
    SchemaDiff diff = SchemaDiff.compare(p, p);
    assertThat(diff.changes()).isEmpty();
    assertThat(diff.breaking()).isFalse();
    assertThat(diff.columns().keySet()).containsExactly("x", "c");
    assertThat(diff.columns().get("x").psi()).isEqualTo(0.0);
    assertThat(diff.columns().get("x").mean().change()).isZero();
    assertThat(diff.columns().get("c").mean()).isNull();
    assertThat(diff.columns().get("c").distinct().to()).isEqualTo(2.0);
  }

  @Test
  void anAddedColumnIsNotBreakingAndARemovedOneIs() {
    DatasetProfile v1 =
        profile(
            10,
            numeric("x", Column.INTEGER, 10, 0, 1.0, 1.0, null),
            numeric("old", Column.NUMBER, 10, 0, 1.0, 1.0, null));
    DatasetProfile v2 =
        profile(
            10,
            numeric("x", Column.INTEGER, 10, 0, 1.0, 1.0, null),
            categorical("new", 10, "p", "q"));

    SchemaDiff added =
        SchemaDiff.compare(
            v1, profile(10, v1.columns().get(0), v1.columns().get(1), v2.column("new")));
    assertThat(added.changes()).extracting(Change::code).containsExactly(SchemaDiff.ADDED_COLUMN);
    assertThat(added.breaking()).isFalse();
    Change change = added.changes().get(0);
    assertThat(change.column()).isEqualTo("new");
    assertThat(change.toType()).isEqualTo(Column.STRING);
    assertThat(change.toKind()).isEqualTo(DatasetProfile.CATEGORICAL);

    SchemaDiff both = SchemaDiff.compare(v1, v2).between(1, 2);
    assertThat(both.from()).isEqualTo(1);
    assertThat(both.to()).isEqualTo(2);
    assertThat(both.changes())
        .extracting(Change::code, Change::column, Change::breaking)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(SchemaDiff.ADDED_COLUMN, "new", false),
            org.assertj.core.groups.Tuple.tuple(SchemaDiff.REMOVED_COLUMN, "old", true));
    assertThat(both.breaking()).isTrue();
    assertThat(both.columns().keySet()).containsExactly("x");
  }

  @Test
  void integerAndNumberAreCompatibleAndOtherTypeChangesBreak() {
    DatasetProfile ints = profile(10, numeric("x", Column.INTEGER, 10, 0, 1.0, 1.0, null));
    DatasetProfile reals = profile(10, numeric("x", Column.NUMBER, 10, 0, 1.5, 1.0, null));

    SchemaDiff widening = SchemaDiff.compare(ints, reals);
    assertThat(widening.changes()).hasSize(1);
    Change change = widening.changes().get(0);
    assertThat(change.code()).isEqualTo(SchemaDiff.TYPE_CHANGE);
    assertThat(change.breaking()).isFalse();
    assertThat(change.fromType()).isEqualTo(Column.INTEGER);
    assertThat(change.toType()).isEqualTo(Column.NUMBER);
    assertThat(change.message()).contains("a widening");
    assertThat(widening.breaking()).isFalse();
    assertThat(widening.columns().get("x").mean().change()).isEqualTo(0.5);

    SchemaDiff narrowing = SchemaDiff.compare(reals, ints);
    assertThat(narrowing.changes().get(0).code()).isEqualTo(SchemaDiff.TYPE_CHANGE);
    assertThat(narrowing.changes().get(0).breaking()).isFalse();
    assertThat(narrowing.changes().get(0).message()).contains("every value still a number");
    assertThat(narrowing.breaking()).isFalse();

    SchemaDiff toText = SchemaDiff.compare(ints, profile(10, categorical("x", 10, "a")));
    assertThat(toText.changes().get(0).breaking()).isTrue();
    assertThat(toText.changes().get(0).fromKind()).isEqualTo(DatasetProfile.NUMERIC);
    assertThat(toText.changes().get(0).toKind()).isEqualTo(DatasetProfile.CATEGORICAL);
  }

  @Test
  void aChangeOfKindAloneIsANonBreakingTypeChange() {
    DatasetProfile few = profile(100, categorical("c", 100, "a", "b"));
    // 80 distinct of 100 values: more than half distinct, so text
    ColumnProfile many =
        new ColumnProfile("c", Column.STRING, 100, 0, 80, null, null, null, null, null, null, null)
            .withSchema(null);
    assertThat(many.kind()).isEqualTo(DatasetProfile.TEXT);
    assertThat(many.categories()).isNull();
    SchemaDiff diff = SchemaDiff.compare(few, profile(100, many));
    assertThat(diff.changes()).hasSize(1);
    assertThat(diff.changes().get(0).code()).isEqualTo(SchemaDiff.TYPE_CHANGE);
    assertThat(diff.changes().get(0).breaking()).isFalse();
    assertThat(diff.changes().get(0).message()).contains("changed kind from categorical to text");
    assertThat(diff.breaking()).isFalse();
  }

  @Test
  void newCategoriesAreListedSortedAndCapped() {
    DatasetProfile v1 = profile(100, categorical("c", 100, "visa", "amex"));
    DatasetProfile v2 = profile(100, categorical("c", 100, "visa", "amex", "jcb", "discover"));
    SchemaDiff diff = SchemaDiff.compare(v1, v2);
    assertThat(diff.changes()).hasSize(1);
    Change change = diff.changes().get(0);
    assertThat(change.code()).isEqualTo(SchemaDiff.NEW_CATEGORIES);
    assertThat(change.breaking()).isFalse();
    assertThat(change.categories()).containsExactly("discover", "jcb");
    assertThat(change.newCategories()).isEqualTo(2);
    assertThat(change.message()).contains("2 new categories: 'discover', 'jcb'");
    // a category that disappeared is not a change
    assertThat(SchemaDiff.compare(v2, v1).changes()).isEmpty();

    String[] many =
        IntStream.range(0, 30).mapToObj(i -> String.format("k%02d", i)).toArray(String[]::new);
    SchemaDiff capped = SchemaDiff.compare(v1, profile(100, categorical("c", 100, many)));
    Change c = capped.changes().get(0);
    assertThat(c.newCategories()).isEqualTo(30);
    assertThat(c.categories()).hasSize(SchemaDiff.MAX_LISTED_CATEGORIES).startsWith("k00");
    assertThat(c.message()).endsWith("and 10 more");
  }

  @Test
  void deltasAndPsiWithKnownValues() {
    DatasetProfile v1 =
        profile(100, numeric("x", Column.NUMBER, 100, 0, 1.0, 0.5, histogram(50, 50)));
    DatasetProfile v2 =
        profile(200, numeric("x", Column.NUMBER, 100, 100, 1.25, null, histogram(25, 75)));
    SchemaDiff.ColumnDelta x = SchemaDiff.compare(v1, v2).columns().get("x");
    assertThat(x.missingShare().from()).isZero();
    assertThat(x.missingShare().to()).isEqualTo(0.5);
    assertThat(x.missingShare().change()).isEqualTo(0.5);
    assertThat(x.mean().change()).isEqualTo(0.25);
    assertThat(x.std()).isNull(); // null in v2
    // (0.5 - 0.25) ln 2 + (0.5 - 0.75) ln (0.5 / 0.75) = 0.25 ln 3
    assertThat(x.psi()).isCloseTo(0.25 * Math.log(3), within(1e-12));

    // other edges: no psi
    Histogram shifted = new Histogram(List.of(0.5, 1.5, 2.5), List.of(25L, 75L));
    DatasetProfile v3 = profile(100, numeric("x", Column.NUMBER, 100, 0, 1.25, 0.5, shifted));
    assertThat(SchemaDiff.compare(v1, v3).columns().get("x").psi()).isNull();
  }

  @Test
  void profilesOfFormatOneInferTheKindAndUseTopValuesAsCategories() {
    ColumnProfile old =
        new ColumnProfile(
            "c",
            Column.STRING,
            100,
            0,
            2,
            null,
            null,
            null,
            null,
            null,
            null,
            List.of(new TopValue("b", 60), new TopValue("a", 40)));
    assertThat(old.kind()).isNull();
    assertThat(old.kindOrInferred()).isEqualTo(DatasetProfile.CATEGORICAL);
    assertThat(old.knownCategories()).containsExactly("a", "b");
    DatasetProfile v1 = new DatasetProfile(1, 100, List.of(old), null);
    SchemaDiff diff = SchemaDiff.compare(v1, profile(100, categorical("c", 100, "a", "b", "z")));
    assertThat(diff.changes()).extracting(Change::code).containsExactly(SchemaDiff.NEW_CATEGORIES);
    assertThat(diff.changes().get(0).categories()).containsExactly("z");
  }

  @Test
  void itSerialisesWithoutNullMembers() throws Exception {
    DatasetProfile v1 = profile(10, numeric("x", Column.INTEGER, 10, 0, 1.0, 1.0, null));
    DatasetProfile v2 = profile(10, categorical("y", 10, "a"));
    SchemaDiff diff = SchemaDiff.compare(v1, v2).between(3, 4);
    ObjectMapper mapper = new ObjectMapper();
    JsonNode json = mapper.valueToTree(diff);
    assertThat(json.get("from").asInt()).isEqualTo(3);
    assertThat(json.get("to").asInt()).isEqualTo(4);
    assertThat(json.get("breaking").asBoolean()).isTrue();
    assertThat(json.at("/changes/0/code").asText()).isEqualTo("added_column");
    assertThat(json.at("/changes/0").has("fromType")).isFalse();
    assertThat(json.at("/changes/1/code").asText()).isEqualTo("removed_column");
    assertThat(mapper.treeToValue(json, SchemaDiff.class)).isEqualTo(diff);
  }
}
