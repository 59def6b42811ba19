package io.trainyard.labeling.rules;

import static io.trainyard.stats.LabelingFunctions.ABSTAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.contracts.spec.PipelineSpec.Condition;
import io.trainyard.contracts.spec.PipelineSpec.Rule;
import io.trainyard.stats.LabelingFunctions;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** {@link Rules}: every operator both ways, numbers across types, missing values, the matrix. */
class RulesTest {

  /** A row as {@code ParquetTables.readRows} gives it: Long, Double, Boolean, String, null. */
  private static Map<String, Object> row() {
    Map<String, Object> row = new HashMap<>();
    row.put("n", 5L);
    row.put("x", 2.5);
    row.put("one", 1.0);
    row.put("flag", true);
    row.put("text", "Hello World");
    row.put("code", "1");
    row.put("nothing", null);
    row.put("nan", Double.NaN);
    row.put("inf", Double.POSITIVE_INFINITY);
    row.put("zero", -0.0);
    row.put("big", 9007199254740993L); // 2^53 + 1: no double holds it
    return row;
  }

  private static boolean holds(String column, String op, Object value) {
    return Rules.holds(new Condition(column, op, value), row());
  }

  @Test
  void eqAndNeCompareNumbersAcrossTypes() {
    assertThat(holds("n", "eq", 5)).isTrue(); // Long vs Integer
    assertThat(holds("n", "eq", 5L)).isTrue();
    assertThat(holds("n", "eq", 5.0)).isTrue(); // Long vs Double
    assertThat(holds("n", "eq", new BigDecimal("5.00"))).isTrue();
    assertThat(holds("one", "eq", 1)).isTrue(); // Double vs Integer
    assertThat(holds("x", "eq", 2.5)).isTrue();
    assertThat(holds("x", "eq", new BigDecimal("2.5"))).isTrue();
    assertThat(holds("zero", "eq", 0)).isTrue(); // -0.0 equals 0
    assertThat(holds("n", "eq", 6)).isFalse();
    assertThat(holds("x", "eq", 2.4999999999999996)).isFalse();
    // Exact: 2^53 + 1 is not the double 2^53 (which a double comparison would call equal).
    assertThat(holds("big", "eq", 9007199254740992.0)).isFalse();
    assertThat(holds("big", "eq", 9007199254740993L)).isTrue();
    assertThat(holds("n", "ne", 6)).isTrue();
    assertThat(holds("n", "ne", 5.0)).isFalse();
    assertThat(holds("one", "ne", 1)).isFalse();
    // NaN equals nothing, itself included.
    assertThat(holds("nan", "eq", Double.NaN)).isFalse();
    assertThat(holds("nan", "ne", Double.NaN)).isTrue();
    assertThat(holds("inf", "eq", Double.POSITIVE_INFINITY)).isTrue();
  }

  @Test
  void eqAndNeCompareBooleansAndTextsAndMixedTypesByCanonicalText() {
    assertThat(holds("flag", "eq", true)).isTrue();
    assertThat(holds("flag", "eq", false)).isFalse();
    assertThat(holds("flag", "ne", false)).isTrue();
    assertThat(holds("text", "eq", "Hello World")).isTrue();
    assertThat(holds("text", "eq", "hello world")).isFalse(); // case-sensitive
    assertThat(holds("text", "ne", "hello world")).isTrue();
    // Mixed types: canonical texts.
    assertThat(holds("code", "eq", 1)).isTrue(); // "1" vs 1
    assertThat(holds("code", "eq", 1.0)).isTrue(); // "1" vs 1.0, canonical "1"
    assertThat(holds("n", "eq", "5")).isTrue(); // 5 vs "5"
    assertThat(holds("one", "eq", "1")).isTrue(); // 1.0 vs "1"
    assertThat(holds("one", "eq", "1.0")).isFalse(); // canonical text of 1.0 is "1"
    assertThat(holds("x", "eq", "2.5")).isTrue();
    assertThat(holds("flag", "eq", "true")).isTrue();
    assertThat(holds("flag", "eq", "TRUE")).isFalse();
    assertThat(holds("flag", "eq", 1)).isFalse(); // "true" vs "1"
    assertThat(holds("code", "ne", 1)).isFalse();
    assertThat(holds("code", "ne", 2)).isTrue();
    // A list in place of a value equals nothing.
    assertThat(holds("n", "eq", List.of(5))).isFalse();
    assertThat(holds("n", "ne", List.of(5))).isTrue();
  }

  @Test
  void orderNeedsANumericValue() {
    assertThat(holds("n", "lt", 6)).isTrue();
    assertThat(holds("n", "lt", 5)).isFalse();
    assertThat(holds("n", "lt", 5.5)).isTrue();
    assertThat(holds("n", "le", 5)).isTrue();
    assertThat(holds("n", "le", 4.999)).isFalse();
    assertThat(holds("n", "gt", 4.5)).isTrue();
    assertThat(holds("n", "gt", 5.0)).isFalse();
    assertThat(holds("n", "ge", 5.0)).isTrue();
    assertThat(holds("n", "ge", 6L)).isFalse();
    assertThat(holds("x", "lt", 3)).isTrue();
    assertThat(holds("x", "gt", 2)).isTrue();
    assertThat(holds("x", "ge", 2.5)).isTrue();
    assertThat(holds("x", "le", new BigDecimal("2.4"))).isFalse();
    assertThat(holds("big", "gt", 9007199254740992.0)).isTrue(); // exact
    assertThat(holds("inf", "gt", Double.MAX_VALUE)).isTrue();
    assertThat(holds("inf", "lt", 0)).isFalse();
    // Text (even numeric text), booleans and NaN satisfy no order.
    for (String op : List.of("lt", "le", "gt", "ge")) {
      assertThat(holds("code", op, 1)).as("text %s", op).isFalse();
      assertThat(holds("flag", op, 1)).as("boolean %s", op).isFalse();
      assertThat(holds("nan", op, 0)).as("NaN %s", op).isFalse();
    }
  }

  @Test
  void inAndNotInUseTheEqualityOfEq() {
    List<Object> values = Arrays.asList(1, "Hello World", false, null);
    assertThat(holds("one", "in", values)).isTrue(); // 1.0 vs 1
    assertThat(holds("code", "in", values)).isTrue(); // "1" vs 1
    assertThat(holds("text", "in", values)).isTrue();
    assertThat(holds("flag", "in", values)).isFalse();
    assertThat(holds("n", "in", values)).isFalse();
    assertThat(holds("n", "in", List.of())).isFalse();
    assertThat(holds("one", "not_in", values)).isFalse();
    assertThat(holds("flag", "not_in", values)).isTrue();
    assertThat(holds("n", "not_in", List.of(4L, 6.0))).isTrue();
    assertThat(holds("n", "not_in", List.of())).isTrue();
  }

  @Test
  void containsIgnoresCase() {
    assertThat(holds("text", "contains", "WORLD")).isTrue();
    assertThat(holds("text", "contains", "o w")).isTrue();
    assertThat(holds("text", "contains", "")).isTrue();
    assertThat(holds("text", "contains", "worlds")).isFalse();
    assertThat(holds("text", "contains", "Hello World!")).isFalse();
    // On the canonical text of other values.
    assertThat(holds("x", "contains", ".5")).isTrue();
    assertThat(holds("one", "contains", ".0")).isFalse(); // "1"
    assertThat(holds("flag", "contains", "TRU")).isTrue();
  }

  @Test
  void matchesFindsARegularExpressionAnywhere() {
    assertThat(holds("text", "matches", "o W")).isTrue();
    assertThat(holds("text", "matches", "^Hello\\s+\\w+$")).isTrue();
    assertThat(holds("text", "matches", "^World")).isFalse();
    assertThat(holds("text", "matches", "hello")).isFalse(); // case-sensitive
    assertThat(holds("text", "matches", "(?i)hello")).isTrue();
    assertThat(holds("n", "matches", "^\\d$")).isTrue(); // "5"
    assertThat(holds("x", "matches", "^2\\.5$")).isTrue();
    assertThat(holds("one", "matches", "\\.")).isFalse(); // "1"
  }

  @Test
  void nullAndNotNull() {
    assertThat(holds("nothing", "is_null", null)).isTrue();
    assertThat(holds("missing", "is_null", null)).isTrue();
    assertThat(holds("n", "is_null", null)).isFalse();
    assertThat(holds("nan", "is_null", null)).isFalse(); // NaN is a value
    assertThat(holds("n", "not_null", null)).isTrue();
    assertThat(holds("nothing", "not_null", null)).isFalse();
    assertThat(holds("missing", "not_null", null)).isFalse();
  }

  @Test
  void aMissingValueSatisfiesNoComparison() {
    Map<String, Object> values = new HashMap<>();
    values.put("eq", 1);
    values.put("ne", 1);
    values.put("lt", 1);
    values.put("le", 1);
    values.put("gt", 1);
    values.put("ge", 1);
    values.put("in", List.of(1));
    values.put("not_in", List.of(1));
    values.put("contains", "a");
    values.put("matches", ".*");
    values.put("not_null", null);
    values.forEach(
        (op, value) -> {
          assertThat(holds("nothing", op, value)).as("null %s", op).isFalse();
          assertThat(holds("missing", op, value)).as("missing %s", op).isFalse();
        });
  }

  @Test
  void applyGivesTheCanonicalLabelWhenEveryConditionHolds() {
    Rule spam =
        new Rule(
            "spam",
            "spam",
            List.of(new Condition("text", "contains", "hello"), new Condition("n", "ge", 5)));
    assertThat(Rules.apply(spam, row())).isEqualTo("spam");
    Rule notSpam =
        new Rule(
            "big-n",
            "spam",
            List.of(new Condition("text", "contains", "hello"), new Condition("n", "gt", 5)));
    assertThat(Rules.apply(notSpam, row())).isNull();
    // Labels as canonical text.
    List<Condition> always = List.of(new Condition("n", "not_null", null));
    assertThat(Rules.apply(new Rule("a", 1, always), row())).isEqualTo("1");
    assertThat(Rules.apply(new Rule("b", 1.0, always), row())).isEqualTo("1");
    assertThat(Rules.apply(new Rule("c", 0.25, always), row())).isEqualTo("0.25");
    assertThat(Rules.apply(new Rule("d", true, always), row())).isEqualTo("true");
  }

  @Test
  void labelMatrix() {
    List<Rule> rules =
        List.of(
            new Rule("has-link", "spam", List.of(new Condition("text", "matches", "https?://"))),
            new Rule("short", "ham", List.of(new Condition("length", "lt", 20))),
            new Rule(
                "shouting",
                "spam",
                List.of(
                    new Condition("text", "matches", "[A-Z]{4,}"),
                    new Condition("length", "ge", 10))),
            new Rule("known", "ham", List.of(new Condition("sender", "in", List.of("alice")))));
    List<Map<String, Object>> rows =
        List.of(
            message(
                "see http://x.io NOW", 19L, "bob"), // has-link, short; "NOW" is too short to shout
            message("FREE MONEY at https://y.io", 26L, "carol"), // has-link, shouting
            message("lunch?", 6L, "alice"), // short, known
            message(null, null, null), // nothing
            message("WINNER WINNER", 13L, "alice")); // short, shouting, known
    int[][] matrix = Rules.labelMatrix(rules, rows, List.of("ham", "spam"));
    int a = ABSTAIN;
    assertThat(matrix)
        .isDeepEqualTo(
            new int[][] {
              {1, 0, a, a},
              {1, a, 1, a},
              {a, 0, a, 0},
              {a, a, a, a},
              {a, 0, 1, 0}
            });
    assertThat(LabelingFunctions.majorityVote(matrix, 2)).containsExactly(a, 1, 0, a, 0);
    // The class index follows the order of classes.
    assertThat(Rules.labelMatrix(rules, rows.subList(0, 1), List.of("spam", "ham")))
        .isDeepEqualTo(new int[][] {{0, 1, a, a}});
    // Numeric labels match their canonical class text.
    List<Condition> always = List.of(new Condition("n", "not_null", null));
    assertThat(
            Rules.labelMatrix(
                List.of(new Rule("one", 1.0, always), new Rule("zero", 0, always)),
                List.of(row()),
                List.of("0", "1")))
        .isDeepEqualTo(new int[][] {{1, 0}});
    assertThat(Rules.labelMatrix(rules, List.of(), List.of("ham", "spam"))).isEmpty();
    assertThat(Rules.labelMatrix(List.of(), rows, List.of("ham", "spam")))
        .isDeepEqualTo(new int[5][0]);
  }

  private static Map<String, Object> message(String text, Long length, String sender) {
    Map<String, Object> row = new HashMap<>();
    row.put("text", text);
    row.put("length", length);
    row.put("sender", sender);
    return row;
  }

  @Test
  void aLabelOutsideTheClassesIsAnError() {
    List<Rule> rules =
        List.of(
            new Rule("ok", "ham", List.of(new Condition("n", "eq", 5))),
            new Rule("odd", "eggs", List.of(new Condition("n", "eq", 5))));
    assertInvalid(
        () -> Rules.labelMatrix(rules, List.of(row()), List.of("ham", "spam")),
        "rule 'odd' gives the label 'eggs', which is not one of the classes [ham, spam]");
    // Even without rows.
    assertInvalid(
        () -> Rules.labelMatrix(rules, List.of(), List.of("ham", "spam")),
        "rule 'odd' gives the label 'eggs'");
    assertInvalid(
        () ->
            Rules.labelMatrix(
                List.of(new Rule("n", 1.5, List.of(new Condition("n", "eq", 5)))),
                List.of(row()),
                List.of("1", "2")),
        "rule 'n' gives the label '1.5', which is not one of the classes [1, 2]");
    assertInvalid(
        () -> Rules.labelMatrix(rules, List.of(row()), List.of("ham", "spam", "ham")),
        "list 'ham' more than once");
  }

  @Test
  void invalidConditionsAreErrorsWhateverTheRow() {
    assertInvalid(() -> holds("n", "like", 5), "unknown operator 'like'");
    assertInvalid(() -> holds("n", null, 5), "unknown operator 'null'");
    assertInvalid(() -> holds("n", "lt", "5"), "lt needs a number, not String 5");
    assertInvalid(() -> holds("n", "in", 5), "in needs a list");
    assertInvalid(() -> holds("n", "not_in", "5"), "not_in needs a list");
    assertInvalid(() -> holds("n", "contains", 5), "contains needs a text");
    assertInvalid(() -> holds("n", "matches", 5), "matches needs a regular expression");
    assertInvalid(() -> holds("n", "eq", null), "eq needs a value");
    assertInvalid(() -> holds("n", "is_null", 1), "is_null takes no value");
    // A syntax error fails on a missing value too.
    assertInvalid(
        () -> holds("missing", "matches", "(unclosed"), "matches needs a valid regular expression");
    assertInvalid(() -> holds(null, "eq", 1), "a condition needs a column");
    assertInvalid(() -> Rules.holds(null, row()), "the condition must not be null");
    assertInvalid(() -> Rules.holds(new Condition("n", "eq", 1), null), "the row must not be null");
    // apply names the rule and the condition, also when an earlier condition fails.
    Rule bad =
        new Rule(
            "bad", "x", List.of(new Condition("n", "eq", 6), new Condition("n", "gt", "four")));
    assertInvalid(() -> Rules.apply(bad, row()), "rule 'bad', when[1]: the condition on 'n'");
    assertInvalid(
        () -> Rules.labelMatrix(List.of(bad), List.of(), List.of("x")), "rule 'bad', when[1]");
    assertInvalid(
        () -> Rules.apply(new Rule("empty", "x", List.of()), row()),
        "rule 'empty' has no condition");
    assertInvalid(
        () -> Rules.apply(new Rule("none", "x", null), row()), "rule 'none' has no condition");
    assertInvalid(
        () -> Rules.apply(new Rule("unlabeled", null, List.of()), row()),
        "rule 'unlabeled' has no label");
  }

  @Test
  void patternsAreCachedSafelyAcrossThreads() {
    // More expressions than the cache holds, from many threads: each still matches correctly.
    int n = Rules.PATTERN_CACHE_SIZE * 3;
    long matched =
        IntStream.range(0, n * 4)
            .parallel()
            .filter(
                i -> {
                  int k = i % n;
                  Map<String, Object> row = Map.of("id", "item-" + k);
                  boolean same =
                      Rules.holds(new Condition("id", "matches", "^item-" + k + "$"), row);
                  boolean other =
                      Rules.holds(new Condition("id", "matches", "^item-" + (k + 1) + "$"), row);
                  return same && !other;
                })
            .count();
    assertThat(matched).isEqualTo(n * 4L);
  }

  private static void assertInvalid(ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
